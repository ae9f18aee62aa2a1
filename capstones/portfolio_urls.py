"""Public portfolio pages at readable addresses: /u/<handle>/ and one page per capstone."""

from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("<str:handle>/", views.portfolio_by_handle, name="home"),
    path("<str:handle>/<slug:key>/", views.public_capstone, name="capstone"),
    path("<str:handle>/<slug:key>/notebook/", views.public_capstone_notebook, name="notebook"),
    path("<str:handle>/<slug:key>/download/", views.public_capstone_download, name="download"),
]
