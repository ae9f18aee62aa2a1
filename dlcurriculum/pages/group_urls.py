"""Study groups under their names (``groups:...``), composed in the page layer: a group's page shows
its members' progress (from progress) and public capstones (from capstones)."""

from django.urls import path

from . import group_pages

app_name = "groups"

urlpatterns = [
    path("", group_pages.group_list, name="list"),
    path("new/", group_pages.group_create, name="create"),
    path("join/<str:token>/", group_pages.join, name="join"),
    path("<int:pk>/", group_pages.group_detail, name="detail"),
    path("<int:pk>/edit/", group_pages.group_edit, name="edit"),
    path("<int:pk>/leave/", group_pages.leave, name="leave"),
    path("<int:pk>/me/", group_pages.my_settings, name="my_settings"),
    path("<int:pk>/messages/", group_pages.post_message, name="post_message"),
    path("<int:pk>/messages/<int:message_id>/delete/", group_pages.delete_message, name="delete_message"),
    path("<int:pk>/messages/<int:message_id>/report/", group_pages.report_message, name="report_message"),
    path("<int:pk>/members/<int:user_id>/remove/", group_pages.remove_member, name="remove_member"),
    path("<int:pk>/owner/", group_pages.transfer, name="transfer"),
    path("<int:pk>/invite/reset/", group_pages.reset_invite, name="reset_invite"),
    path("<int:pk>/invite/email/", group_pages.invite_email, name="invite_email"),
    path("<int:pk>/delete/", group_pages.delete_group, name="delete"),
]
