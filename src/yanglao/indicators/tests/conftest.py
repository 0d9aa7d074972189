"""A small city whose every shipped computed indicator can be worked out by hand (the numbers in
the comments), as at 2026-06-30."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.assessments.models import Assessment
from yanglao.elders.models import Category, Elder, ElderCategory
from yanglao.facilities.models import Admission, Bed, Facility, Staff, Training
from yanglao.indicators import services
from yanglao.indicators.catalogue import DEMO_DOCUMENT
from yanglao.visits.models import RosterEntry

DAY = dt.date(2026, 6, 30)
LONG_AGO = dt.date(2020, 1, 1)


def _facility(region, type_, ownership="public", closed_on=None, **extra):
    return Facility.objects.create(
        name=f"{region.name}{type_}",
        type=type_,
        ownership=ownership,
        region=region,
        opened_on=LONG_AGO,
        closed_on=closed_on,
        **extra,
    )


def _medical(r, home, centre, private):
    from yanglao.medical.models import Contract, MedicalInstitution, MedicalUnit

    MedicalUnit.objects.create(facility=home, kind="infirmary", filed_on=LONG_AGO)
    hospital = MedicalInstitution.objects.create(
        name="珠山区人民医院", kind="hospital", region=r["zhushan"]
    )
    for facility, ends_on in (
        (centre, dt.date(2027, 1, 31)),
        (private, dt.date(2026, 5, 31)),
    ):
        Contract.objects.create(
            facility=facility,
            institution=hospital,
            services=["patrol"],
            patrols_per_month=2,
            starts_on=dt.date(2025, 2, 1),
            ends_on=ends_on,
        )


def _beds(facility, kinds, state="in_service"):
    return [
        Bed.objects.create(
            facility=facility, code=f"{facility.pk}-{i}", kind=k, state=state
        )
        for i, k in enumerate(
            kinds, start=Bed.objects.filter(facility=facility).count()
        )
    ]


def _staff(facility, role, n, hired=LONG_AGO, left=None):
    return Staff.objects.create(
        name=f"{role}{n}",
        id_number_hash=f"hash-{role}-{n}-{facility.pk}",
        sex="F",
        birth_date=dt.date(1980, 1, 1),
        role=role,
        facility=facility,
        hired_on=hired,
        left_on=left,
    )


@pytest.fixture
def small_city(users, regions, make_elder, settings):
    r = regions
    Elder.objects.all().delete()
    r[
        "tangping"
    ].population_60 = (
        800  # the only 60+ figure: social workers per 1,000 = 1 × 1000 / 800
    )
    r["tangping"].save()
    # JDZ-7: of the two urban communities, 塘坪 has an open day-care centre, 新村's closed: 1/2
    _facility(r["tangping"], "community_centre")
    _facility(r["xincun"], "community_centre", closed_on=dt.date(2026, 3, 1))
    # JDZ-9: 旧城村 (the only village) has a mutual-aid station: 1/1
    _facility(r["jiucheng"], "rural_mutual_aid")
    # JDZ-3: 珠山区 has a county disability centre, 浮梁县 none: 1/2
    centre = _facility(r["street"], "county_disability_centre", has_medical_unit=True)
    # JDZ-10: the welfare home has 3 nursing + 1 ordinary beds in service (and a nursing bed out of
    # service); the private home 2 ordinary. City: 3 of 6 = 50%; 珠山区 3 of 4 = 75%
    home = _facility(r["street"], "welfare_home", has_medical_unit=True)
    beds = _beds(home, ["nursing", "nursing", "nursing", "ordinary"])
    _beds(home, ["nursing"], state="out_of_service")
    private = _facility(r["town"], "private_home", ownership="private")
    _beds(private, ["ordinary", "ordinary"])
    # JDZ-11: institutions open: welfare home, private home, the county centre (no beds) = 3; with an
    # in-house unit (the welfare home's) or a contract in force on 30 June (the county centre's; the
    # private home's lapsed in May) = 2 → 66.7%. SY-8: the welfare home is the one key home, with
    # its unit: 1/1
    _medical(r, home, centre, private)
    # JDZ-2: 特困 at level ≥ 2: 甲 (level 3, admitted) and 乙 (level 2, at home); 丙 (level 1) and
    # 丁 (低保, level 4) do not count: 1/2
    people = {}
    for name, level, category in (
        ("特困甲", 3, Category.TEKUN),
        ("特困乙", 2, Category.TEKUN),
        ("特困丙", 1, Category.TEKUN),
        ("低保丁", 4, Category.DIBAO),
    ):
        e = make_elder(name=name, birth=dt.date(1950, 1, 1))
        Elder.objects.filter(pk=e.pk).update(ability_level=level)
        ElderCategory.objects.create(elder=e, category=category, start_date=LONG_AGO)
        people[name] = e
    # JDZ-4: public beds in service 4 (the welfare home's; the county centre has none); occupied at
    # the end: 甲's bed (another resident left in May): 1/4 = 25%
    Admission.objects.create(elder=people["特困甲"], bed=beds[0], admitted_on=LONG_AGO)
    Admission.objects.create(
        elder=people["低保丁"],
        bed=beds[1],
        admitted_on=LONG_AGO,
        discharged_on=dt.date(2026, 5, 1),
    )
    # JDZ-12: in post: director (trained), carer 1 (induction), carer 2 (none); carer 3 left: 2/3
    director = _staff(home, "director", 1)
    Training.objects.create(
        staff=director, kind="director", title="院长培训", completed_on=LONG_AGO
    )
    carer = _staff(home, "carer", 1)
    Training.objects.create(
        staff=carer, kind="induction", title="岗前培训", completed_on=LONG_AGO
    )
    _staff(home, "carer", 2)
    _staff(home, "carer", 3, left=dt.date(2026, 1, 1))
    # JDZ-13: one social worker in post, 800 residents aged 60+: 1.25 per 1,000
    _staff(home, "social_worker", 1)
    # SY-6: aged 65+ on 2026-06-30: the four above (born 1950) and 戊 (born 1958 is 68): 5; 戊 and
    # 甲 assessed by then, 乙 assessed only in July: 2/5 = 40%; 己 (born 1963, 63) does not count
    young = make_elder(name="青年己", birth=dt.date(1963, 1, 1))
    wu = make_elder(name="老人戊", birth=dt.date(1958, 1, 1))
    for e, on in (
        (wu, dt.date(2026, 2, 1)),
        (people["特困甲"], dt.date(2025, 5, 1)),
        (people["特困乙"], dt.date(2026, 7, 2)),
    ):
        Assessment.objects.create(
            elder=e,
            reason="first",
            applicant="self",
            applied_on=on,
            status="completed",
            assessed_on=on,
        )
    # JDZ-6: June's roster: 甲 visited twice of twice, 乙 once of twice, 丙 none of once: 1/3
    for e, done, required in (
        (people["特困甲"], 2, 2),
        (people["特困乙"], 1, 2),
        (people["特困丙"], 0, 1),
    ):
        RosterEntry.objects.create(
            month=dt.date(2026, 6, 1),
            elder=e,
            region=r["tangping"],
            visits_done=done,
            visits_required=required,
        )
    services.catalogue_install()
    services.targets_install(region=r["city"], document=DEMO_DOCUMENT)
    return {"regions": r, "people": people, "young": young, "home": home}
