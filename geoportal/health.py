"""``/healthz``: is the database reachable, and which PostgreSQL and PostGIS does it run."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_versions() -> dict:
    """Ask the database for its PostgreSQL and PostGIS versions (raises DatabaseError)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
        postgres, postgis = cursor.fetchone()
    return {"postgresql": postgres, "postgis": postgis}


@never_cache
@require_GET
def healthz(request):
    """200 with versions when the database answers, 503 with the reason when it does not."""
    try:
        versions = database_versions()
    except DatabaseError as exc:
        connection.close_if_unusable_or_obsolete()
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "error": str(exc).strip()},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", **versions})
