"""Surveys targeted by area, answered by residents, with results per ward."""

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """App config for ``surveys``: registers the "survey_results" layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        """Declare the survey participation layer in the layer registry."""
        from layers.registry import register
        from surveys.layer import SLUG, survey_results_spec

        register(SLUG, survey_results_spec)
