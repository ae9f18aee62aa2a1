"""The capstone pages; the public portfolio pages are routed by the page layer (dlcurriculum/pages/),
which adds the learner's completion record to them."""

from django.urls import path

from . import portfolio_views, views

app_name = "capstones"

urlpatterns = [
    path("", views.my_submissions, name="mine"),
    path("review/", views.queue, name="queue"),
    path("portfolio/", portfolio_views.portfolio_settings, name="portfolio_settings"),
    path("waiting/", views.inbox, name="inbox"),
    path("p/<slug:slug>/<int:pk>/notebook/", portfolio_views.portfolio_notebook, name="portfolio_notebook"),
    path("submissions/<int:pk>/", views.iteration_detail, name="submission"),
    path("submissions/<int:pk>/claim/", views.claim, name="claim"),
    path("submissions/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("submissions/<int:pk>/release/", views.release, name="release"),
    path("submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("submissions/<int:pk>/visibility/", portfolio_views.visibility, name="visibility"),
    path("submissions/<int:pk>/ask-review/", views.ask_review, name="ask_review"),
    path("submissions/<int:pk>/description/", portfolio_views.description, name="description"),
    path("submissions/<int:pk>/iterations/<int:number>/", views.iteration_detail, name="iteration"),
    path("submissions/<int:pk>/iterations/<int:number>/notebook/", views.iteration_notebook, name="notebook"),
    path("submissions/<int:pk>/iterations/<int:number>/status/", views.iteration_status, name="status"),
    path("submissions/<int:pk>/iterations/<int:number>/download/", views.iteration_download, name="download"),
    path("submissions/<int:pk>/iterations/<int:number>/comment/", views.comment, name="comment"),
    path("<slug:key>/submit/", views.submit, name="submit"),
]
