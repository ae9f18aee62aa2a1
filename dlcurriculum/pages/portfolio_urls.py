"""Public portfolio pages at readable addresses: /u/<handle>/ (with the learner's public completion
record, from progress) and one page per capstone."""

from django.urls import path

from capstones import portfolio_views

from . import portfolio_pages

app_name = "portfolio"

urlpatterns = [
    path("<str:handle>/", portfolio_pages.portfolio_by_handle, name="home"),
    path("<str:handle>/<slug:key>/", portfolio_views.public_capstone, name="capstone"),
    path("<str:handle>/<slug:key>/notebook/", portfolio_views.public_capstone_notebook, name="notebook"),
    path("<str:handle>/<slug:key>/download/", portfolio_views.public_capstone_download, name="download"),
]
