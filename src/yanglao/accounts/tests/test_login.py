from django.test import Client

from yanglao.accounts.models import ApiToken, User
from yanglao.conftest import PASSWORD
from yanglao.core.models import AuditEntry


def _login(username, password):
    client = Client()
    return client, client.post("/login/", {"username": username, "password": password})


def test_it_logs_in_and_audits(users):
    client, r = _login("alice", PASSWORD)
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(actor=users["alice"], action="login").exists()


def test_passwords_are_stored_with_argon2(users):
    assert User.objects.get(username="alice").password.startswith("argon2")


def test_a_wrong_password_is_explained_in_chinese(users):
    _client, r = _login("alice", "wrong-password")
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(users, settings):
    settings.LOCKOUT_ATTEMPTS = 5
    for _ in range(5):
        _login("alice", "wrong-password")
    user = User.objects.get(username="alice")
    assert user.is_locked()
    _client, r = _login("alice", PASSWORD)
    assert r.status_code == 200
    assert "已被锁定" in r.content.decode()
    assert AuditEntry.objects.filter(actor=user, action="login_failed").count() == 5


def test_a_success_resets_the_failure_count(users):
    _login("alice", "wrong-password")
    _login("alice", PASSWORD)
    assert User.objects.get(username="alice").failed_logins == 0


def test_pages_need_a_login():
    r = Client().get("/elders/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_csrf_is_enforced_on_forms(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["alice"])
    r = client.post("/elders/new/", {"name": "x"})
    assert r.status_code == 403


def test_api_token_is_issued_and_stored_hashed(users):
    r = Client().post(
        "/api/v1/auth/token",
        {"username": "alice", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200
    key = r.json()["token"]
    assert not ApiToken.objects.filter(key_hash=key).exists()
    r = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/elders")
    assert r.status_code == 200


def test_api_refuses_bad_credentials_and_missing_tokens(users):
    r = Client().post(
        "/api/v1/auth/token",
        {"username": "alice", "password": "nope"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == "用户名或密码错误"
    assert Client().get("/api/v1/elders").status_code == 401
    assert (
        Client(headers={"Authorization": "Bearer forged"})
        .get("/api/v1/elders")
        .status_code
        == 401
    )


def test_a_deactivated_users_token_stops_working_within_the_trust_seconds(
    users, settings, monkeypatch
):
    """A process trusts a token it found valid for API_TOKEN_CACHE_SECONDS, then reads it again
    (docs/configuration.md); with 0 it reads it on every request."""
    from yanglao.accounts import services

    settings.API_TOKEN_CACHE_SECONDS = 10
    key, _ = services.api_token_issue(username="alice", password=PASSWORD)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/v1/elders").status_code == 200
    User.objects.filter(username="alice").update(is_active=False)
    assert api.get("/api/v1/elders").status_code == 200  # within the 10 s
    clock = services.time.monotonic() + 11
    monkeypatch.setattr(services.time, "monotonic", lambda: clock)
    assert api.get("/api/v1/elders").status_code == 401
    User.objects.filter(username="alice").update(is_active=True)
    settings.API_TOKEN_CACHE_SECONDS = 0
    assert api.get("/api/v1/elders").status_code == 200
    User.objects.filter(username="alice").update(is_active=False)
    assert api.get("/api/v1/elders").status_code == 401  # at once
