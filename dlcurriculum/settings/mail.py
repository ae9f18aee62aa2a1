"""E-mail: the transport (EMAIL_URL), the sender, and the outbox's retries and sweeps."""

from .env import env

EMAIL_URL = env("EMAIL_URL", default="consolemail://")
# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_FILE_PATH and,
# as the URL says, EMAIL_USE_TLS / EMAIL_USE_SSL (other query parameters land in OPTIONS): which of
# them exist depends on the URL, so they are set from django-environ's parse as they are (the only
# settings not assigned by name).
globals().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dlcurriculum <noreply@dlcurriculum.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox (dlcurriculum/mail/outbox.py): failed attempts are retried after 15 s, 30 s, then every
# EMAIL_RETRY_MAX_SECONDS, and due ones are swept every EMAIL_OUTBOX_SWEEP_SECONDS: after an SMTP or
# broker outage, e-mails go out within two minutes. Transient failures for this long end as failed.
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=15)
EMAIL_RETRY_MAX_SECONDS = env.int("EMAIL_RETRY_MAX_SECONDS", default=60)
EMAIL_GIVE_UP_AFTER_HOURS = env.int("EMAIL_GIVE_UP_AFTER_HOURS", default=72)
EMAIL_OUTBOX_SWEEP_SECONDS = env.int("EMAIL_OUTBOX_SWEEP_SECONDS", default=30)
EMAIL_OUTBOX_BATCH_SIZE = env.int("EMAIL_OUTBOX_BATCH_SIZE", default=200)
# A sweep sends at most a batch; each message is bounded by EMAIL_TIMEOUT per server reply.
EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS = env.int("EMAIL_OUTBOX_SWEEP_LIMIT_SECONDS", default=600)
# An attempt that died (worker killed) holds its message this long before another may send it.
EMAIL_LEASE_SECONDS = env.int("EMAIL_LEASE_SECONDS", default=EMAIL_TIMEOUT * 3 + 30)
