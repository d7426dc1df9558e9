"""The dashboard keeps no rows of its own; this model only carries its permission."""

from django.db import models


class DashboardAccess(models.Model):
    """Holder of ``dashboard.view_dashboard``: leaders with it see every ward's measures."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can view every ward on the leaders' dashboard")]

    def __str__(self) -> str:
        return "dashboard"
