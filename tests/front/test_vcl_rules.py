"""front/commonmap.vcl's rules, against a stand-in app whose every header the test chooses
(tests/front/stub.py), through Varnish started by scripts/front.sh."""

import json
import shutil
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.front.conftest import FRONT_SH, _free_port, front_env
from tests.front.helpers import ban, request_from
from tests.front.stub import Stub


@pytest.fixture(scope="module")
def stub() -> Stub:
    server = Stub()
    yield server
    server.close()


def _start(stub: Stub, **extra) -> tuple[str, dict]:
    directory = Path(tempfile.mkdtemp(prefix="cm-front-stub-"))
    listen = f"127.0.0.1:{_free_port()}"
    env = {**front_env(directory, listen, stub.address), **extra}
    started = subprocess.run([str(FRONT_SH), "start"], env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    return f"http://{listen}", env


def _stop(env: dict) -> None:
    subprocess.run([str(FRONT_SH), "stop"], env=env, check=True, capture_output=True)
    shutil.rmtree(env["FRONT_DIR"], ignore_errors=True)


@pytest.fixture(scope="module")
def front(stub) -> str:
    url, env = _start(stub)
    yield url
    _stop(env)


def _path(prefix: str = "/tiles/stub", **query) -> str:
    """A path no other test asks for, with the stub's instructions."""
    query = {"u": uuid.uuid4().hex, **query}
    return prefix + "?" + "&".join(f"{k}={requests.utils.quote(str(v))}" for k, v in query.items())


def _get(url: str, **headers) -> requests.Response:
    return requests.get(url, headers=headers, timeout=30)


KEPT = {"tag": "a", "cc": "public, max-age=60"}


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        (KEPT, True),
        ({"tag": "a", "cc": "public, max-age=60", "status": 204}, True),
        ({"cc": "public, max-age=60"}, False),  # not tagged
        ({"tag": "a", "cc": "private, max-age=60"}, False),
        ({"tag": "a", "cc": "public, no-store"}, False),
        ({"tag": "a", "cc": "no-cache, public"}, False),
        ({"tag": "a", "cc": "max-age=60"}, False),  # not said to be public
        ({**KEPT, "cookie": 1}, False),
        ({**KEPT, "status": 500}, False),
        ({**KEPT, "status": 503}, False),
        ({**KEPT, "status": 404}, False),
        ({**KEPT, "status": 301}, False),
    ],
)
def test_only_tagged_public_answers_are_kept(front, stub, query, kept):
    path = _path(**query)
    answers = [_get(front + path) for _ in range(3)]
    assert {a.status_code for a in answers} == {int(query.get("status", 200))}
    if kept:
        assert stub.requests[path] == 1
        assert [a.headers["X-Cache"] for a in answers] == ["MISS", "HIT", "HIT"]
    else:
        assert stub.requests[path] == 3
        assert "HIT" not in [a.headers["X-Cache"] for a in answers]
    if "cookie" in query:
        assert all(a.headers["Set-Cookie"].startswith("csrftoken=") for a in answers)


def test_a_kept_answer_outlives_the_browsers_max_age_not_its_surrogate_one(front, stub):
    browser = _path(tag="a", cc="public, max-age=1")
    surrogate = _path(tag="a", cc="public, max-age=60", surrogate=1)
    for path in (browser, surrogate):
        _get(front + path)
    time.sleep(2.5)
    later = _get(front + browser)
    assert (later.headers["X-Cache"], later.json()["n"]) == ("HIT", 1)
    assert later.headers["Cache-Control"] == "public, max-age=1"
    assert "Age" not in later.headers  # the browser counts its max-age from now
    # Expired in the front: fetched again, never served stale meanwhile.
    again = _get(front + surrogate)
    assert (again.headers["X-Cache"], again.json()["n"]) == ("MISS", 2)
    assert "Surrogate-Control" not in again.headers


def test_an_answer_not_kept_does_not_make_callers_wait_for_each_other(front, stub):
    slow_private = _path(tag="a", cc="private, max-age=60", delay=0.8)
    _get(front + slow_private)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _get(front + slow_private), range(4)))
    assert sorted(a.json()["n"] for a in answers) == [2, 3, 4, 5]
    assert stub.most_in_flight[slow_private] >= 2  # not one after the other
    # A shareable answer is asked of the app once, however many wait for it.
    slow_public = _path(tag="a", cc="public, max-age=60", delay=0.8)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _get(front + slow_public), range(4)))
    assert [a.json()["n"] for a in answers] == [1, 1, 1, 1]
    assert stub.requests[slow_public] == 1


def test_callers_who_are_someone_always_reach_the_app(front, stub):
    for headers in (
        {"Authorization": "Basic Z2lzOnNlY3JldA=="},
        {"Authorization": "Bearer token"},
        {"X-Api-Key": "cm_abc"},
        {"Cookie": "csrftoken=x; sessionid=abc123"},
        {"Cookie": "sessionid=abc123"},
    ):
        path = _path(**KEPT)
        seen = [_get(front + path, **headers).json() for _ in range(2)]
        assert [s["n"] for s in seen] == [1, 2], headers
        for name, value in headers.items():
            assert seen[0]["headers"][name] == value
        # Nothing of theirs was kept for the next (anonymous) caller.
        anonymous = _get(front + path)
        assert (anonymous.headers["X-Cache"], anonymous.json()["n"]) == ("MISS", 3)
    # A key in the query (as Open311 clients send it) is someone too.
    path = _path(**KEPT, api_key="cm_abc")
    assert [_get(front + path).json()["n"] for _ in range(2)] == [1, 2]


