"""MapProxy's generated configuration without a running MapProxy (tiles/mapproxy/config.py);
MapProxy itself, end to end: tests/web/test_mapproxy.py."""

import pytest
from django.core.management import CommandError, call_command

from tiles.mapproxy import config


def test_an_external_basemap_in_base_yaml_replaces_the_renderer():
    osm = {
        "type": "tile",
        "grid": "GLOBAL_WEBMERCATOR",
        "url": "https://tile.openstreetmap.org/%(z)s/%(x)s/%(y)s.png",
    }
    base = {**config.base_config(), "sources": {"basemap@source": osm}}
    conf, _seed = config.build("http://127.0.0.1:8000", [], base=base)
    assert conf["sources"] == {"basemap@source": osm}
    assert conf["caches"]["basemap@3857"]["sources"] == ["basemap@source"]


def test_mapproxy_config_refuses_a_url_that_is_not_http():
    with pytest.raises(CommandError) as error:
        call_command(
            "mapproxy_config", "--url", "ftp://gis.example", "--output-dir", "/nonexistent"
        )
    assert str(error.value) == "--url must be an http(s) URL of the app, not 'ftp://gis.example'"
