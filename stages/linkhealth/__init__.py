"""Link health: every resource's link checked on a schedule, its state shown to learners and editors.

``checker/`` is the pure core (asyncio and aiohttp, no Django: ``python -m stages.linkhealth.checker``
checks any list of URLs), with the network policy that keeps it off private addresses; beside it
the Django side: ``services`` (run a check, record the results and the history), ``selectors``
(the states pages and the admin show) and ``cli`` (shared by ``manage.py check_links`` and the core's
command line). Importing this package imports nothing of Django.
"""
