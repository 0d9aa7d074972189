"""集中供养意愿登记: a community worker records a 特困 person's answer (confirmed by the person, or by
a named guardian); the latest answer on a day counts; JDZ-1 is the share of those willing who live
in an institution. A record for someone who is not 特困, or a guardian without a name, is refused
with the reason and nothing is written; another county's clerk gets 404."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.elders.models import ElderCategory
from yanglao.facilities.models import Bed, Facility
from yanglao.facilities.services import admission_create
from yanglao.medical import services
from yanglao.medical.measures import MEASURES
from yanglao.medical.models import Willingness

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COUNT = {m.code: m.count for m in MEASURES}


@pytest.fixture
def tekun(make_elder):
    person = make_elder(name="特困甲", birth=dt.date(1940, 1, 1))
    ElderCategory.objects.create(
        elder=person, category="tekun", start_date=dt.date(2020, 1, 1)
    )
    return person


def test_a_willing_person_counts_and_counts_in_care_once_admitted(
    tekun, users, regions
):
    carol = client_for(users["carol"])  # 塘坪社区
    page = carol.get(f"/medical/willingness/{tekun.pk}/").content.decode()
    assert "尚未登记意愿" in page
    carol.post(
        f"/medical/willingness/{tekun.pk}/",
        {
            "asked_on": f"{TODAY:%Y-%m-%d}",
            "answer": "willing",
            "occasion": "survey",
            "confirmed_by": "guardian",
            "confirmer_name": "特困乙",
        },
    )
    made = Willingness.objects.get()
    assert (made.answer, made.confirmer_name, made.asked_by) == (
        "willing",
        "特困乙",
        users["carol"],
    )
    region = tekun.residence_region_id
    assert COUNT["medical.tekun_willing"](TODAY, TODAY) == {region: 1}
    assert COUNT["medical.tekun_willing_in_care"](TODAY, TODAY) == {}
    home = Facility.objects.create(
        name="塘坪敬老院",
        type="tekun_home",
        ownership="public",
        region=regions["street"],
    )
    admission_create(
        by=users["admin"],
        elder=tekun,
        bed=Bed.objects.create(facility=home, code="1", kind="nursing"),
        admitted_on=TODAY,
    )
    assert COUNT["medical.tekun_willing_in_care"](TODAY, TODAY) == {region: 1}
    listing = client_for(users["bob"]).get("/medical/willingness/").content.decode()
    assert "特困甲" in listing and "已入住" in listing
    person_page = carol.get(f"/elders/{tekun.pk}/").content.decode()
    assert "集中供养意愿" in person_page and "愿意集中供养" in person_page


def test_the_latest_answer_counts(tekun, users):
    for days, answer in ((60, "willing"), (10, "unwilling")):
        services.willingness_record(
            by=users["bob"],
            elder=tekun,
            asked_on=TODAY - dt.timedelta(days=days),
            answer=answer,
            confirmed_by="self",
        )
    assert COUNT["medical.tekun_willing"](TODAY, TODAY) == {}
    earlier = TODAY - dt.timedelta(days=30)
    assert COUNT["medical.tekun_willing"](earlier, earlier) == {
        tekun.residence_region_id: 1
    }


def test_bad_records_are_refused_and_another_county_gets_404(tekun, users, make_elder):
    other = make_elder(name="非特困")
    with pytest.raises(ValidationFailed) as exc:
        services.willingness_record(
            by=users["bob"],
            elder=other,
            asked_on=TODAY,
            answer="willing",
            confirmed_by="self",
        )
    assert exc.value.errors == {
        "elder": "该老人在询问日期不是特困人员，无需登记集中供养意愿"
    }
    with pytest.raises(ValidationFailed) as exc:
        services.willingness_record(
            by=users["bob"],
            elder=tekun,
            asked_on=TODAY + dt.timedelta(days=1),
            answer="maybe",
            confirmed_by="guardian",
        )
    assert exc.value.errors == {
        "asked_on": "询问日期不能在未来",
        "answer": "请选择意愿",
        "confirmer_name": "监护人确认时请填写监护人姓名",
    }
    assert not Willingness.objects.exists()
    dave = client_for(users["dave"])  # 浮梁县
    assert dave.get(f"/medical/willingness/{tekun.pk}/").status_code == 404
    assert (
        dave.post(
            f"/medical/willingness/{tekun.pk}/",
            {
                "asked_on": f"{TODAY:%Y-%m-%d}",
                "answer": "willing",
                "confirmed_by": "self",
            },
        ).status_code
        == 404
    )
    assert not Willingness.objects.exists()
