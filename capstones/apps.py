from django.apps import AppConfig


class CapstonesConfig(AppConfig):
    name = "capstones"
    verbose_name = "Capstone projects"

    def ready(self):
        from . import account_data, signals  # noqa: F401 - connects the receivers

        account_data.register()
        from .selectors import BRIEF_OUTLINE

        BRIEF_OUTLINE.connect()
