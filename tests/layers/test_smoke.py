from layers.models import AdministrativeArea


def test_demo_loaded(db):
    assert AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward").count() == 168
