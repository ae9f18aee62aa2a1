from django.urls import path

app_name = "capstones"

urlpatterns: list = []
