from django.contrib import admin
from django.urls import include, path

from . import health, views

admin.site.site_header = "dlcurriculum administration"
admin.site.site_title = "dlcurriculum admin"

handler500 = "dlcurriculum.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("stages/", include("stages.urls")),
    path("me/", include("progress.urls")),
    path("capstones/", include("capstones.urls")),
    path("mail/", include("dlcurriculum.mail.urls")),
    path("admin/", admin.site.urls),
]
