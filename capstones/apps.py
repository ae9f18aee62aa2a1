from django.apps import AppConfig


class CapstonesConfig(AppConfig):
    name = "capstones"
    verbose_name = "Capstone projects"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
        from .selectors import BRIEF_OUTLINE

        BRIEF_OUTLINE.connect()
