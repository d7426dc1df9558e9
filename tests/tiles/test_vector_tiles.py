"""Vector tiles read back by independent decoders: mapbox-vector-tile and GDAL's MVT driver.

Expected contents come from the ORM and from tile bounds computed here with the standard
XYZ formulas, not from the project's tile SQL.
"""

import gzip
import math
import subprocess
from collections import Counter

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point, Polygon
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape

from layers.models import AdministrativeArea, Facility, Feature, Layer
from tests.tiles.mvt_client import BEN_THANH, decode, fetch
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

EXTENT = 4096


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees."""
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def to_tile_space(lon: float, lat: float, z: int, x: int, y: int) -> tuple[float, float]:
    """A lon/lat in the tile's 0..4096 space, y up (as mapbox_vector_tile decodes)."""
    n = 2**z
    fx = (lon + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return (fx - x) * EXTENT, (1 - (fy - y)) * EXTENT


def facilities_in(bounds, inner: bool = True):
    box = Polygon.from_bbox(bounds)
    box.srid = 4326
    return (
        Facility.objects.filter(geom__within=box)
        if inner
        else Facility.objects.filter(geom__intersects=box)
    )


# --- contents ---------------------------------------------------------------------------


def test_areas_tile_holds_ben_thanh_where_it_is(client):
    ben_thanh = AdministrativeArea.objects.get(
        generation__valid_to__isnull=True, name="Phường Bến Thành"
    )
    z = 13
    x, y = tile_of(ben_thanh.label_point.x, ben_thanh.label_point.y, z)
    tile = decode(fetch(client, "areas", z, x, y))
    wards = {f["properties"]["name"]: f for f in tile["areas"]["features"]}
    feature = wards["Phường Bến Thành"]
    assert feature["properties"]["code"] == ben_thanh.code
    assert feature["properties"]["level"] == "ward"
    label = to_tile_space(ben_thanh.label_point.x, ben_thanh.label_point.y, z, x, y)
    assert shape(feature["geometry"]).contains(ShapelyPoint(label))


def test_facilities_tile_has_every_facility_inside_with_public_fields_only(client):
    z = 15
    x, y = tile_of(*BEN_THANH, z)
    tile = decode(fetch(client, "facilities", z, x, y))
    inside = facilities_in(tile_bounds(z, x, y))
    decoded = tile["facilities"]["features"]
    assert {f["id"] for f in decoded} >= set(inside.values_list("pk", flat=True))
    assert len(inside) > 0
    by_id = {f["id"]: f for f in decoded}
    facility = inside.first()
    props = by_id[facility.pk]["properties"]
    assert props["name"] == facility.name
    assert props["category"] == facility.category.code
    assert "staff_notes" not in props and "attributes" not in props
    px, py = to_tile_space(facility.geom.x, facility.geom.y, z, x, y)
    gx, gy = by_id[facility.pk]["geometry"]["coordinates"]
    assert abs(gx - px) <= 1 and abs(gy - py) <= 1


def test_low_zoom_facility_tiles_hold_counted_cells_that_add_up(client):
    z = 10
    x, y = tile_of(*BEN_THANH, z)
    features = decode(fetch(client, "facilities", z, x, y))["facilities"]["features"]
    assert features and all(f["properties"]["cluster"] is True for f in features)
    inside = facilities_in(tile_bounds(z, x, y))
    assert sum(f["properties"]["count"] for f in features) == inside.count()
    per_category = Counter(inside.values_list("category__code", flat=True))
    decoded = Counter()
    for f in features:
        for key, value in f["properties"].items():
            if key.startswith("count_category_"):
                decoded[key.removeprefix("count_category_")] += value
    assert decoded == per_category
    assert len(features) < inside.count()  # cells, not points


def test_multi_layer_tile_carries_each_layer(client):
    z = 14
    x, y = tile_of(*BEN_THANH, z)
    tile = decode(fetch(client, "areas,facilities", z, x, y))
    assert set(tile) == {"areas", "facilities"}
    alone = decode(fetch(client, "facilities", z, x, y))
    assert len(tile["facilities"]["features"]) == len(alone["facilities"]["features"])


def test_gdal_reads_a_tile_too(client, tmp_path):
    z = 14
    x, y = tile_of(*BEN_THANH, z)
    response = fetch(client, "areas,facilities", z, x, y)
    path = tmp_path / str(z) / str(x)
    path.mkdir(parents=True)
    (path / f"{y}.pbf").write_bytes(response.content)
    out = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path / f"{y}.pbf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    decoded = decode(response)
    for layer in ("areas", "facilities"):
        block = out.split(f"Layer name: {layer}")[1]
        count = int(block.split("Feature Count: ")[1].split()[0])
        assert count == len(decoded[layer]["features"])
    assert "name: String" in out


def test_imported_layer_tiles_keep_staff_only_attributes_out(client):
    layer = Layer.objects.create(
        slug="camera",
        title="Camera giao thông",
        geometry_type="Point",
        attribute_schema=[
            {"name": "ten", "type": "string"},
            {"name": "ip", "type": "string", "public": False},
        ],
    )
    Feature.objects.create(
        layer=layer,
        geom=Point(*BEN_THANH, srid=4326),
        attributes={"ten": "Ngã sáu Phù Đổng", "ip": "10.0.0.7"},
    )
    z = 16
    x, y = tile_of(*BEN_THANH, z)
    response = fetch(client, "camera", z, x, y)
    (feature,) = decode(response)["camera"]["features"]
    assert feature["properties"] == {"ten": "Ngã sáu Phù Đổng"}
    assert (
        b"10.0.0.7" not in gzip.decompress(response.content)
        if response.get("Content-Encoding")
        else b"10.0.0.7" not in response.content
    )


# --- HTTP -------------------------------------------------------------------------------


def test_empty_tile_is_204(client):
    x, y = tile_of(110.0, 5.0, 12)  # the open sea
    assert fetch(client, "areas", 12, x, y).status_code == 204


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("areas/23/0/0.mvt", "z"),
        ("areas/3/8/0.mvt", "x"),
        ("areas/3/0/8.mvt", "y"),
        ("areas,areas/3/0/0.mvt", "layer"),
    ],
)
def test_tiles_that_cannot_exist_are_400(client, path, parameter):
    response = client.get(f"/tiles/{path}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_unknown_and_staff_only_layers_are_404(client):
    Layer.objects.create(slug="ong-nuoc", title="Ống nước", is_public=False)
    for layers in ("nope", "ong-nuoc", "areas,ong-nuoc"):
        response = client.get(f"/tiles/{layers}/3/6/3.mvt")
        assert response.status_code == 404
        assert "detail" in response.json()
    user = User.objects.create_user("gis")
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    client.force_login(user)
    assert client.get("/tiles/ong-nuoc/3/6/3.mvt").status_code == 204


def test_gzip_when_accepted_plain_otherwise(client):
    x, y = tile_of(*BEN_THANH, 12)
    zipped = fetch(client, "areas", 12, x, y, accept_encoding="gzip, br")
    plain = fetch(client, "areas", 12, x, y)
    assert zipped["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(zipped.content) == plain.content
    assert plain["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert "max-age" in plain["Cache-Control"] and "Accept-Encoding" in plain["Vary"]


def test_etag_gives_304(client):
    x, y = tile_of(*BEN_THANH, 12)
    first = fetch(client, "areas", 12, x, y)
    again = fetch(client, "areas", 12, x, y, if_none_match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = fetch(client, "areas", 12, x, y, if_none_match='"something-else"')
    assert other.status_code == 200


def test_tilejson_and_style(client):
    body = client.get("/tiles/areas,facilities.json").json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"][0].endswith("/tiles/areas,facilities/{z}/{x}/{y}.mvt")
    layers = {v["id"]: v for v in body["vector_layers"]}
    assert {"name", "category", "ward_code", "count"} <= set(layers["facilities"]["fields"])
    assert "staff_notes" not in layers["facilities"]["fields"]
    west, south, east, north = body["bounds"]
    assert west < BEN_THANH[0] < east and south < BEN_THANH[1] < north
    style = client.get("/tiles/style.json").json()
    assert style["version"] == 8
    source = style["sources"]["commonmap"]
    assert source["type"] == "vector" and source["url"].endswith(".json")
    drawn = {layer.get("source-layer") for layer in style["layers"]}
    assert {"areas", "facilities"} <= drawn
    assert client.get("/tiles/nope.json").status_code == 404


@pytest.mark.parametrize("z", [1, 2, 3])
def test_low_zoom_tiles_in_the_east_edge_column_hold_the_city(client, z):
    # At z1 and z2 the city lies in the easternmost column: the tile's envelope grown by its
    # buffer crosses 180°, and unclipped it wrapped round to the other side of the world.
    ben_thanh = AdministrativeArea.objects.get(
        generation__valid_to__isnull=True, name="Phường Bến Thành"
    )
    x, y = tile_of(ben_thanh.label_point.x, ben_thanh.label_point.y, z)
    current = set(
        AdministrativeArea.objects.filter(generation__valid_to__isnull=True).values_list(
            "name", flat=True
        )
    )
    names = {
        f["properties"]["name"]
        for f in decode(fetch(client, "areas", z, x, y))["areas"]["features"]
    }
    assert names and names <= current
