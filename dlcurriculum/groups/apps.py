from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "dlcurriculum.groups"
    label = "groups"
    verbose_name = "Study groups"

    def ready(self):
        from dlcurriculum.mail import unsubscribe

        from . import account_data, services

        account_data.register()
        unsubscribe.register_topic(
            unsubscribe.MailTopic.GROUP_DIGEST,
            stop=services.stop_digests,
            stopped_title="Weekly group digests stopped",
            preferences_url_name="groups:list",
        )
