"""The capstone pages under their names (``capstones:...``), with the first public portfolio address
(``capstones:portfolio``, /capstones/p/<slug>/) routed through the page layer for the completion record."""

from django.urls import path

from capstones import urls as capstone_urls

from . import portfolio_pages

app_name = "capstones"

urlpatterns = [
    path("p/<slug:slug>/", portfolio_pages.portfolio_by_slug, name="portfolio"),
    *capstone_urls.urlpatterns,
]
