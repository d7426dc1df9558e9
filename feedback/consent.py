"""What a reporter agrees to when sending a report (Decree 13/2023/NĐ-CP): a purpose from
the privacy notice's list and the notice's version. Empty means the notice's defaults: the
first purpose and the current version (``COMMONMAP["PRIVACY_PURPOSES"]``,
``COMMONMAP["PRIVACY_NOTICE_VERSION"]``)."""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidParameter

_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def purposes() -> list[str]:
    """The purposes a reporter may consent to; the first is the default."""
    return list(settings.COMMONMAP["PRIVACY_PURPOSES"])


def notice_version() -> str:
    """The version of the privacy notice in force."""
    return settings.COMMONMAP["PRIVACY_NOTICE_VERSION"]


def consent_of(purpose: str, version: str) -> tuple[str, str]:
    """The consent to record: ``purpose`` and ``version`` checked, defaults where empty.
    An unknown purpose or a malformed version is a 400 naming the parameter."""
    purpose = (purpose or "").strip() or purposes()[0]
    if purpose not in purposes():
        raise InvalidParameter(
            _("Unknown consent purpose {purpose}; use one of {purposes}.").format(
                purpose=repr(purpose), purposes=", ".join(purposes())
            ),
            parameter="consent_purpose",
        )
    version = (version or "").strip() or notice_version()
    if not _VERSION.match(version):
        raise InvalidParameter(
            _("{version} is not a privacy notice version (such as {current}).").format(
                version=repr(version), current=notice_version()
            ),
            parameter="consent_notice_version",
        )
    return purpose, version
