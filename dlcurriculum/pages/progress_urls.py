"""Progress's pages under their names (``progress:...``), with the pace page routed through the page
layer: its figures count the capstones the learner has approved, as the dashboard's do."""

from django.urls import path

from progress import urls as progress_urls

from . import views

app_name = "progress"

urlpatterns = [
    path("pace/", views.pace_plan, name="pace"),
    path("pace/pauses/", views.pause_add, name="pause_add"),
    *progress_urls.urlpatterns,
]
