from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The staff workspace: pages over the feedback, importers and layers APIs."""

    name = "workspace"
    verbose_name = "Staff workspace"
