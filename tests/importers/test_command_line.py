"""``manage.py import_layer`` as GIS staff run it: a process of its own on the command line
(the path ``call_command`` skips), and the system checks an import runs first.

The command runs the checks of what it uses (models, the layer registry), not the site's
(the URL conf); from a terminal it freezes its start-up objects for the garbage collector.
Neither may change what the command does: the same refusals with the same messages and
status, the same report.
"""

import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from layers.models import Layer
from tests.importers.conftest import PLACES_CSV, PROVINCES_SHP
from tests.layers.test_layer_checks import broken_layer  # noqa: F401 (a fixture)
from tests.web.conftest import MANAGE, ROOT, manage_env

pytestmark = pytest.mark.django_db


def command_line(*arguments: str) -> subprocess.CompletedProcess:
    """``manage.py import_layer ...`` as a process of its own on the test database."""
    env = manage_env()
    return subprocess.run(
        [sys.executable, str(MANAGE), "import_layer", *arguments, "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_refusal_on_the_command_line_exits_1_with_the_importers_message(tmp_path: Path):
    fake = tmp_path / "tinh.gpkg"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.write(PROVINCES_SHP, PROVINCES_SHP.name)
    run = command_line(str(fake), "--layer", "tinh")
    assert run.returncode == 1
    assert run.stdout == ""
    # The site's language (LANGUAGE_CODE "vi"), as staff read it in their terminal.
    assert run.stderr == (
        "CommandError: 'tinh.gpkg' không phải là tệp GeoPackage: nội dung có vẻ là tệp nén "
        "ZIP.\nNếu đó là tệp nén ZIP, hãy đặt phần mở rộng .zip cho tệp.\n"
    )


def test_dry_run_on_the_command_line_prints_the_report_and_exits_0():
    run = command_line(str(PLACES_CSV), "--layer", "diem-dan-cu", "--dry-run")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(
        "geonames_cities500_hcmc_region.csv → layer diem-dan-cu (create): read 86 rows, "
        "would import 86, updated 0,"
    )
    assert lines[-1] == "Nothing was written (dry run)."
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()


@pytest.mark.usefixtures("broken_layer")
def test_a_broken_layer_declaration_stops_the_import_before_it_starts():
    with pytest.raises(SystemCheckError) as stopped:
        call_command(
            "import_layer", str(PLACES_CSV), "--layer", "diem-dan-cu", "--dry-run",
            skip_checks=False, stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
    assert "layers.E004" in str(stopped.value)
    assert "Layer 'broken': colour 'red' is not #rrggbb." in str(stopped.value)


@override_settings(ROOT_URLCONF="tests.importers.no_such_urlconf")
def test_import_does_not_load_the_sites_url_conf():
    out = StringIO()
    call_command(
        "import_layer", str(PLACES_CSV), "--layer", "diem-dan-cu", "--dry-run",
        skip_checks=False, stdout=out, stderr=StringIO(),
    )  # fmt: skip
    assert out.getvalue().splitlines()[-1] == "Nothing was written (dry run)."
