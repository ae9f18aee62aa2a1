from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("resources/<int:resource_id>/status/", views.set_status, name="set_status"),
    path("resources/<int:resource_id>/continue/", views.continue_resource, name="continue"),
    path("resources/<int:resource_id>/note/", views.save_note, name="save_note"),
    path("pace/", views.pace_plan, name="pace"),
    path("pace/clear/", views.pace_clear, name="pace_clear"),
    path("pace/pauses/", views.pause_add, name="pause_add"),
    path("pace/pauses/<int:pause_id>/remove/", views.pause_remove, name="pause_remove"),
]
