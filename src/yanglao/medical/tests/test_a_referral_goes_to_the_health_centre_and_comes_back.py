"""双向转诊: an institution's administrator refers a resident to the contracted township health
centre; the centre's liaison (who sees only its referrals) accepts, schedules, records the visit
and refers back with a care note; each step is timed and attributed, and the loop counts as
closed. Bad input is refused with the field and the reason, and changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for, make_user
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.facilities.models import Bed, Facility, Staff
from yanglao.facilities.services import admission_create
from yanglao.medical import selectors, services
from yanglao.medical.models import Referral, ReferralStep

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="塘坪颐养院",
        type="private_home",
        ownership="private",
        region=regions["tangping"],
    )


@pytest.fixture
def centre(users, regions):
    return services.institution_save(
        by=users["bob"], region=regions["street"], name="周路口卫生院", kind="township"
    )


@pytest.fixture
def other_centre(users, regions):
    return services.institution_save(
        by=users["bob"], region=regions["street"], name="周路口第二诊所", kind="clinic"
    )


@pytest.fixture
def director(home, regions):
    user = make_user("director", "facility_admin", regions["tangping"])
    Staff.objects.create(
        name="院长",
        id_number_enc="",
        id_number_hash="h-director",
        sex="F",
        birth_date=dt.date(1975, 1, 1),
        role="director",
        hired_on=dt.date(2020, 1, 1),
        facility=home,
        user=user,
    )
    return user


@pytest.fixture
def resident(make_elder, users, home):
    elder = make_elder(name="李桂兰")
    bed = Bed.objects.create(facility=home, code="101", kind="nursing")
    admission_create(by=users["admin"], elder=elder, bed=bed, admitted_on=TODAY)
    return elder


@pytest.fixture
def signed(users, home, centre):
    return services.contract_create(
        by=users["bob"],
        facility=home,
        institution=centre,
        services=["referral"],
        patrols_per_month=1,
        starts_on=TODAY - dt.timedelta(days=30),
        ends_on=TODAY + dt.timedelta(days=300),
    )


def _liaison(users, institution, username="liaison"):
    return services.liaison_create(
        by=users["admin"],
        institution=institution,
        username=username,
        password="Zhoulukou#2026",
        full_name="张医生",
    ).user


def test_the_loop_from_referral_to_return(
    users, home, centre, director, resident, signed
):
    liaison = _liaison(users, centre)
    page = client_for(director)
    form = page.get(f"/medical/referrals/new/{resident.pk}/").content.decode()
    assert "周路口卫生院（签约）" in form
    response = page.post(
        f"/medical/referrals/new/{resident.pk}/",
        {
            "institution": centre.pk,
            "reason": "反复头晕，血压控制不佳",
            "urgency": "routine",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == "requested" and referral.contract == signed
    assert referral.facility == home and referral.origin == "facility"
    assert referral.accept_due - referral.requested_at == dt.timedelta(hours=24)
    assert referral.outcome_due - referral.requested_at == dt.timedelta(hours=72)

    desk = client_for(liaison)
    assert desk.get("/").url == "/medical/referrals/"
    listing = desk.get("/medical/referrals/").content.decode()
    assert "李桂兰" in listing and "周路口卫生院" in listing
    assert (
        desk.post(f"/medical/referrals/{referral.pk}/", {"to": "accepted"}).status_code
        == 302
    )
    assert (
        desk.post(
            f"/medical/referrals/{referral.pk}/",
            {
                "to": "scheduled",
                "appointment_at": f"{TODAY + dt.timedelta(days=1)}T09:30",
                "department": "内科",
            },
        ).status_code
        == 302
    )
    assert (
        desk.post(f"/medical/referrals/{referral.pk}/", {"to": "attended"}).status_code
        == 302
    )
    refused = desk.post(
        f"/medical/referrals/{referral.pk}/",
        {"to": "returned", "return_to": "facility"},
    )
    assert "回转须附照护要点" in refused.content.decode()
    assert Referral.objects.get().status == "attended"
    assert (
        desk.post(
            f"/medical/referrals/{referral.pk}/",
            {
                "to": "returned",
                "return_to": "facility",
                "note": "氨氯地平 5mg 每日一次，每日测血压，两周后复诊",
            },
        ).status_code
        == 302
    )
    done = Referral.objects.get()
    assert done.status == "returned" and done.care_note.startswith("氨氯地平")
    steps = list(
        ReferralStep.objects.filter(referral=done).values_list("status", "by_name")
    )
    assert steps == [
        ("requested", director.username),
        ("accepted", "张医生"),
        ("scheduled", "张医生"),
        ("attended", "张医生"),
        ("returned", "张医生"),
    ]
    loop = selectors.referral_loop(by=users["bob"], start=TODAY, end=TODAY)
    assert (loop.sent, loop.closed_loop, loop.loop_rate, loop.accept_rate) == (
        1,
        1,
        100.0,
        100.0,
    )
    # The director sees the care note on the resident's page.
    person = page.get(f"/elders/{resident.pk}/").content.decode()
    assert f"转诊 #{done.pk}" in person and "已回转" in person


def test_a_liaison_sees_only_their_institutions_referrals(
    users, home, centre, other_centre, director, resident, signed
):
    mine = services.referral_request(
        by=director,
        elder=resident,
        institution=centre,
        reason="头晕",
        origin="facility",
    )
    theirs = services.referral_request(
        by=director,
        elder=resident,
        institution=other_centre,
        reason="牙痛",
        origin="facility",
        outside_contract_reason="签约卫生院无口腔科",
    )
    liaison = _liaison(users, centre)
    desk = client_for(liaison)
    assert desk.get(f"/medical/referrals/{theirs.pk}/").status_code == 404
    assert (
        desk.post(f"/medical/referrals/{theirs.pk}/", {"to": "accepted"}).status_code
        == 404
    )
    with pytest.raises(NotInScope):
        services.referral_move(by=liaison, referral_id=theirs.pk, to="accepted")
    assert Referral.objects.get(pk=theirs.pk).status == "requested"
    assert [r.pk for r in selectors.referral_list(by=liaison)] == [mine.pk]
    # The liaison reaches no person's page and no other part of the platform's records.
    assert desk.get(f"/elders/{resident.pk}/").status_code == 404


def test_bad_referrals_are_refused_and_write_nothing(
    users, home, centre, other_centre, director, resident, signed
):
    with pytest.raises(ValidationFailed) as exc:
        services.referral_request(
            by=director,
            elder=resident,
            institution=other_centre,
            reason="牙痛",
            origin="facility",
        )
    assert "没有有效的签约" in exc.value.errors["outside_contract_reason"]
    with pytest.raises(ValidationFailed) as exc:
        services.referral_request(
            by=director,
            elder=resident,
            institution=centre,
            reason=" ",
            origin="facility",
        )
    assert exc.value.errors == {"reason": "请填写转诊原因"}
    assert not Referral.objects.exists()
    referral = services.referral_request(
        by=director,
        elder=resident,
        institution=centre,
        reason="头晕",
        origin="facility",
    )
    # The sender cannot take the receiver's step, nor can anyone skip ahead.
    with pytest.raises(ValidationFailed) as exc:
        services.referral_move(by=director, referral_id=referral.pk, to="accepted")
    assert exc.value.errors == {"__all__": "这一步应由医疗机构办理"}
    liaison = _liaison(users, centre)
    with pytest.raises(ValidationFailed) as exc:
        services.referral_move(by=liaison, referral_id=referral.pk, to="returned")
    assert "不能改为“已回转”" in exc.value.errors["to"]
    with pytest.raises(ValidationFailed) as exc:
        services.referral_move(by=liaison, referral_id=referral.pk, to="declined")
    assert exc.value.errors == {"note": "请填写理由或结果"}
    assert ReferralStep.objects.filter(referral=referral).count() == 1


def test_a_late_referral_is_escalated_once(
    users, home, centre, director, resident, signed
):
    referral = services.referral_request(
        by=director,
        elder=resident,
        institution=centre,
        reason="头晕",
        origin="facility",
    )
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.referrals_escalate(now=later) == 1
    assert services.referrals_escalate(now=later + dt.timedelta(hours=1)) == 0
    referral.refresh_from_db()
    assert referral.escalated_at == later
    step = ReferralStep.objects.get(referral=referral, escalation=True)
    assert "周路口卫生院未在时限内接收" in step.note
    late = selectors.referral_list(
        by=users["bob"], filters=selectors.ReferralFilter(late="yes")
    )
    assert [r.pk for r in late] == [referral.pk]
    page = (
        client_for(director).get(f"/medical/referrals/{referral.pk}/").content.decode()
    )
    assert "超时督办" in page


def test_a_refused_step_shows_its_reason_once_under_its_own_form(
    users, home, centre, director, resident, signed
):
    referral = services.referral_request(
        by=director,
        elder=resident,
        institution=centre,
        reason="头晕",
        origin="facility",
    )
    liaison = _liaison(users, centre)
    services.referral_move(by=liaison, referral_id=referral.pk, to="accepted")
    services.referral_move(by=liaison, referral_id=referral.pk, to="attended")
    # Both 回转 and 关闭 have a note; a 关闭 without one shows the reason once.
    body = (
        client_for(liaison)
        .post(f"/medical/referrals/{referral.pk}/", {"to": "closed"})
        .content.decode()
    )
    assert body.count("请填写理由或结果") == 1
