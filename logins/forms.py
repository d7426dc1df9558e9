"""The admin's sign-in form, throttled like HTTP Basic: the same buckets (username, client
address), the same limit, so guessing a password through the form pays no better."""

from functools import wraps

from django.http import HttpResponse

from core.errors import TooManyRequests
from logins import throttle


def throttled_login(login_view):
    """``login_view`` (e.g. ``admin.site.login``) with failed POSTs counted, and 429 with
    ``Retry-After`` while the username or the address is locked, even for the right
    password. A POST that does not end signed in (the form shown again) is a failure."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        buckets = throttle.buckets_for(request, request.POST.get("username", ""))
        try:
            had_failures = throttle.check(buckets)
        except TooManyRequests as exc:
            response = HttpResponse(
                exc.message, status=429, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = exc.headers["Retry-After"]
            return response
        response = login_view(request, *args, **kwargs)
        if request.user.is_authenticated and response.status_code == 302:
            if had_failures:
                throttle.forget(buckets)
        else:
            throttle.record_failure(buckets)
        return response

    return view
