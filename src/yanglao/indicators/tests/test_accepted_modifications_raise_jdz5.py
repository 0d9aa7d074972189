"""JDZ-5 (居家适老化改造户数, cumulative since 2021) and JDZ-18 (this year's) count the households
whose modification passed acceptance; a project still being built counts in neither. The
leadership view shows the rise after the next refresh."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.homesupport.models import ModificationProject
from yanglao.indicators import services
from yanglao.indicators.models import Value

pytestmark = pytest.mark.django_db


def _project(users, elder, state, accepted_on=None):
    return ModificationProject.objects.create(
        elder=elder,
        region=elder.residence_region,
        year=(accepted_on or timezone.localdate()).year,
        state=state,
        source="community",
        applicant_name=elder.name,
        eligibility="✓",
        applied_by=users["carol"],
        accepted_on=accepted_on,
    )


def test_accepted_households_count_cumulatively_and_this_year(
    users, regions, make_elder
):
    services.catalogue_install()
    today = timezone.localdate()
    _project(
        users, make_elder(name="去年户"), "accepted", dt.date(today.year - 1, 5, 1)
    )
    _project(users, make_elder(name="今年户"), "accepted", today)
    _project(users, make_elder(name="施工户"), "in_progress")
    services.refresh_current(max_age_seconds=0)
    year = str(today.year)
    city = regions["city"]

    def value(code):
        return Value.objects.get(indicator__code=code, region=city, period=year)

    assert value("JDZ-5").numerator == 2
    assert value("JDZ-18").numerator == 1
    page = client_for(users["leader"]).get(
        f"/indicators/JDZ-5/?region=360200&period={year}"
    )
    assert (
        page.status_code == 200
        and "居家养老困难老年人居家适老化改造" in page.content.decode()
    )