def test_cookies_and_languages_on_the_paths_it_keeps(front, stub):
    for prefix in ("/tiles/stub", "/api/v1/layers/stub/export/"):
        path = _path(prefix, **KEPT)
        seen = _get(
            front + path,
            Cookie="theme=dark; django_language=en; csrftoken=x",
            **{"Accept-Language": "vi;q=0.3, en-US"},
        ).json()["headers"]
        assert "Cookie" not in seen and seen["Accept-Language"] == "en"
        # Other callers of the same language share it; another language has its own copy.
        english = _get(front + path, **{"Accept-Language": "en"})
        assert (english.headers["X-Cache"], english.json()["n"]) == ("HIT", 1)
        vietnamese = _get(front + path)
        assert (vietnamese.headers["X-Cache"], vietnamese.json()["n"]) == ("MISS", 2)
        assert vietnamese.json()["headers"]["Accept-Language"] == "vi"


@pytest.mark.parametrize("prefix", ["/workspace/stub", "/api/v1/feedback/stub/", "/", "/static/x"])
def test_other_paths_reach_the_app_as_they_were_sent(front, stub, prefix):
    path = _path(prefix, **KEPT)
    headers = {"Cookie": "theme=dark; csrftoken=x", "Accept-Language": "fr, en;q=0.5"}
    seen = [_get(front + path, **headers) for _ in range(2)]
    assert [s.headers["X-Cache"] for s in seen] == ["PASS", "PASS"]
    assert seen[1].json()["n"] == 2
    for name, value in headers.items():
        assert seen[0].json()["headers"][name] == value


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_reach_the_app_every_time(front, stub, method):
    path = _path(**KEPT)
    for n in (1, 2):
        answer = requests.request(method, front + path, data=b"x", timeout=30)
        assert (answer.headers["X-Cache"], answer.json()["method"]) == ("PASS", method)
        assert answer.json()["n"] == n
    assert _get(front + path).headers["X-Cache"] == "MISS"


def test_the_callers_address_is_appended_to_x_forwarded_for(front, stub):
    status, _, body = request_from(
        "127.0.0.2", front + _path(**KEPT), headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 200
    assert json.loads(body)["headers"]["X-Forwarded-For"] == "203.0.113.9, 127.0.0.2"


def test_after_a_ban_the_next_caller_gets_the_new_answer(front, stub):
    tile = _path(tag="roads", tile="14/13040/7700", cc="public, max-age=60")
    other = _path(tag="parks", tile="14/13040/7700", cc="public, max-age=60")
    for path in (tile, other):
        assert _get(front + path).json()["n"] == 1
    # std.ban() takes its arguments as they are: unquoted (quotes would be part of them).
    accepted = ban(front, "obj.http.x-cm-layers ~ ,roads, && obj.http.x-cm-tile == 14/13040/7700")
    assert accepted.status_code == 200, accepted.text
    after = _get(front + tile)
    assert (after.headers["X-Cache"], after.json()["n"]) == ("MISS", 2)
    assert _get(front + other).headers["X-Cache"] == "HIT"
    refused = ban(front, "obj.http.x-cm-layers ~~ nope")
    assert refused.status_code == 400 and "Ban added" not in refused.text


def test_front_sh_starts_once_and_stops_what_it_started(stub):
    url, env = _start(stub)
    try:
        again = subprocess.run([str(FRONT_SH), "start"], env=env, capture_output=True, text=True)
        assert again.returncode == 0 and "already runs" in again.stdout
        status = subprocess.run([str(FRONT_SH), "status"], env=env, capture_output=True)
        assert status.returncode == 0
        assert _get(url + _path(**KEPT)).status_code == 200
    finally:
        _stop(env)
    status = subprocess.run([str(FRONT_SH), "status"], env=env, capture_output=True)
    assert status.returncode == 3
    with pytest.raises(requests.ConnectionError):
        _get(url + "/tiles/stub")
    stopped = subprocess.run([str(FRONT_SH), "stop"], env=env, capture_output=True)
    assert stopped.returncode == 0


def test_an_app_that_does_not_answer_is_a_json_503_in_the_callers_language():
    class Nowhere:  # a port nothing listens on
        address = f"127.0.0.1:{_free_port()}"

    url, env = _start(Nowhere)
    try:
        for headers, language in (({}, "vi"), ({"Accept-Language": "en-US,en"}, "en")):
            for path in ("/tiles/areas/1/1/1.mvt", "/workspace/"):
                answer = _get(url + path, **headers)
                assert answer.status_code == 503
                assert answer.headers["Retry-After"] == "5"
                body = answer.json()
                assert body["code"] == "unavailable"
                assert ("map server" in body["detail"]) == (language == "en")
    finally:
        _stop(env)
