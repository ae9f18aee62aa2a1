from django.contrib import admin
from django.urls import include, path, re_path

from . import health
from .pages import dashboard, views

handler500 = "dlcurriculum.health.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("stages/", include("dlcurriculum.pages.stage_urls")),
    path("me/", dashboard.dashboard, name="dashboard"),
    path("me/completion/", views.completion_record, name="completion_record"),
    path("completion/<slug:slug>/", views.public_completion, name="public_completion"),
    path("me/", include("dlcurriculum.pages.progress_urls")),
    path("me/", include("dlcurriculum.users.urls")),
    path("capstones/", include("dlcurriculum.pages.capstone_urls")),
    path("u/", include("dlcurriculum.pages.portfolio_urls")),
    path("groups/", include("dlcurriculum.pages.group_urls")),
    path("mail/", include("dlcurriculum.mail.urls")),
    # Admin bookmarks of the models that moved to another app keep working.
    re_path(
        r"^admin/(?P<model>mail/reminder|capstones/(?:capstonebrief|framework|projectidea))/(?P<rest>.*)$",
        views.moved_admin_page,
    ),
    # Composed from progress and capstones, so it lives here rather than in either app's ModelAdmin.
    path("admin/insight/", admin.site.admin_view(views.curriculum_insight), name="curriculum_insight"),
    path("admin/", admin.site.urls),
]
