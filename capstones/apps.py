from django.apps import AppConfig


class CapstonesConfig(AppConfig):
    name = "capstones"
    verbose_name = "Capstone projects"
