from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "dlcurriculum.users"
    label = "users"
    verbose_name = "Users"
