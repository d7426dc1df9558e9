"""EPSG:9210 (VN-2000 / TM-3 105-45), the city's GIS projection, for ST_Transform.

PostGIS 3.3 ships no row for it. The datum shift is written out (TOWGS84, and no authority
for PROJ to look up) so that PostGIS always applies the official VN-2000 parameters of
Decision 05/2007/QĐ-BTNMT, EPSG:6960 "VN-2000 to WGS 84 (2)", Viet Nam onshore. Given only
"EPSG:9210", PROJ prefers EPSG:5194 (Total's Mekong-delta set) inside its area, which
includes Ho Chi Minh City, and lands about 0.8 m away (see layers/crs.py).
"""

from django.db import migrations

SRID = 9210
SRTEXT = (
    'PROJCS["VN-2000 / TM-3 105-45",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6'
    '378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.4'
    '5032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM['
    '"Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG'
    '","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitu'
    'de_of_origin",0],PARAMETER["central_meridian",105.75],PARAMETER["scale_factor",0.9999],P'
    'ARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY['
    '"EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9210"]]'
)
PROJ4TEXT = (
    "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-1"
    "91.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +un"
    "its=m +no_defs"
)


def add(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
        "VALUES (%s, NULL, NULL, %s, %s) "
        "ON CONFLICT (srid) DO UPDATE SET auth_name = NULL, auth_srid = NULL, "
        "srtext = EXCLUDED.srtext, proj4text = EXCLUDED.proj4text",
        [SRID, SRTEXT, PROJ4TEXT],
    )


def remove(apps, schema_editor):
    schema_editor.execute("DELETE FROM spatial_ref_sys WHERE srid = %s", [SRID])


class Migration(migrations.Migration):
    dependencies = [("layers", "0003_facilities_and_layers")]

    operations = [migrations.RunPython(add, remove)]
