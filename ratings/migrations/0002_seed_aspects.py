"""Seed the five aspects the city asked for; staff may rename, reorder or retire them."""

from django.db import migrations

ASPECTS = (
    ("attitude", "Thái độ của cán bộ", "Attitude of officials"),
    ("speed", "Tốc độ giải quyết", "Speed"),
    ("cleanliness", "Vệ sinh môi trường", "Cleanliness"),
    ("safety", "An toàn", "Safety"),
    ("public_order", "Trật tự công cộng", "Public order"),
)


def seed(apps, schema_editor):
    """Create the aspects that do not exist yet."""
    aspect = apps.get_model("ratings", "RatingAspect")
    for order, (code, name_vi, name_en) in enumerate(ASPECTS, start=1):
        aspect.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "order": order}
        )


def unseed(apps, schema_editor):
    """Remove the seeded aspects."""
    apps.get_model("ratings", "RatingAspect").objects.filter(
        code__in=[code for code, _, _ in ASPECTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
