from django.urls import path

from . import views

app_name = "stages"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:slug>/", views.detail, name="detail"),
]
