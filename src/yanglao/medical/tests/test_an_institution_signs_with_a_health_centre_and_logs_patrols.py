"""签约服务: the bureau registers the township health centre; the institution's administrator signs
a contract with it from the institution's page, logs the patrol visits, and sees how much of what
was promised this year happened; the contract shows on the institution's page (一院一档) and
counts for JDZ-11. Bad input is refused with the field and the reason, and nothing is written."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility, Staff
from yanglao.medical import services
from yanglao.medical.measures import MEASURES
from yanglao.medical.models import Contract, MedicalInstitution, Patrol

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
        by=users["bob"],
        region=regions["street"],
        name="周路口街道社区卫生服务中心",
        kind="community_centre",
        insured=True,
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


def _sign(by, home, centre, **over):
    values = {
        "facility": home,
        "institution": centre,
        "services": ["patrol", "referral", "green_channel"],
        "patrols_per_month": 2,
        "starts_on": TODAY - dt.timedelta(days=40),
        "ends_on": TODAY + dt.timedelta(days=690),
    }
    values.update(over)
    return services.contract_create(by=by, **values)


def test_the_director_signs_logs_patrols_and_the_page_shows_it(home, centre, director):
    page = client_for(director)
    form = page.get(f"/medical/contracts/new/{home.pk}/").content.decode()
    assert "周路口街道社区卫生服务中心" in form
    response = page.post(
        f"/medical/contracts/new/{home.pk}/",
        {
            "institution": centre.pk,
            "services": ["patrol", "referral"],
            "patrols_per_month": "2",
            "starts_on": f"{TODAY - dt.timedelta(days=40):%Y-%m-%d}",
            "ends_on": f"{TODAY + dt.timedelta(days=690):%Y-%m-%d}",
        },
    )
    contract = Contract.objects.get()
    assert response.url == f"/medical/contracts/{contract.pk}/"
    page.post(
        f"/medical/contracts/{contract.pk}/",
        {"visited_on": f"{TODAY:%Y-%m-%d}", "doctor": "王医生", "residents_seen": "12"},
    )
    patrol = Patrol.objects.get()
    assert patrol.side == "facility" and patrol.residents_seen == 12
    detail = page.get(f"/medical/contracts/{contract.pk}/").content.decode()
    assert "王医生" in detail and "本年巡诊履约" in detail
    facility_page = page.get(f"/facilities/{home.pk}/").content.decode()
    assert (
        "医养结合" in facility_page
        and "签约：周路口街道社区卫生服务中心" in facility_page
    )
    contracted = next(
        m for m in MEASURES if m.code == "medical.institutions_contracted"
    )
    assert contracted.count(TODAY, TODAY) == {home.region_id: 1}


def test_bad_contracts_are_refused_with_the_reason(home, centre, users, regions):
    with pytest.raises(ValidationFailed) as exc:
        _sign(users["bob"], home, centre, ends_on=TODAY - dt.timedelta(days=41))
    assert exc.value.errors["ends_on"] == "截止日期早于起始日期"
    first = _sign(users["bob"], home, centre)
    with pytest.raises(ValidationFailed) as exc:
        _sign(
            users["bob"],
            home,
            centre,
            starts_on=first.ends_on,
            ends_on=first.ends_on + dt.timedelta(days=365),
        )
    assert "与已有签约期限" in exc.value.errors["starts_on"]
    far = MedicalInstitution.objects.create(
        name="浮梁县人民医院", kind="hospital", region=regions["fuliang"]
    )
    with pytest.raises(ValidationFailed) as exc:
        _sign(users["admin"], home, far)
    assert exc.value.errors["institution"] == "应为本县（市、区）或上级区域的医疗机构"
    with pytest.raises(ValidationFailed) as exc:
        _sign(
            users["bob"],
            home,
            centre,
            starts_on=first.ends_on + dt.timedelta(days=1),
            ends_on=first.ends_on + dt.timedelta(days=366),
            patrols_per_month=0,
        )
    assert exc.value.errors["patrols_per_month"] == "约定定期巡诊时请填写每月巡诊次数"
    with pytest.raises(ValidationFailed) as exc:
        services.patrol_record(
            by=users["bob"],
            contract=first,
            visited_on=first.starts_on - dt.timedelta(days=1),
            doctor="",
            residents_seen=3,
        )
    assert exc.value.errors == {
        "visited_on": "巡诊日期不在签约期限内",
        "doctor": "请填写巡诊医生",
    }
    assert Contract.objects.count() == 1 and not Patrol.objects.exists()


def test_another_county_and_another_institution_get_404(home, centre, users, regions):
    contract = _sign(users["bob"], home, centre)
    dave = client_for(users["dave"])  # 浮梁县
    assert dave.get(f"/medical/contracts/{contract.pk}/").status_code == 404
    assert dave.get(f"/medical/{centre.pk}/").status_code == 404
    assert dave.get(f"/medical/contracts/new/{home.pk}/").status_code == 404
    other = Facility.objects.create(
        name="别家养老院",
        type="private_home",
        ownership="private",
        region=regions["xincun"],
    )
    stranger = make_user("stranger", "facility_admin", regions["xincun"])
    Staff.objects.create(
        name="别家院长",
        id_number_enc="",
        id_number_hash="h-stranger",
        sex="M",
        birth_date=dt.date(1970, 1, 1),
        role="director",
        hired_on=dt.date(2020, 1, 1),
        facility=other,
        user=stranger,
    )
    theirs = client_for(stranger)
    assert theirs.get(f"/medical/contracts/{contract.pk}/").status_code == 404
    assert (
        theirs.post(
            f"/medical/contracts/{contract.pk}/",
            {
                "visited_on": f"{TODAY:%Y-%m-%d}",
                "doctor": "李医生",
                "residents_seen": "3",
            },
        ).status_code
        == 404
    )
    assert not Patrol.objects.exists()
    assert client_for(users["leader"]).get("/medical/new/").status_code == 403
