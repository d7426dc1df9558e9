"""Failed sign-ins, counted per username and per client address."""

from django.db import models


class FailureWindow(models.Model):
    """The failed sign-ins of one username or one client address since ``window_start``.

    ``bucket`` is ``user:<hash>`` or ``address:<hash>`` (keyed hashes: neither names nor
    addresses are stored). A new window starts with the first failure after the last one ended.
    """

    bucket = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField()
    window_start = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.bucket}: {self.failures} since {self.window_start:%Y-%m-%d %H:%M}"
