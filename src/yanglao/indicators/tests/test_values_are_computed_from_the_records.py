"""Every shipped computed indicator on the small city (conftest: the hand computation), for the
city and its counties, as at 2026-06-30; values are sums of numerators over sums of
denominators, and a region with nothing to count has no value (not 0%)."""

import datetime as dt

import pytest

from yanglao.indicators import services
from yanglao.indicators.models import Indicator, Value
from yanglao.indicators.periods import bounds

pytestmark = pytest.mark.django_db

EXPECTED_CITY = {  # code: (numerator, denominator, value)
    "JDZ-2": (1, 2, 50.0),
    "JDZ-3": (1, 2, 50.0),
    "JDZ-4": (1, 4, 25.0),
    "JDZ-6": (1, 3, 100 / 3),
    "JDZ-7": (1, 2, 50.0),
    "JDZ-9": (1, 1, 100.0),
    "JDZ-10": (3, 6, 50.0),
    "JDZ-11": (2, 3, 200 / 3),
    "JDZ-12": (2, 3, 200 / 3),
    "JDZ-13": (1, 800, 1.25),
    "SY-6": (2, 5, 40.0),
    "SY-8": (1, 1, 100.0),
}


@pytest.fixture
def on_june_30(monkeypatch):
    """The period "2026-06" ends on 2026-06-30, whatever today is."""
    from yanglao.indicators import periods

    real = periods.bounds
    monkeypatch.setattr(
        "yanglao.indicators.services.bounds",
        lambda p, today=None: real(p, today=dt.date(2026, 6, 30)),
    )


def _values(region, period="2026-06"):
    return {
        v.indicator.code: (v.numerator, v.denominator, v.value)
        for v in Value.objects.filter(region=region, period=period).select_related(
            "indicator"
        )
    }


def test_every_computed_indicator_of_the_city_is_the_hand_computed_one(
    small_city, on_june_30
):
    services.recompute(["2026-06"])
    got = _values(small_city["regions"]["city"])
    assert set(EXPECTED_CITY) <= set(got)
    for code, (num, den, value) in EXPECTED_CITY.items():
        assert got[code][:2] == (num, den), code
        assert got[code][2] == pytest.approx(value), code


def test_a_county_sums_its_own_records_and_no_denominator_is_no_value(
    small_city, on_june_30
):
    services.recompute(["2026-06"])
    zhushan = _values(small_city["regions"]["zhushan"])
    assert zhushan["JDZ-10"] == (3, 4, 75.0)
    assert zhushan["JDZ-7"] == (1, 2, 50.0)
    fuliang = _values(small_city["regions"]["fuliang"])
    assert fuliang["JDZ-10"] == (0, 2, 0.0)  # two ordinary beds: 0%, a real value
    assert "JDZ-7" not in fuliang  # no urban community: no value at all, shown as "—"
    assert fuliang["JDZ-9"] == (1, 1, 100.0)


def test_a_facility_closed_in_march_counts_in_february_not_in_june(
    small_city, monkeypatch
):
    from yanglao.indicators import periods

    real = periods.bounds
    monkeypatch.setattr(
        "yanglao.indicators.services.bounds",
        lambda p, today=None: real(p, today=dt.date(2026, 6, 30)),
    )
    services.recompute(["2026-02", "2026-06"])
    city = small_city["regions"]["city"]
    assert _values(city, "2026-02")["JDZ-7"][:2] == (2, 2)
    assert _values(city, "2026-06")["JDZ-7"][:2] == (1, 2)


def test_recomputing_replaces_a_periods_values_and_keeps_reported_ones(
    small_city, on_june_30, users
):
    city = small_city["regions"]["city"]
    report = services.report_submit(
        by=users["alice"],
        indicator=Indicator.objects.get(code="JDZ-14"),
        region=city,
        period="2026-06",
        numerator=55,
        denominator=100,
        evidence="财务台账",
    )
    services.report_decide(by=users["admin"], report=report, approve=True)
    services.recompute(["2026-06"])
    first = Value.objects.filter(region=city, period="2026-06").count()
    services.recompute(["2026-06"])
    values = Value.objects.filter(region=city, period="2026-06")
    assert values.count() == first  # replaced, not added to
    assert values.get(indicator__code="JDZ-14").source == "reported"
    assert values.filter(source="computed").count() == len(
        set(values.filter(source="computed").values_list("indicator", flat=True))
    )
    assert bounds("2026-06", today=dt.date(2026, 6, 15)) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 15),
    )


def test_the_key_counts_of_a_leadership_view(small_city, on_june_30):
    services.recompute(["2026-06"])
    got = _values(small_city["regions"]["city"])
    assert got["K-1"] == (6, None, 6.0)  # six people on the register
    assert got["K-3"] == (3, None, 3.0)  # 甲 (3), 乙 (2) and 丁 (4): level 2 or worse
    assert got["K-4"] == (3, None, 3.0)  # welfare home, private home, county centre
    assert got["K-5"] == (6, None, 6.0)  # beds in service in institutions
    assert "K-2" not in got  # nobody aged 80+: no row, the page shows 0


def test_the_alarm_centres_60_second_rate_and_the_subsidy_amount(
    small_city, on_june_30
):
    import datetime as dt

    from django.utils import timezone

    from yanglao.alarms.models import Alarm

    jia = small_city["people"]["特困甲"]
    raised = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 0))
    for seconds in (30, 59, 200, None):  # 2 of 4 answered within 60 s
        Alarm.objects.create(
            elder=jia,
            region=jia.residence_region,
            kind="sos",
            raised_at=raised,
            status="resolved",  # one open alarm per person and kind; these are closed
            acknowledged_at=raised + dt.timedelta(seconds=seconds) if seconds else None,
        )
    services.recompute(["2026-06"])
    got = _values(small_city["regions"]["city"])
    assert got["K-8"] == (2, 4, 50.0) and got["K-6"] == (4, None, 4.0)
