"""The progress endpoints under their names (``progress:...``), with the status, Continue and note
endpoints routed through the page layer: their fetch answer shows the stage's completion with its
capstone's approval, which progress cannot read; and the pace page, whose figures count the
capstones the learner has approved, as the dashboard's do."""

from django.urls import path

from progress import urls as progress_urls

from . import views

app_name = "progress"

THROUGH_PAGES = {"set_status", "continue", "save_note", "pace", "pause_add"}

urlpatterns = [
    path("resources/<int:resource_id>/status/", views.set_status, name="set_status"),
    path("resources/<int:resource_id>/continue/", views.continue_resource, name="continue"),
    path("resources/<int:resource_id>/note/", views.save_note, name="save_note"),
    path("pace/", views.pace_plan, name="pace"),
    path("pace/pauses/", views.pause_add, name="pause_add"),
    *(p for p in progress_urls.urlpatterns if p.name not in THROUGH_PAGES),
]
