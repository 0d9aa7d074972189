"""Production settings and what every response carries (issue 20, finding 13): CSP (this server
only; inline scripts by the request's nonce), Permissions-Policy, no DEBUG by default (not even
the demo), HSTS in production, the proxy's HTTPS header when configured, Chinese 404/403/500
pages and JSON errors under /api/, and API docs served from this server."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from django.test import RequestFactory

from yanglao.conftest import client_for
from yanglao.views import server_error

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_and_permissions_policy(users):
    response = client_for(users["bob"]).get("/elders/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self' 'nonce-[\w-]+';", policy)
    assert "frame-ancestors 'none'" in policy
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_consoles_inline_script_carries_the_nonce_of_its_policy(users, regions):
    from yanglao.conftest import make_user

    operator = make_user("op", "operator", regions["city"])
    response = client_for(operator).get("/alarms/")
    nonce = re.search(r"'nonce-([\w-]+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    assert f'<script nonce="{nonce}">' in body
    assert "onchange=" not in body and "javascript:" not in body


def test_a_missing_page_is_a_chinese_page(users):
    response = client_for(users["bob"]).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_refused_page_is_a_chinese_403(users):
    response = client_for(users["leader"]).get("/elders/new/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_api_errors_are_json_even_outside_its_routes(users, api_token):
    response = api_token(users["bob"]).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "不存在"}


def test_a_server_error_under_api_is_json_and_elsewhere_a_chinese_page():
    api = server_error(RequestFactory().get("/api/v1/elders"))
    assert api.status_code == 500
    assert json.loads(api.content) == {"detail": "服务器内部错误，请稍后重试"}
    page = server_error(RequestFactory().get("/elders/"))
    assert page.status_code == 500
    assert "系统出错" in page.content.decode()


def test_api_docs_come_from_this_server(client):
    body = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert re.findall(r'(?:src|href)="https?://', body) == []


def _settings_in_a_fresh_process(env: dict) -> dict:
    code = (
        "import json, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'yanglao.settings');"
        "django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS,"
        " 'proxy': list(getattr(s, 'SECURE_PROXY_SSL_HEADER', None) or [])}))"
    )
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("YANGLAO_DEBUG")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_debug_is_off_unless_asked_for_and_hsts_is_on_in_production(tmp_path):
    development = _settings_in_a_fresh_process({"YANGLAO_VAR_DIR": str(tmp_path)})
    assert development == {"debug": False, "hsts": 0, "proxy": []}
    production = _settings_in_a_fresh_process(
        {
            "YANGLAO_ENV": "production",
            "YANGLAO_SECRET_KEY": "x" * 50,
            "YANGLAO_PII_KEY": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
            "YANGLAO_VAR_DIR": str(tmp_path),
            "YANGLAO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        }
    )
    assert production == {
        "debug": False,
        "hsts": 31536000,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_the_openapi_schema_has_no_duplicated_keys(client):
    """Swagger UI refuses a schema with the same status twice ("duplicated mapping key")."""
    pairs_seen = []

    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        pairs_seen.append(keys)
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=no_duplicates)
    assert len(pairs_seen) > 100
