from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """No models: the app exists for its ``backup`` and ``restore`` commands."""

    name = "dlcurriculum.backups"
    label = "backups"
