from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Files in, layers out: formats, coordinate systems, encodings, validation, reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "importers"
    verbose_name = "Importers"
