"""集中供养入住轮候: the 特困 persons whose latest answer is 愿意 and who do not yet live in an
institution, ranked 失能 first with the reason shown, next to the free beds of the county's
network ("1+N"); those in care, unwilling, or of another county are not on it."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.elders.models import Elder, ElderCategory
from yanglao.facilities.models import Bed, Facility
from yanglao.facilities.services import admission_create
from yanglao.medical import selectors, services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _tekun(make_elder, users, name, answer="willing", level=None, born=1950, **kw):
    person = make_elder(name=name, birth=dt.date(born, 1, 1), **kw)
    Elder.objects.filter(pk=person.pk).update(ability_level=level)
    ElderCategory.objects.create(
        elder=person, category="tekun", start_date=dt.date(2020, 1, 1)
    )
    services.willingness_record(
        by=users["admin"],
        elder=person,
        asked_on=TODAY - dt.timedelta(days=30),
        answer=answer,
        confirmed_by="self",
    )
    return person


def test_the_queue_and_the_free_beds(make_elder, users, regions):
    old = _tekun(make_elder, users, "高龄甲", born=TODAY.year - 86)
    frail = _tekun(make_elder, users, "失能乙", level=3)
    _tekun(make_elder, users, "不愿丙", answer="unwilling", level=4)
    _tekun(make_elder, users, "浮梁丁", level=4, region="jiucheng")
    cared = _tekun(make_elder, users, "已入住戊", level=2)
    home = Facility.objects.create(
        name="周路口敬老院",
        type="tekun_home",
        ownership="public",
        region=regions["street"],
    )
    beds = [
        Bed.objects.create(facility=home, code=str(n), kind=kind)
        for n, kind in enumerate(["nursing", "nursing", "ordinary"])
    ]
    admission_create(by=users["admin"], elder=cared, bed=beds[0], admitted_on=TODAY)
    places = selectors.priority_queue(by=users["bob"])
    assert [p.candidate.elder_id for p in places] == [frail.pk, old.pk]
    assert places[0].reason == "失能：能力等级3级（重度失能）；已等待 30 天"
    assert places[0].nursing_bed and not places[1].nursing_bed
    (network,) = selectors.network_free_beds(by=users["bob"])
    assert (network.free_nursing, network.free_ordinary) == (1, 1)
    page = client_for(users["bob"]).get("/medical/queue/").content.decode()
    assert "失能乙" in page and "高龄：86岁" in page and "浮梁丁" not in page
    assert "不愿丙" not in page and "已入住戊" not in page
    county = client_for(users["dave"]).get("/medical/queue/").content.decode()
    assert "浮梁丁" in county and "失能乙" not in county
