from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Curriculum stages"

    def ready(self):
        from dlcurriculum import retention

        from . import account_data, history
        from .linkhealth.services import expired_link_checks
        from .outline import CURRICULUM_OUTLINE

        CURRICULUM_OUTLINE.connect()
        # Before the admin registers: VersionAdmin would otherwise register with followed inlines.
        history.register()
        account_data.register()
        retention.register("link check history", expired=expired_link_checks, setting="LINKCHECK_HISTORY_DAYS")
