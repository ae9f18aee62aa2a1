from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learner progress"

    def ready(self):
        from dlcurriculum.users import lifecycle

        from . import selectors, services

        lifecycle.register(
            "progress",
            tables={"progress": selectors.PROGRESS_FIELDS, "activity": selectors.ACTIVITY_FIELDS},
            export=selectors.export_progress,
            erase=services.erase_progress,
        )
