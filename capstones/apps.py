from django.apps import AppConfig


class CapstonesConfig(AppConfig):
    name = "capstones"
    verbose_name = "Capstone projects"

    def ready(self):
        from . import account_data, signals  # noqa: F401 - connects the receivers

        account_data.register()
        from dlcurriculum.users import services as user_services

        from . import policy

        # The "why" prompt is for learners: mentors and admins, as the policy says, are not asked.
        user_services.register_not_a_learner(policy.is_mentor)
        from dlcurriculum import retention

        from .retention import expired_notifications  # not via .services: it loads the notebook analysis

        retention.register("read notifications", expired=expired_notifications, setting="NOTIFICATION_RETENTION_DAYS")
        from stages import approvals

        from .selectors import BRIEF_OUTLINE, RUBRICS, approvals_for

        BRIEF_OUTLINE.connect()
        RUBRICS.connect()  # the review form and the submit page read the rubrics from the cache
        approvals.register(approvals_for)  # progress's pace reminders count approved capstones
        from dlcurriculum import local_beat

        # Local mode has no Celery beat; without this the batched notifications never go out.
        local_beat.start()
