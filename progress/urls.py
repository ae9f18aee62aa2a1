from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("resources/<int:resource_id>/status/", views.set_status, name="set_status"),
    path("resources/<int:resource_id>/continue/", views.continue_resource, name="continue"),
    path("resources/<int:resource_id>/note/", views.save_note, name="save_note"),
]
