"""The curriculum pages under their historical names (``stages:overview``, ``stages:detail``):
the curriculum with the learner's progress and, for capstone stages, their capstone's approval."""

from django.urls import path

from . import stage_pages

app_name = "stages"

urlpatterns = [
    path("", stage_pages.stage_overview, name="overview"),
    path("<slug:slug>/", stage_pages.stage_detail, name="detail"),
]
