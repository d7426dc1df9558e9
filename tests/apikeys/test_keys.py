"""Service accounts: keys created by the command, stored hashed, listed, revoked."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apikeys.keys import InvalidApiKey, create_key, find
from apikeys.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_api_key_prints_the_key_last_and_stores_only_its_hash():
    out, err = run("create_api_key", "Tổng hợp 311", "--scope", "open311")
    raw = out.strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert raw.startswith(f"cm_{key.prefix}_") and len(raw) > 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiKey.objects.values_list().get())
    assert key.scopes == ["open311"] and key.name == "Tổng hợp 311"
    assert key.prefix in err
    assert find(raw) == key


def test_several_scopes_and_unknown_scopes():
    _out, _err = run("create_api_key", "app", "--scope", "open311", "--scope", "feedback")
    assert ApiKey.objects.get().scopes == ["feedback", "open311"]
    with pytest.raises(CommandError):
        run("create_api_key", "x", "--scope", "everything")
    with pytest.raises(ValueError, match="name"):
        create_key("  ", ["open311"])
    assert ApiKey.objects.count() == 1


def test_list_and_revoke():
    first, _raw = create_key("one", ["open311"])
    second, raw = create_key("two", ["feedback"])
    listed, _err = run("list_api_keys")
    assert first.prefix in listed and second.prefix in listed
    assert raw not in listed and second.key_hash not in listed
    out, _err = run("revoke_api_key", second.prefix)
    assert "Revoked" in out
    second.refresh_from_db()
    assert second.revoked_at is not None
    active, _err = run("list_api_keys")
    assert second.prefix not in active
    everything, _err = run("list_api_keys", "--all")
    assert second.prefix in everything
    with pytest.raises(CommandError, match="No API key"):
        run("revoke_api_key", "nothere")


def test_revoked_and_unknown_keys_fail_authentication():
    _key, raw = create_key("gone", ["open311"])
    run("revoke_api_key", raw)  # the whole key works as well as the prefix
    with pytest.raises(InvalidApiKey, match="revoked"):
        find(raw)
    with pytest.raises(InvalidApiKey, match="Unknown"):
        find("cm_00000000_nothing")
