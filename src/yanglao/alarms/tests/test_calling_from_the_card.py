"""Issue 21 §2, calling: the operator handling an alarm dials the person or a family contact from the
card. The full number reaches only that operator (or the shift lead), in the response to the call,
with an audit entry naming the alarm; another operator is refused; the call and its outcome are
logged; a call-centre backend (CTI / 隐私号) connects the call without showing the number."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from yanglao.alarms.conftest import now_ms, post
from yanglao.alarms.models import Alarm
from yanglao.conftest import client_for, make_user
from yanglao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sos(watch):
    post(watch, [{"id": "s1", "ts": now_ms() / 1000, "event": "sos"}])
    return Alarm.objects.get()


def _family(alarm):
    return alarm.elder.contacts.get(name="李明")


def test_the_handling_operator_dials_the_family_and_logs_the_outcome(sos, staff):
    olga = client_for(staff["olga"])
    response = olga.post(
        f"/alarms/{sos.pk}/call/", {"contact": _family(sos).pk, "next": "detail"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="tel:13800138000"' in page
    audit = AuditEntry.objects.filter(action="view_pii", actor=staff["olga"]).get()
    assert f"报警 #{sos.pk}" in audit.summary and "李明（儿子）" in audit.summary
    sos.refresh_from_db()
    assert sos.acknowledged_by == staff["olga"]  # calling takes the alarm
    olga.post(
        f"/alarms/{sos.pk}/call/outcome/",
        {"contact": _family(sos).pk, "outcome": "已接通", "next": "detail"},
    )
    notes = list(sos.events.filter(kind="action").values_list("action", "note"))
    assert notes == [
        ("call_family", "拨打 李明（儿子）"),
        ("call_family", "李明（儿子）：已接通"),
    ]


def test_another_operator_is_refused_the_number(sos, staff, regions):
    client_for(staff["olga"]).post(f"/alarms/{sos.pk}/acknowledge/")
    other = make_user("oscar", "operator", regions["zhushan"])
    response = client_for(other).post(
        f"/alarms/{sos.pk}/call/", {"contact": _family(sos).pk}, follow=True
    )
    page = response.content.decode()
    assert "13800138000" not in page and "该告警由 olga 处置" in page
    assert not AuditEntry.objects.filter(action="view_pii").exists()
    # The shift lead may take over the call.
    lead = client_for(staff["lena"]).post(
        f"/alarms/{sos.pk}/call/", {"contact": _family(sos).pk}
    )
    assert 'href="tel:13800138000"' in lead.content.decode()


def test_an_operator_of_another_area_gets_404(sos, staff):
    response = client_for(staff["otto"]).post(
        f"/alarms/{sos.pk}/call/", {"contact": _family(sos).pk}
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="view_pii").exists()


def test_a_contact_of_someone_else_is_refused(sos, staff, make_elder):
    from yanglao.elders.services import contact_add

    stranger = make_elder(name="陌生人")
    contact = contact_add(
        by=staff["admin"],
        elder=stranger,
        name="张三",
        relation="儿子",
        phone="13911112222",
    )
    response = client_for(staff["olga"]).post(
        f"/alarms/{sos.pk}/call/", {"contact": contact.pk}, follow=True
    )
    page = response.content.decode()
    assert "13911112222" not in page and "该联系人不属于此老人" in page


class _CallCentre(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 — http.server's name
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        body = json.dumps({"ok": True, "detail": "已转接，请接听坐席电话"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_call_centre_connects_the_call_without_showing_the_number(
    sos, staff, settings
):
    server = HTTPServer(("127.0.0.1", 0), _CallCentre)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.CALL_BACKEND = "yanglao.core.calling.HttpCallBackend"
        settings.CALL_URL = f"http://127.0.0.1:{server.server_port}/call"
        page = (
            client_for(staff["olga"])
            .post(f"/alarms/{sos.pk}/call/", {"contact": _family(sos).pk})
            .content.decode()
        )
    finally:
        server.shutdown()
    assert "已转接，请接听坐席电话" in page
    assert "13800138000" not in page and "138****8000" in page
    assert _CallCentre.received[-1]["callee"] == "13800138000"
    assert _CallCentre.received[-1]["purpose"] == f"报警 #{sos.pk}"


def test_an_unreachable_call_centre_is_reported_not_raised(sos, staff, settings):
    settings.CALL_BACKEND = "yanglao.core.calling.HttpCallBackend"
    settings.CALL_URL = "http://127.0.0.1:9/call"  # nothing listens there
    page = (
        client_for(staff["olga"])
        .post(f"/alarms/{sos.pk}/call/", {"contact": _family(sos).pk})
        .content.decode()
    )
    assert "呼叫中心不可用" in page and "13800138000" not in page


def test_a_contact_that_is_not_an_id_is_refused_not_read_as_the_person(sos, staff):
    response = client_for(staff["olga"]).post(
        f"/alarms/{sos.pk}/call/", {"contact": "abc"}, follow=True
    )
    assert "联系人编号无效" in response.content.decode()
    assert not AuditEntry.objects.filter(action="view_pii").exists()
    assert not sos.events.filter(kind="action").exists()
