import os

from django.core.wsgi import get_wsgi_application

from dlcurriculum.config import exit_if_incomplete

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")

try:
    application = get_wsgi_application()
except Exception as exc:
    # gunicorn stops the whole server on exit code 4 ("App failed to load")
    # instead of restarting workers that can never boot.
    exit_if_incomplete(exc)
    raise
