from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "dlcurriculum.mail"
    label = "mail"
    verbose_name = "E-mail"

    def ready(self):
        from dlcurriculum import retention

        from .services import expired_sent_emails

        retention.register("sent e-mail records", expired=expired_sent_emails, setting="SENT_EMAIL_RETENTION_DAYS")
