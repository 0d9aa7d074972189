"""The API under schemathesis (issue 20, mechanism 5): every operation of the OpenAPI schema is
called with generated requests — valid and invalid — as an administrator and as a community
worker. No request may end in a server error; every response must be one the schema documents,
in the documented shape. Bounded: a few examples per operation, so CI runs it in about a minute."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yanglao.conftest import make_user
from yanglao.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("YANGLAO_FUZZ_EXAMPLES", "20"))


def _token(user) -> str:
    from yanglao.accounts.services import api_token_issue
    from yanglao.conftest import PASSWORD

    key, _token = api_token_issue(username=user.username, password=PASSWORD)
    return key


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI handler itself here, which closes the database connection at
    the start and end of each request (Django's test client turns that off): on PostgreSQL that
    would close the test's own transaction. Off for these tests, as for the test client."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def accounts(users, regions):
    return {
        "admin": _token(users["admin"]),
        "community": _token(make_user("fuzz-c", "community", regions["tangping"])),
    }


@pytest.mark.django_db
# Telemetry authenticates devices by their own key (alarms/tests/test_ingest.py fuzzes its body);
# revoking ends the token the other cases use (accounts/tests/test_token_revocation.py).
@(
    schema.exclude(path="/api/v1/telemetry")
    .exclude(path="/api/v1/auth/revoke")
    .parametrize()
)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.parametrize("who", ["admin", "community"])
def test_no_request_ends_in_a_server_error(case, accounts, who):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {accounts[who]}"}, checks=CHECKS
    )
