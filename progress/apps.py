from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learner progress"

    def ready(self):
        from dlcurriculum import retention
        from dlcurriculum.mail import unsubscribe
        from dlcurriculum.users import lifecycle

        from . import account_data, services
        from .reminders.retention import expired_reminders
        from .reminders.services import stop_reminders
        from .selectors import REPORTED_MEDIANS

        unsubscribe.register_topic(
            unsubscribe.MailTopic.REMINDERS,
            stop=stop_reminders,
            stopped_title="Reminders stopped",
            preferences_url_name="users:profile",
        )
        lifecycle.register(
            "progress",
            tables={
                "progress": account_data.PROGRESS_FIELDS,
                "activity": account_data.ACTIVITY_FIELDS,
                "reminders": account_data.REMINDER_FIELDS,
                "pace_plan": account_data.PACE_PLAN_FIELDS,
                "pauses": account_data.PAUSE_FIELDS,
                "completion": account_data.COMPLETION_FIELDS,
                "time_spent": account_data.TIME_SPENT_FIELDS,
            },
            export=account_data.export_progress,
            erase=services.erase_progress,
            models={
                "progress.ResourceProgress.user": (("progress",), lifecycle.ERASED),
                "progress.Activity.user": (("activity",), lifecycle.ERASED),
                "progress.Reminder.user": (("reminders",), lifecycle.ERASED),
                "progress.PacePlan.user": (("pace_plan",), lifecycle.ERASED),
                "progress.Pause.user": (("pauses",), lifecycle.ERASED),
                "progress.CompletionRecord.user": (("completion",), lifecycle.ERASED),
                "progress.TimeSpent.user": (("time_spent",), lifecycle.ERASED),
            },
        )
        # The pace plans' medians of what learners reported: dropped whenever an answer changes.
        REPORTED_MEDIANS.connect()
        retention.register("settled reminders", expired=expired_reminders, setting="REMINDER_RETENTION_DAYS")
