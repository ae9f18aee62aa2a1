from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Curriculum stages"

    def ready(self):
        from . import history
        from .outline import CURRICULUM_OUTLINE

        CURRICULUM_OUTLINE.connect()
        # Before the admin registers: VersionAdmin would otherwise register with followed inlines.
        history.register()
