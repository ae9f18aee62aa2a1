"""Settings, all from the environment (12-factor).

With nothing set the app runs in local mode: DEBUG on, an SQLite file, Celery
tasks executed in-process and e-mail printed to the console. Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_URL and an
https SITE_URL, and refuses to start while any of them is missing (dlcurriculum.config).

One module per concern, each setting defined exactly once, in full, where it is
read (tests/test_settings_layout.py checks both, and that every variable read
here is in README's configuration table). The order below is the order the
modules depend on each other: a later module imports what it needs from an
earlier one by name, never changes it.
"""

# In that order, not alphabetical: production's check of its required variables (core) runs first.
# isort: off
from .env import *  # noqa: F403
from .core import *  # noqa: F403
from .auth import *  # noqa: F403
from .mail import *  # noqa: F403
from .features import *  # noqa: F403
from .files import *  # noqa: F403
from .jobs import *  # noqa: F403
from .logging import *  # noqa: F403
from .operations import *  # noqa: F403
# isort: on
