"""The top layer: pages that combine the features (the home page, the learner's dashboard)
and the site-wide endpoints (robots.txt, health checks). The only code, with the root
URLconf, that may import every app."""
