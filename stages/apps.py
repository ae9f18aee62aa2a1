from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Curriculum stages"

    def ready(self):
        from .outline import CURRICULUM_OUTLINE

        CURRICULUM_OUTLINE.connect()
