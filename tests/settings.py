"""The test run's settings: the project's, plus a test-only app that declares a layer of its
own (tests/layerapp), to show that one declaration reaches every output."""

from geoportal.settings import *  # noqa: F403
from geoportal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.layerapp.apps.LayerAppConfig"]
