from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("why/", views.why, name="why"),
    path("name/", views.name, name="name"),
    path("profile/", views.profile, name="profile"),
    path("sessions/<int:pk>/end/", views.end_session, name="end_session"),
    path("sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("export.json", views.export_json, name="export_json"),
    path("export-csv.zip", views.export_csv, name="export_csv"),
    path("delete/", views.delete_account, name="delete_account"),
]
