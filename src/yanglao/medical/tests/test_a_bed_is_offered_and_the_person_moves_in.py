"""集中供养 床位安排: the bureau offers a person in the queue a free bed of the county's network —
a 护理型 bed for a disabled person, nearest first — and records their answer; accepting admits
them through the admission service, so JDZ-1 and JDZ-2 count them; declining keeps their place.
Occupied beds, beds of the wrong kind, people not in the queue and a second open offer are
refused with the reason, and nothing is written."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.elders.models import Elder, ElderCategory
from yanglao.facilities.measures import MEASURES as FACILITY_MEASURES
from yanglao.facilities.models import Admission, Bed, Facility
from yanglao.facilities.services import admission_create
from yanglao.medical import selectors, services
from yanglao.medical.measures import MEASURES
from yanglao.medical.models import BedOffer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COUNT = {m.code: m.count for m in (*MEASURES, *FACILITY_MEASURES)}


def _tekun(make_elder, users, name, level=None, answer="willing", **kw):
    person = make_elder(name=name, **kw)
    Elder.objects.filter(pk=person.pk).update(ability_level=level)
    ElderCategory.objects.create(
        elder=person, category="tekun", start_date=dt.date(2020, 1, 1)
    )
    services.willingness_record(
        by=users["admin"],
        elder=person,
        asked_on=TODAY - dt.timedelta(days=10),
        answer=answer,
        confirmed_by="self",
    )
    return Elder.objects.get(pk=person.pk)


@pytest.fixture
def network(regions):
    home = Facility.objects.create(
        name="周路口敬老院",
        type="tekun_home",
        ownership="public",
        region=regions["street"],
        lat=29.29,
        lng=117.21,
    )
    far = Facility.objects.create(
        name="竟成区域性中心敬老院",
        type="township_centre_home",
        ownership="public",
        region=regions["street"],
        lat=29.40,
        lng=117.30,
    )
    return {
        "nursing": Bed.objects.create(facility=home, code="N1", kind="nursing"),
        "far_nursing": Bed.objects.create(facility=far, code="N9", kind="nursing"),
        "ordinary": Bed.objects.create(facility=home, code="P1", kind="ordinary"),
        "taken": Bed.objects.create(facility=home, code="N2", kind="nursing"),
    }


def test_offered_a_nursing_bed_and_admitted(make_elder, users, network, regions):
    frail = _tekun(make_elder, users, "失能甲", level=3, lat=29.291, lng=117.209)
    bob = users["bob"]
    choices = selectors.bed_choices(by=bob, elder=frail, nursing=True, today=TODAY)
    assert [c.bed for c in choices] == [
        network["nursing"],
        network["far_nursing"],
    ]  # nearest first
    page = client_for(bob)
    form = page.get(f"/medical/queue/{frail.pk}/offer/").content.decode()
    assert "周路口敬老院 N1 床（护理型）" in form and "P1" not in form
    refused = page.post(
        f"/medical/queue/{frail.pk}/offer/", {"bed": network["ordinary"].pk}
    ).content.decode()
    assert "该老人失能或失智，应安排护理型床位" in refused
    assert not BedOffer.objects.exists()
    response = page.post(
        f"/medical/queue/{frail.pk}/offer/", {"bed": network["nursing"].pk}
    )
    offer = BedOffer.objects.get()
    assert response.url == f"/medical/offers/{offer.pk}/"
    assert offer.reason.startswith("失能：能力等级3级") and offer.distance_m is not None
    queue = page.get("/medical/queue/").content.decode()
    assert "待答复" in queue
    region = frail.residence_region_id
    assert COUNT["medical.tekun_willing_in_care"](TODAY, TODAY) == {}
    assert COUNT["facilities.tekun_dependent_in_care"](TODAY, TODAY) == {}
    response = page.post(
        f"/medical/offers/{offer.pk}/",
        {"answer": "accept", "admitted_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.admission.bed == network["nursing"]
    assert COUNT["medical.tekun_willing_in_care"](TODAY, TODAY) == {region: 1}  # JDZ-1
    assert COUNT["facilities.tekun_dependent_in_care"](TODAY, TODAY) == {
        region: 1
    }  # JDZ-2
    assert selectors.queue_place_of(by=bob, elder=frail, today=TODAY) is None


def test_refusals_write_nothing(make_elder, users, network):
    bob = users["bob"]
    frail = _tekun(make_elder, users, "失能乙", level=4)
    other = _tekun(make_elder, users, "高龄丙", birth=dt.date(1940, 1, 1))
    unwilling = _tekun(make_elder, users, "不愿丁", answer="unwilling")
    resident = make_elder(name="已住戊")
    admission_create(
        by=users["admin"], elder=resident, bed=network["taken"], admitted_on=TODAY
    )
    with pytest.raises(ValidationFailed) as exc:
        services.bed_offer_create(by=bob, elder=frail, bed=network["taken"])
    assert exc.value.errors == {"bed": "该床位已有老人入住或已安排给他人"}
    with pytest.raises(ValidationFailed) as exc:
        services.bed_offer_create(by=bob, elder=unwilling, bed=network["ordinary"])
    assert "不在集中供养轮候中" in exc.value.errors["elder"]
    with pytest.raises(ValidationFailed) as exc:
        services.bed_offer_create(
            by=users["carol"], elder=other, bed=network["ordinary"]
        )
    assert exc.value.errors == {"__all__": "只有民政部门可以安排集中供养床位"}
    offer = services.bed_offer_create(by=bob, elder=frail, bed=network["nursing"])
    with pytest.raises(ValidationFailed) as exc:
        services.bed_offer_create(by=bob, elder=other, bed=network["nursing"])
    assert exc.value.errors == {"bed": "该床位已有老人入住或已安排给他人"}
    with pytest.raises(ValidationFailed) as exc:
        services.bed_offer_create(by=bob, elder=frail, bed=network["far_nursing"])
    assert exc.value.errors == {"elder": "该老人已有待答复的床位安排"}
    with pytest.raises(ValidationFailed) as exc:
        services.bed_offer_answer(by=bob, offer=offer, accept=False, note=" ")
    assert exc.value.errors == {"note": "谢绝须填写原因"}
    assert BedOffer.objects.count() == 1 and Admission.objects.count() == 1
    services.bed_offer_answer(
        by=bob, offer=offer, accept=False, note="想等离家近的床位"
    )
    assert (
        selectors.queue_place_of(by=bob, elder=frail, today=TODAY) is not None
    )  # keeps the place
    # Declined, the bed is free again for the next person.
    assert (
        services.bed_offer_create(by=bob, elder=other, bed=network["nursing"]).status
        == "offered"
    )


def test_a_transfer_within_the_network(make_elder, users, network):
    bob = users["bob"]
    person = _tekun(make_elder, users, "转院己", level=2)
    admission = admission_create(
        by=users["admin"], elder=person, bed=network["nursing"], admitted_on=TODAY
    )
    moved = services.network_transfer(
        by=bob, admission=admission, bed=network["far_nursing"], on=TODAY
    )
    admission.refresh_from_db()
    assert (
        admission.discharged_on == TODAY
        and "竟成区域性中心敬老院" in admission.discharge_reason
    )
    assert moved.bed == network["far_nursing"] and moved.discharged_on is None


def test_the_transfer_page(make_elder, users, network):
    person = _tekun(make_elder, users, "转院庚", level=2)
    admission_create(
        by=users["admin"], elder=person, bed=network["nursing"], admitted_on=TODAY
    )
    page = client_for(users["bob"])
    person_page = page.get(f"/elders/{person.pk}/").content.decode()
    assert f"/medical/transfer/{person.pk}/" in person_page
    form = page.get(f"/medical/transfer/{person.pk}/").content.decode()
    assert "竟成区域性中心敬老院 N9 床" in form and "周路口敬老院 P1" not in form
    response = page.post(
        f"/medical/transfer/{person.pk}/", {"bed": network["far_nursing"].pk}
    )
    assert response.status_code == 302
    now = Admission.objects.get(elder=person, discharged_on__isnull=True)
    assert now.bed == network["far_nursing"]
    assert (
        client_for(users["carol"]).get(f"/medical/transfer/{person.pk}/").status_code
        == 403
    )
