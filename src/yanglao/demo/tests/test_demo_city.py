"""The demo city at a small scale: census totals, the Jingdezhen baseline, accounts and their scope."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.test import Client

from yanglao.demo import data
from yanglao.demo.generator import build_demo_city
from yanglao.elders.models import Elder
from yanglao.facilities.models import INSTITUTION_TYPES, Bed, Facility
from yanglao.regions.models import Region

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def logins(db):
    return build_demo_city(scale=0.003, today=TODAY, progress=lambda m: None)


def test_regions_carry_the_census_totals(logins):
    city = Region.objects.get(code="360200")
    assert (city.population, city.population_60) == (data.RESIDENTS, data.AGED_60)
    assert Region.objects.filter(level=5, is_urban=False).count() == data.VILLAGES
    assert set(Region.objects.filter(level=3).values_list("code", flat=True)) == {
        "360202",
        "360203",
        "360222",
        "360281",
    }
    for region in Region.objects.filter(level=5)[:50]:
        assert region.code.startswith(region.parent.code) and len(region.code) == 12


def test_institutions_and_beds_match_the_baseline(logins):
    institutions = Facility.objects.filter(type__in=INSTITUTION_TYPES)
    assert institutions.count() == 55
    # + 5 new 护理型 beds built this year (demo/family_support.py): 4 accepted in a private
    # home, 1 in a membership-fee home — both private
    assert Bed.objects.count() == 4059 + 5
    beds = dict(
        institutions.values_list("ownership")
        .annotate(n=Count("beds"))
        .values_list("ownership", "n")
    )
    assert beds == {"public": 648 + 1515, "private": 1896 + 5}
    assert (
        Facility.objects.filter(type="rural_mutual_aid").count()
        == data.RURAL_MUTUAL_AID
    )


def test_older_people_are_placed_in_their_villages(logins):
    active = Elder.objects.filter(status="active")
    expected = round(
        Region.objects.filter(level=5).aggregate(n=Sum("population_60"))["n"] * 0.003
    )
    assert abs(active.count() - expected) <= len(
        Region.objects.filter(level=5)
    )  # rounding per village
    for elder in active.select_related("residence_region")[:200]:
        assert elder.age(TODAY) >= 60
        village = elder.residence_region
        assert (
            abs(elder.lat - village.lat) < 0.02 and abs(elder.lng - village.lng) < 0.02
        )
        assert elder.id_number[:6] == village.code[:6]


def test_the_same_seed_builds_the_same_city(db):
    def fingerprint():
        with transaction.atomic():
            build_demo_city(scale=0.0005, today=TODAY, progress=lambda m: None)
            names = list(
                Elder.objects.order_by("pk").values_list(
                    "name", "birth_date", "residence_region__code"
                )[:300]
            )
            transaction.set_rollback(True)
        return names

    assert fingerprint() == fingerprint()


def test_every_demo_account_logs_in_and_sees_only_its_area(logins):
    by_name = {a["username"]: a for a in logins}
    assert set(by_name) == {
        "admin",
        "city",
        "county",
        "inspector",
        "street",
        "community",
        "facility",
        "provider",
        "operator",
        "lead",
        "leader",
        "assessor1",
        "assessor2",
        "carer",
        "family",
        "liaison",
    }
    totals = {}
    for username, account in by_name.items():
        client = Client()
        assert client.login(username=username, password=account["password"])
        totals[username] = client.get("/elders/").context["page"].total
    everyone = Elder.objects.filter(status="active").count()
    assert totals["admin"] == totals["city"] == totals["leader"] == everyone
    assert totals["inspector"] == everyone  # a city bureau inspector
    assert 0 < totals["community"] < totals["street"] < totals["city"]
    assert (
        totals["county"]
        == Elder.objects.filter(
            status="active", residence_region__code__startswith="360222"
        ).count()
    )
    assert 0 < totals["facility"] < 50  # the welfare home's residents only
    assert totals["provider"] == totals["carer"] == totals["family"] == 0
    # The health centre's liaison sees no one's record, only the referrals sent to the centre.
    assert totals["liaison"] == 0
    liaison = Client()
    liaison.login(username="liaison", password=by_name["liaison"]["password"])
    referrals = liaison.get("/medical/referrals/").context["page"]
    assert referrals.total > 0
    assert {r.institution.name for r in referrals.items} == {
        by_name["liaison"]["scope"]
    }
    # The daughter sees her mother at 居家服务, and the carer has orders dispatched to them.
    family = Client()
    family.login(username="family", password=by_name["family"]["password"])
    assert len(family.get("/homecare/family/").context["elders"]) == 1
    carer = Client()
    carer.login(username="carer", password=by_name["carer"]["password"])
    assert carer.get("/homecare/carer/").status_code == 200
    # Assessors see only the people whose assessment teams they sit on: their open work.
    assert totals["assessor1"] == totals["assessor2"] == 6


def test_demo_assessments_are_scored_by_the_standard(logins):
    from yanglao.assessments.models import Assessment
    from yanglao.assessments.scoring import parse_answers, score

    done = Assessment.objects.filter(status="completed", standard="GB/T 42195-2022")
    assert done.count() > 100
    for a in done.order_by("pk")[:100]:
        result = score(parse_answers(a.answers))
        assert (a.total, a.final_level) == (result.total, result.final_level)
        assert a.elder.ability_level is not None
        assert a.team.filter(confirmed_at__isnull=False).count() == 2
    levels = set(done.values_list("final_level", flat=True))
    assert len(levels) >= 4  # the demo shows the whole range of levels


def test_demo_cycles_trace_to_each_explanation(logins):
    """Two approved, paid cycles and this month's waiting for approval; each total is the sum of
    the entitlements behind it, and each entitlement says why."""
    from yanglao.benefits.models import Cycle, Entitlement, LedgerEntry

    cycles = list(Cycle.objects.order_by("month"))
    assert [c.status for c in cycles] == ["approved", "approved", "computed"]
    for c in cycles:
        rows = Entitlement.objects.filter(cycle=c).exclude(kind="stopped")
        assert c.totals["total_fen"] == rows.aggregate(t=Sum("amount_fen"))["t"] > 0
        for name, (n, total) in c.totals["programmes"].items():
            mine = rows.filter(programme__name=name)
            assert (mine.count(), mine.aggregate(t=Sum("amount_fen"))["t"]) == (
                n,
                total,
            )
        assert not rows.filter(explanation="").exists()
    assert Entitlement.objects.filter(
        cycle=cycles[-1], kind="recovery"
    ).exists()  # the late death notice
    assert (
        LedgerEntry.objects.filter(event="paid").exists()
        and LedgerEntry.objects.filter(event="issued").count() > 0
    )
