"""The test app's one table: noise readings of street sensors."""

from django.contrib.gis.db import models


class NoiseReading(models.Model):
    """A sound level measured by a sensor at a point; the calibration note is for staff."""

    geom = models.PointField(srid=4326)
    sensor = models.CharField(max_length=40)
    decibels = models.FloatField()
    measured_at = models.DateTimeField()
    calibration_note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.sensor} {self.decibels} dB"
