"""The test app's layer, declared once: every output (GeoJSON, OGC API, vector and raster
tiles, TileJSON, the style, MapProxy, the admin, the tile-cache triggers) follows from it."""

from layers.spec import Field, LayerPaint, LayerSpec, SourceTable

NOISE_COLOUR = "#c51b7d"


def noise_spec() -> LayerSpec:
    """Noise readings: public level and sensor, a staff-only calibration note."""
    return LayerSpec(
        slug="noise_readings",
        title="Noise readings",
        description="Sound levels measured by street sensors.",
        geometry_type="Point",
        from_sql="layerapp_noisereading AS t",
        time_sql="t.measured_at",
        fields=(
            Field("sensor", "string", "Sensor", sql="t.sensor"),
            Field("decibels", "number", "Level (dB)", sql="t.decibels"),
            Field("measured_at", "datetime", "Measured", sql="t.measured_at"),
            Field(
                "calibration_note",
                "string",
                "Calibration note",
                sql="t.calibration_note",
                public=False,
            ),
        ),
        source="Test sensors",
        sources=(SourceTable("layerapp_noisereading"),),
        paint=LayerPaint(colour=NOISE_COLOUR),
        minzoom=10,
        maxzoom=20,
    )
