"""A fall (or an abnormal vital sign) proposes a referral (拟转诊) when the operator takes the
alarm; nothing reaches the medical institution until a person confirms it, and declining needs
a reason (issue 24)."""

from __future__ import annotations

import pytest

from yanglao.alarms import services as alarms
from yanglao.alarms.conftest import now_ms, post
from yanglao.alarms.models import Alarm
from yanglao.conftest import client_for
from yanglao.medical import services
from yanglao.medical.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(users, regions):
    return services.institution_save(
        by=users["bob"], region=regions["street"], name="周路口卫生院", kind="township"
    )


def test_the_operator_confirms_the_proposed_referral(watch, staff, centre):
    post(watch, [{"id": "f1", "ts": now_ms() / 1000, "event": "fall"}])
    alarm = Alarm.objects.get()
    assert not Referral.objects.exists()  # raising the alarm proposes nothing by itself
    olga = staff["olga"]
    alarms.alarm_acknowledge(by=olga, alarm_id=alarm.pk)
    proposal = Referral.objects.get()
    assert (proposal.status, proposal.origin, proposal.origin_ref) == (
        "proposed",
        "alarm",
        alarm.pk,
    )
    assert proposal.institution == centre and proposal.requested_at is None
    assert proposal.urgency == "urgent" and proposal.reason.startswith("跌倒报警")
    console = client_for(olga)
    card = console.get(f"/alarms/{alarm.pk}/card/").content.decode()
    assert "转诊建议" in card and "周路口卫生院" in card
    # The liaison of the centre does not see a proposal nobody confirmed.
    liaison = services.liaison_create(
        by=staff["admin"],
        institution=centre,
        username="zhang",
        password="Zhoulukou#2026",
        full_name="张医生",
    ).user
    assert (
        client_for(liaison).get(f"/medical/referrals/{proposal.pk}/").status_code == 404
    )
    refused = console.post(
        f"/medical/referrals/{proposal.pk}/", {"send": "no", "note": ""}
    )
    assert "不转诊须说明理由" in refused.content.decode()
    response = console.post(f"/medical/referrals/{proposal.pk}/", {"send": "yes"})
    assert response.status_code == 302
    sent = Referral.objects.get()
    assert sent.status == "requested" and sent.requested_by == olga
    assert sent.accept_due is not None
    # Taking the alarm again never proposes twice.
    assert (
        services.referral_propose_for_alarm(
            alarm_id=alarm.pk, elder=sent.elder, text="x"
        ).pk
        == sent.pk
    )
    assert Referral.objects.count() == 1


def test_an_sos_proposes_nothing(watch, staff, centre):
    post(watch, [{"id": "s1", "ts": now_ms() / 1000, "event": "sos"}])
    alarms.alarm_acknowledge(by=staff["olga"], alarm_id=Alarm.objects.get().pk)
    assert not Referral.objects.exists()
