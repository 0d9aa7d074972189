"""值班监控 counts as on duty whoever handles alarms (issue 21: it showed "0 在岗接警员" minutes after
an operator had handled one, because only an open console stream counted)."""

from __future__ import annotations

import pytest

from yanglao.alarms import selectors, services
from yanglao.alarms.models import Alarm
from yanglao.conftest import make_user

pytestmark = pytest.mark.django_db


def test_an_operator_who_acknowledges_an_alarm_is_on_duty(staff, regions, make_elder):
    from yanglao.alarms.conftest import now_ms, post
    from yanglao.alarms.tests.test_ingest import msg

    elder = make_elder(name="张三")
    _device, secret = services.device_register(
        by=staff["admin"],
        serial="SOS01",
        type="sos_pager",
        region=regions["tangping"],
        elder=elder,
    )
    post(
        {"X-Device-Serial": "SOS01", "X-Device-Secret": secret},
        [msg(1, now_ms(), event="sos")],
    )
    alarm = Alarm.objects.get()
    operator = make_user("op1", "operator", regions["city"])
    lead = make_user("lead1", "dispatch_lead", regions["city"])
    assert selectors.operators_on_duty(by=lead) == []
    services.alarm_acknowledge(by=operator, alarm_id=alarm.pk)
    assert [p.user for p in selectors.operators_on_duty(by=lead)] == [operator]
