"""Reading the environment, and the one switch between local mode and production.

Every variable the settings read goes through ``env`` (django-environ), called with
the variable's name spelled out, so the names can be listed without running anything
(tests/test_settings_layout.py compares them with README's configuration table).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Local mode unless told otherwise: with nothing set, everything works on one machine.
DEBUG = env.bool("DEBUG", default=True)
