from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "dlcurriculum.mail"
    label = "mail"
    verbose_name = "E-mail"
