from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("resources/<int:resource_id>/status/", views.set_status, name="set_status"),
    path("resources/<int:resource_id>/note/", views.save_note, name="save_note"),
    path("why/", views.why, name="why"),
    path("profile/", views.profile, name="profile"),
    path("export.json", views.export_json, name="export_json"),
    path("export-csv.zip", views.export_csv, name="export_csv"),
    path("delete/", views.delete_account, name="delete_account"),
]
