"""The learner's progress endpoints under their names (``progress:...``), composed in the page layer:
the status, Continue and note answers show the stage's completion with its capstone's approval, and
the pace page counts the capstones approved, as the dashboard does (progress cannot read capstones)."""

from django.urls import path

from . import pace_pages, progress_actions

app_name = "progress"

urlpatterns = [
    path("resources/<int:resource_id>/status/", progress_actions.set_status, name="set_status"),
    path("resources/<int:resource_id>/continue/", progress_actions.continue_resource, name="continue"),
    path("resources/<int:resource_id>/note/", progress_actions.save_note, name="save_note"),
    path("resources/<int:resource_id>/time-spent/", progress_actions.answer_time_spent, name="time_spent"),
    path("pace/", pace_pages.pace_plan, name="pace"),
    path("pace/clear/", pace_pages.pace_clear, name="pace_clear"),
    path("pace/pauses/", pace_pages.pause_add, name="pause_add"),
    path("pace/pauses/<int:pause_id>/remove/", pace_pages.pause_remove, name="pause_remove"),
    # The calendar feed: the token is the credential (no session); the rest are the learner's own.
    path("pace/calendar/<str:token>.ics", pace_pages.calendar_feed, name="calendar_feed"),
    path("pace/calendar/reset/", pace_pages.calendar_reset, name="calendar_reset"),
    path("pace/calendar/stop/", pace_pages.calendar_stop, name="calendar_stop"),
    path("pace/calendar/study-blocks/", pace_pages.study_blocks, name="study_blocks"),
]
