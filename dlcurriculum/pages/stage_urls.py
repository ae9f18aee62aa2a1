"""The curriculum pages under their historical names (``stages:overview``, ``stages:detail``):
the curriculum with the learner's progress and, for capstone stages, their capstone's approval."""

from django.urls import path

from . import views

app_name = "stages"

urlpatterns = [
    path("", views.stage_overview, name="overview"),
    path("<slug:slug>/", views.stage_detail, name="detail"),
]
