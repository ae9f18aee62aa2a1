from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class UsersConfig(AppConfig):
    name = "dlcurriculum.users"
    label = "users"
    verbose_name = "Users"

    def ready(self):
        from dlcurriculum import retention
        from dlcurriculum.mail import unsubscribe

        from . import account_data, services, signals  # noqa: F401 - connects the receivers
        from .retention import expired_sessions

        account_data.register()
        unsubscribe.register_topic(
            unsubscribe.MailTopic.REVIEWS,
            stop=services.stop_review_emails,
            stopped_title="E-mails about capstone reviews stopped",
            preferences_url_name="users:profile",
        )
        retention.register("expired sessions", expired=expired_sessions, setting="SESSION_COOKIE_AGE")


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "dlcurriculum.users.admin_site.AdminSite"
