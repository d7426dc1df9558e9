"""From a REST request to what the feedback services take: who is asking (the workflow
actor, the ``Idempotency-Key`` space) and the report a submission's body describes, read
lazily so that a refused caller's photos are never decoded."""

from django.utils.translation import gettext as _
from rest_framework.request import Request

from apikeys.keys import ServiceAccount, require_scope
from core.errors import NotAuthenticated
from feedback import photos
from feedback.intake import Submission, request_fingerprint
from feedback.models import Channel, Role
from feedback.params import json_object, parse_location, text_field
from feedback.services import ANONYMOUS, key_scope, service_account_actor, user_scope
from feedback.workflow import Actor, actor_for


def request_actor(request: Request, scope: str = "feedback") -> Actor:
    """The workflow actor of a request; a service account acts as an anonymous resident
    (and needs the API's ``scope``)."""
    user = request.user
    if isinstance(user, ServiceAccount):
        require_scope(request, scope)
        return service_account_actor()
    return actor_for(user)


def signed_in_actor(request: Request) -> Actor:
    """The actor of a signed-in user; anyone else is told to sign in (401)."""
    actor = request_actor(request)
    if actor.user is None:
        raise NotAuthenticated(
            _("Sign in to list your feedback; the public map lists everyone's."),
            hint="/api/v1/layers/feedback/features/",
            headers={"WWW-Authenticate": 'Basic realm="Common Map"'},
        )
    return actor


def idempotency_scope(request: Request) -> str:
    """Whose key space an ``Idempotency-Key`` is in: the user, the service account, or
    anonymous callers (whose keys are UUIDs; a reused key with another report is refused)."""
    user = request.user
    if isinstance(user, ServiceAccount):
        return key_scope(user.key.prefix)
    if user is not None and user.is_authenticated:
        return user_scope(user.pk)
    return ANONYMOUS


class RestReport:
    """A submission's body (JSON, or multipart with ``photos``) as ``services.SentReport``."""

    def __init__(self, request: Request, actor: Actor):
        self.request = request
        self.actor = actor

    def _files(self) -> list:
        return self.request.FILES.getlist("photos") if hasattr(self.request, "FILES") else []

    def fingerprint(self) -> str:
        """The request as sent (fields and photo bytes, nothing decoded)."""
        data = json_object(self.request.data)
        if hasattr(data, "lists"):  # a form; DRF puts its files in ``data`` too
            data = {n: values for n, values in data.lists() if n not in self.request.FILES}
        return request_fingerprint(data, self._files())

    def submission(self) -> Submission:
        """The submission the body describes; its photos checked, then cleaned."""
        data = json_object(self.request.data)
        default_channel = Channel.HOTLINE if self.actor.role == Role.OPERATOR else Channel.APP
        lon, lat = parse_location(data)
        files = self._files()
        photos.check_uploads([(f.name, f.size) for f in files])
        cleaned = photos.clean_photos([(f.name, f.read()) for f in files])
        user = self.request.user
        return Submission(
            category=text_field(data, "category", 40),
            description=text_field(data, "description"),
            channel=text_field(data, "channel", 10) or default_channel,
            lon=lon,
            lat=lat,
            address_text=text_field(data, "address", 500),
            reporter_name=text_field(data, "reporter_name", 200),
            reporter_phone=text_field(data, "reporter_phone", 40),
            reporter_email=text_field(data, "reporter_email", 254),
            photos=tuple(cleaned),
            api_key=user.key if isinstance(user, ServiceAccount) else None,
            consent_purpose=text_field(data, "consent_purpose", 60),
            consent_notice_version=text_field(data, "consent_notice_version", 40),
        )
