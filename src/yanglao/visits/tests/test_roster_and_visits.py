"""The roster from the registry, a visit with a finding that becomes a follow-up (and an assessment
application), the refusals, and 月探访率 by hand."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.elders.services import category_add, life_event_record
from yanglao.regions.models import Region
from yanglao.visits import selectors, services
from yanglao.visits.models import FollowUp, RosterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def worker(users):
    return users["carol"]  # 塘坪社区's community worker


def _now():
    return timezone.now()


def _visit(by, entry, **kw):
    values = {
        "kind": "home",
        "visited_at": _now(),
        "client_id": uuid.uuid4().hex,
        "lat": entry.elder.lat,
        "lng": entry.elder.lng,
    } | kw
    return services.visit_record(by=by, entry=entry, **values)


def test_roster_follows_the_registry(users, make_elder, worker, month):
    alone = make_elder(name="独居", living_arrangement="alone", lat=29.3, lng=117.2)
    family = make_elder(name="同住", living_arrangement="with_children")
    disabled = make_elder(name="重残", living_arrangement="with_children")
    category_add(
        by=users["admin"],
        elder=disabled,
        category="disabled",
        start_date=dt.date(2020, 1, 1),
        grade="一级",
    )
    counts = services.roster_build(month=month)
    on = {e.elder_id: e for e in RosterEntry.objects.filter(month=month)}
    assert set(on) == {alone.pk, disabled.pk} and counts["rostered"] == 2
    assert (
        on[alone.pk].reasons == ["独居、空巢、留守老年人"]
        and on[alone.pk].visitor == worker
    )
    # A death ends visits (not yet visited this month), a new 独居 record adds one.
    life_event_record(
        by=users["admin"], elder=disabled, kind="death", date=timezone.localdate()
    )
    newly = make_elder(name="新独居", living_arrangement="alone")
    counts = services.roster_build(month=month)
    assert set(
        RosterEntry.objects.filter(month=month).values_list("elder_id", flat=True)
    ) == {alone.pk, newly.pk}
    assert counts == counts | {"added": 1, "removed": 1}
    assert family.pk not in on


def test_visit_with_findings_and_refusals(users, make_elder, worker, month, settings):
    a = make_elder(name="独居甲", living_arrangement="alone", lat=29.3, lng=117.2)
    services.roster_build(month=month)
    entry = RosterEntry.objects.get(elder=a)
    mine = selectors.my_list(by=worker, month=month)
    assert [e.elder.name for e in mine] == ["独居甲"]
    with pytest.raises(ValidationFailed) as exc:  # checked in 2 km away
        _visit(worker, entry, lat=29.318, lng=117.2)
    assert "米" in exc.value.errors["lat"]
    with pytest.raises(ValidationFailed) as exc:
        _visit(worker, entry, visited_at=_now() + dt.timedelta(days=2))
    assert "未来" in exc.value.errors["visited_at"]
    client_id = uuid.uuid4().hex
    visit = _visit(
        worker,
        entry,
        client_id=client_id,
        findings=["需要能力评估", "无取暖/降温"],
        health="良好",
    )
    again = _visit(
        worker, entry, client_id=client_id, findings=["需要能力评估"]
    )  # flaky phone resends
    assert again.pk == visit.pk
    entry.refresh_from_db()
    assert entry.visits_done == 1 and entry.done
    routes = {f.route: f for f in FollowUp.objects.all()}
    assert set(routes) == {"assessment", "community"}
    assert (
        routes["assessment"].reference.startswith("assessment:")
        and a.assessments.count() == 1
    )
    inbox = selectors.follow_ups(by=users["carol"])
    assert {f.finding for f in inbox} == {"需要能力评估", "无取暖/降温"}
    assert not selectors.follow_ups(by=users["dave"]).exists()
    services.follow_up_close(
        by=users["carol"], follow_up=routes["community"], note="已送取暖器"
    )
    assert selectors.follow_ups(by=users["carol"]).count() == 1


def test_someone_not_on_my_list_is_404_and_phone_visits_do_not_count(
    users, make_elder, worker, month
):
    far = make_elder(name="远", living_arrangement="alone", region="jiucheng")
    near = make_elder(name="近", living_arrangement="alone", lat=29.3, lng=117.2)
    services.roster_build(month=month)
    with pytest.raises(NotInScope):
        _visit(worker, RosterEntry.objects.get(elder=far))
    entry = RosterEntry.objects.get(elder=near)
    _visit(worker, entry, kind="phone", lat=None, lng=None)
    entry.refresh_from_db()
    assert entry.visits_done == 0  # the default rules do not count phone calls


def test_rates_by_hand(users, make_elder, worker, month, regions):
    people = [
        make_elder(name=f"人{i}", living_arrangement="alone", lat=29.3, lng=117.2)
        for i in range(3)
    ]  # 塘坪
    other = make_elder(name="新村人", living_arrangement="empty_nest", region="xincun")
    services.roster_build(month=month)
    _visit(worker, RosterEntry.objects.get(elder=people[0]))
    _visit(worker, RosterEntry.objects.get(elder=people[1]))
    by_code = {
        r.region.code: r
        for r in selectors.rates(
            by=users["alice"], month=month, level=Region.Level.VILLAGE
        )
    }
    assert (by_code["360203001001"].rostered, by_code["360203001001"].visited) == (3, 2)
    assert (
        by_code["360203001002"].rate == 0.0 and by_code["360203001002"].unassigned == 1
    )
    street = selectors.rates(
        by=users["alice"], month=month, level=Region.Level.TOWNSHIP
    )
    zhou = next(r for r in street if r.region.code == "360203001")
    assert (zhou.rostered, zhou.visited) == (4, 2) and zhou.rate == 0.5
    assert other.pk


def test_a_region_sets_its_own_rules(users, make_elder, regions, month):
    from yanglao.visits.models import VisitRule

    VisitRule.objects.create(
        region=regions["fuliang"],
        name="90岁以上老人",
        min_age=90,
        visits_per_month=2,
        phone_counts=True,
    )
    far = make_elder(
        name="浮梁高龄",
        birth=dt.date(1930, 1, 1),
        region="jiucheng",
        living_arrangement="with_children",
    )
    near = make_elder(
        name="珠山高龄", birth=dt.date(1930, 1, 1), living_arrangement="with_children"
    )
    far_alone = make_elder(
        name="浮梁独居", region="jiucheng", living_arrangement="alone"
    )
    services.roster_build(month=month)
    on = {e.elder_id: e for e in RosterEntry.objects.filter(month=month)}
    assert (
        on[far.pk].visits_required == 2
        and on[far.pk].phone_counts
        and on[far.pk].reasons == ["90岁以上老人"]
    )
    assert near.pk not in on  # 珠山区 keeps the defaults, which do not cover age alone
    assert far_alone.pk not in on  # 浮梁县's own rules replace the defaults there
    text = client_for_rates(users["dave"])
    assert "90岁以上老人：90岁及以上，每月探访2次（电话探访计入）" in text


def client_for_rates(user) -> str:
    from yanglao.conftest import client_for

    return client_for(user).get("/visits/rates/").content.decode()


def test_another_workers_person_is_refused_with_the_reason(
    users, make_elder, month, regions
):
    from yanglao.conftest import make_user

    other = make_user("grid2", "community", regions["tangping"])
    person = make_elder(name="乙", living_arrangement="alone", lat=29.3, lng=117.2)
    services.roster_build(month=month)
    entry = RosterEntry.objects.get(elder=person)
    assert entry.visitor == users["carol"]
    with pytest.raises(ValidationFailed) as exc:
        _visit(other, entry)
    assert "不在您的探访名单中" in exc.value.errors["__all__"]
    _visit(users["bob"], entry)  # 珠山区 staff may record for anyone in their area
    entry.refresh_from_db()
    assert entry.visits_done == 1


def test_a_submission_id_is_not_shared_between_visits(users, make_elder, month):
    a = make_elder(name="甲", living_arrangement="alone", lat=29.3, lng=117.2)
    b = make_elder(name="乙", living_arrangement="alone", lat=29.3, lng=117.2)
    services.roster_build(month=month)
    first = _visit(users["carol"], RosterEntry.objects.get(elder=a), client_id="same")
    with pytest.raises(ValidationFailed) as exc:
        _visit(users["carol"], RosterEntry.objects.get(elder=b), client_id="same")
    assert "提交编号" in exc.value.errors["client_id"]
    assert (
        _visit(users["carol"], RosterEntry.objects.get(elder=a), client_id="same").pk
        == first.pk
    )
