"""API tokens end when the credentials behind them change (issue 20, finding 12): a password
change, a deactivation, logging out of the web pages, and POST /api/v1/auth/revoke (this token,
or all of the account's)."""

from __future__ import annotations

import pytest

from yanglao.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def _works(client) -> bool:
    response = client.get("/api/v1/elders")
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


@pytest.fixture
def no_trust_window(settings):
    """A server process trusts a token it found valid for API_TOKEN_CACHE_SECONDS (10 s) before
    reading it again (docs/configuration.md); these tests read it every time."""
    settings.API_TOKEN_CACHE_SECONDS = 0


def test_a_token_works_until_the_password_changes(users, api_token, no_trust_window):
    client = api_token(users["bob"])
    assert _works(client)
    users["bob"].set_password("An0ther-horse-battery")
    users["bob"].save()
    assert not _works(client)


def test_deactivation_ends_every_token(users, api_token, no_trust_window):
    client = api_token(users["bob"])
    assert _works(client)
    users["bob"].is_active = False
    users["bob"].save()
    assert not _works(client)


def test_revoke_ends_this_token_only(users, api_token):
    first, second = api_token(users["bob"]), api_token(users["bob"])
    response = first.post("/api/v1/auth/revoke", {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"revoked": 1}
    assert not _works(first)
    assert _works(second)


def test_revoke_all_ends_every_token_of_the_account(users, api_token):
    first, second = api_token(users["bob"]), api_token(users["bob"])
    other = api_token(users["carol"])
    response = first.post(
        "/api/v1/auth/revoke", {"all": True}, content_type="application/json"
    )
    assert response.json() == {"revoked": 2}
    assert not _works(first)
    assert not _works(second)
    assert _works(other)


def test_logging_out_of_the_pages_ends_the_tokens(users, api_token):
    client = api_token(users["bob"])
    page = client_for(users["bob"])
    assert page.post("/logout/").status_code == 302
    assert not _works(client)


def test_a_new_token_after_the_change_works(users, api_token):
    users["bob"].set_password(PASSWORD)  # the same password, hashed anew: a new stamp
    users["bob"].save()
    assert _works(api_token(users["bob"]))
