"""Notices as JSON: the public view (texts, area, window) and the staff view (status,
author, history). The author is a staff account, never a resident."""

import json

from notices.models import Notice


def localised(notice: Notice, name: str, language: str) -> str:
    """The text in ``language`` (vi or en), falling back to Vietnamese, the notice's own."""
    if language.startswith("en"):
        return getattr(notice, f"{name}_en") or getattr(notice, f"{name}_vi")
    return getattr(notice, f"{name}_vi")


def notice_json(
    notice: Notice, language: str, *, staff: bool = False, geometry: bool = False
) -> dict:
    """The notice as the API shows it; ``geometry`` adds the area as GeoJSON."""
    area = {
        "kind": notice.area_kind,
        "description": notice.area_description,
        "generation": notice.area_generation,
        "ward_codes": list(notice.ward_codes),
        "current_wards": list(notice.current_wards),
    }
    if notice.radius_m is not None and notice.center is not None:
        area["center"] = {"lon": notice.center.x, "lat": notice.center.y}
        area["radius_m"] = notice.radius_m
    if geometry:
        area["geometry"] = json.loads(notice.geom.geojson)
    body = {
        "id": notice.pk,
        "category": notice.category,
        "severity": notice.severity,
        "title": localised(notice, "title", language),
        "body": localised(notice, "body", language),
        "title_vi": notice.title_vi,
        "title_en": notice.title_en,
        "body_vi": notice.body_vi,
        "body_en": notice.body_en,
        "area": area,
        "starts_at": notice.starts_at.isoformat(),
        "ends_at": notice.ends_at.isoformat(),
        "status": notice.status,
        "published_at": notice.published_at.isoformat() if notice.published_at else None,
    }
    if staff:
        body["created_by"] = notice.created_by.get_username() if notice.created_by else None
        body["created_at"] = notice.created_at.isoformat()
        body["updated_at"] = notice.updated_at.isoformat()
        body["withdrawn_at"] = notice.withdrawn_at.isoformat() if notice.withdrawn_at else None
    return body
