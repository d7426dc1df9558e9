"""An Atom feed of the notices of each ward (Django's syndication framework), so that other
services can follow them: ``/api/v1/notices/wards/<code>/feed.atom``, Vietnamese unless
``?lang=en``. An unknown ward is the API's JSON 404."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.errors import InvalidParameter, json_errors
from layers.models import AdministrativeArea
from notices import queries
from notices.models import Notice
from notices.shapes import localised

LANGUAGES = ("vi", "en")


class WardNoticesFeed(Feed):
    """The published notices whose area shares ground with one ward, newest first."""

    feed_type = Atom1Feed

    def __init__(self, language: str):
        super().__init__()
        self.language = language  # the feed's xml:lang
        self.language_code = language

    def get_object(self, request, code: str) -> AdministrativeArea:
        """The ward named in the path (404 JSON when there is none)."""
        return queries.feed_ward(code)

    def title(self, ward: AdministrativeArea) -> str:
        """The feed's title: the ward's name."""
        return _("Notices for {ward}").format(ward=ward.name)

    def subtitle(self, ward: AdministrativeArea) -> str:
        """What the feed holds."""
        return _("The city's notices whose area reaches {ward} ({code}).").format(
            ward=ward.name, code=ward.code
        )

    def link(self, ward: AdministrativeArea) -> str:
        """The feed's own address."""
        return reverse("notices:ward-feed", args=[ward.code])

    def feed_guid(self, ward: AdministrativeArea) -> str:
        """A stable id for the ward's feed."""
        return f"urn:commonmap:notices:ward:{ward.generation_id}:{ward.code}"

    def items(self, ward: AdministrativeArea) -> list[Notice]:
        """The ward's notices."""
        return queries.ward_feed(ward)

    def item_title(self, notice: Notice) -> str:
        """The notice's title in the feed's language."""
        return localised(notice, "title", self.language_code)

    def item_description(self, notice: Notice) -> str:
        """The notice's text, its window and its area."""
        return _("{body}\n\nFrom {start} to {end}. Area: {area}.").format(
            body=localised(notice, "body", self.language_code),
            start=notice.starts_at.isoformat(),
            end=notice.ends_at.isoformat(),
            area=notice.area_description,
        )

    def item_link(self, notice: Notice) -> str:
        """The notice in the API."""
        return reverse("notices:detail", args=[notice.pk])

    def item_guid(self, notice: Notice) -> str:
        """A stable id for the notice."""
        return f"urn:commonmap:notice:{notice.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, notice: Notice):
        """When it was published."""
        return notice.published_at or notice.created_at

    def item_updateddate(self, notice: Notice):
        """When it last changed."""
        return notice.updated_at

    def item_categories(self, notice: Notice) -> tuple[str, ...]:
        """Its category and severity, as Atom categories."""
        return (notice.category, notice.severity)


@json_errors
def ward_feed(request: HttpRequest, code: str) -> HttpResponse:
    """The ward's feed in the asked language (``lang``: vi, the default, or en); one feed
    object per request, since the language is its own."""
    language = request.GET.get("lang") or "vi"
    if language not in LANGUAGES:
        raise InvalidParameter(_("'lang' must be vi or en."), parameter="lang")
    # An unknown ward is refused in the caller's language (Accept-Language), like every
    # error; only the feed itself is in the asked language.
    queries.feed_ward(code)
    with translation.override(language):
        return WardNoticesFeed(language)(request, code=code)
