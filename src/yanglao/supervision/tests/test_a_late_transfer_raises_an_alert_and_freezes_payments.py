"""预收费 custody: the institution uploads its custody bank's statement; every rule is checked on
upload; a collection not moved into custody by the next working day raises an alert to the bureau
and freezes payments out until the bureau has handled it; a statement with a bad cell is refused
whole, naming the row and column, and changes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.conftest import client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.models import (
    CreditEntry,
    CustodyAccount,
    PrepaidAlert,
    Statement,
)
from yanglao.supervision.tests.people import make_director

pytestmark = pytest.mark.django_db
HEADER = "日期,类别,金额（元）,老人编号,收费项目,关联号"


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="颐和养老院",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )


@pytest.fixture
def account(home, users):
    return services.account_open(
        by=users["bob"],
        facility=home,
        bank="中国建设银行",
        account_tail="3021",
        floor_fen=1_000_000,
        net_fixed_assets_fen=None,
        monthly_bed_fen=150_000,
        monthly_care_fen=100_000,
        monthly_meal_fen=50_000,
        opened_on=dt.date(2026, 1, 1),
    )


@pytest.fixture
def director(home, regions):
    user = make_director(home)
    return user


def statement(*rows: str) -> SimpleUploadedFile:
    text = "\n".join([HEADER, *rows])
    return SimpleUploadedFile("流水.csv", text.encode("utf-8"), "text/csv")


GOOD = (
    "2026-11-02,收取,30000,,,开户",
    "2026-11-02,收取,4500,R1,床位费,",
    "2026-11-03,账户外收取,3000,R2,照料护理费,T1",
    "2026-11-04,转入托管账户,3000,R2,,T1",
)


def test_a_clean_statement_raises_nothing(account, director):
    page = client_for(director).post(
        f"/supervision/prepaid/{account.pk}/",
        {"action": "upload", "file": statement(*GOOD)},
        follow=True,
    )
    text = page.content.decode()
    assert "已导入 4 笔流水，未发现问题" in text
    account.refresh_from_db()
    assert account.frozen is False
    assert account.statements.get().balance_fen == 3_750_000


def test_a_late_transfer_alerts_the_bureau_and_freezes_payments_out(
    account, director, users
):
    # Friday's cash reaches custody the next Thursday: the next working day was Monday.
    late = (
        *GOOD,
        "2026-11-06,账户外收取,2700,R3,餐费,T2",
        "2026-11-12,转入托管账户,2700,R3,,T2",
    )
    client_for(director).post(
        f"/supervision/prepaid/{account.pk}/",
        {"action": "upload", "file": statement(*late)},
    )
    account.refresh_from_db()
    assert account.frozen and "未按时转入托管账户" in account.frozen_reason
    alert = PrepaidAlert.objects.get(account=account)
    assert (alert.rule, alert.line, alert.resident) == ("未按时转入托管账户", 6, "R3")
    assert (
        CreditEntry.objects.get(facility=account.facility).kind == "prepaid_violation"
    )
    bureau = client_for(users["bob"])
    listed = bureau.get("/supervision/prepaid/?frozen=1").content.decode()
    assert "颐和养老院" in listed
    risky = bureau.get("/supervision/prepaid/?frozen=fundraising").content.decode()
    assert "颐和养老院" not in risky  # a late transfer is not a 非法集资 sign
    page = bureau.get(f"/supervision/prepaid/{account.pk}/").content.decode()
    assert "未按时转入托管账户" in page and "2026-11-06 的 2700.00 元" in page
    with pytest.raises(ValidationFailed, match="未处置"):
        services.account_unfreeze(by=users["bob"], account=account, note="已核实整改")
    bureau.post(
        f"/supervision/prepaid/{account.pk}/",
        {
            "action": "close",
            "alert": alert.pk,
            "note": "约谈机构负责人，已补转并说明原因",
        },
    )
    services.account_unfreeze(by=users["bob"], account=account, note="预警已处置")
    account.refresh_from_db()
    assert account.frozen is False


def test_a_bad_cell_refuses_the_whole_statement(account, director):
    page = (
        client_for(director)
        .post(
            f"/supervision/prepaid/{account.pk}/",
            {
                "action": "upload",
                "file": statement(*GOOD, "2026-11-31,收取,12,R1,床位费,"),
            },
            follow=True,
        )
        .content.decode()
    )
    assert "第6行“日期”" in page
    assert Statement.objects.count() == 0 and PrepaidAlert.objects.count() == 0


def test_the_same_statement_twice_is_refused(account, director):
    client = client_for(director)
    url = f"/supervision/prepaid/{account.pk}/"
    client.post(url, {"action": "upload", "file": statement(*GOOD)})
    page = client.post(
        url, {"action": "upload", "file": statement(*GOOD)}, follow=True
    ).content.decode()
    assert "这份流水已上传过" in page
    assert Statement.objects.count() == 1


def test_another_institution_cannot_open_or_upload(account, regions):
    stranger = make_user("dir2", "facility_admin", regions["street"])
    client = client_for(stranger)
    assert client.get(f"/supervision/prepaid/{account.pk}/").status_code == 404
    response = client.post(
        f"/supervision/prepaid/{account.pk}/",
        {"action": "upload", "file": statement(*GOOD)},
    )
    assert response.status_code == 404
    assert Statement.objects.count() == 0


def test_the_bureau_registers_an_account_with_its_errors_named(home, users):
    client = client_for(users["bob"])
    page = client.post(
        "/supervision/prepaid/",
        {
            "facility": home.pk,
            "bank": "农业银行",
            "account_tail": "12a4",
            "opened_on": "2026-01-01",
            "floor": "abc",
            "bed": "1500",
        },
    ).content.decode()
    assert "金额格式不正确：abc" in page
    assert not CustodyAccount.objects.exists()
    page = client.post(
        "/supervision/prepaid/",
        {
            "facility": home.pk,
            "bank": "农业银行",
            "account_tail": "12a4",
            "opened_on": "2026-01-01",
            "floor": "10000",
            "bed": "1500",
        },
    ).content.decode()
    assert "请填写账号后四位数字" in page
    assert not CustodyAccount.objects.exists()
    response = client.post(
        "/supervision/prepaid/",
        {
            "facility": home.pk,
            "bank": "农业银行",
            "account_tail": "1234",
            "opened_on": "2026-01-01",
            "floor": "10000",
            "bed": "1500",
        },
    )
    assert response.status_code == 302


def test_membership_cards_sold_in_bulk_put_the_account_on_the_risk_list(
    account, director, users
):
    cards = [f"2026-11-{2 + i // 3:02d},收取,5000,M{i},会员费," for i in range(24)]
    client_for(director).post(
        f"/supervision/prepaid/{account.pk}/",
        {"action": "upload", "file": statement("2026-11-02,收取,30000,,,开户", *cards)},
    )
    risky = client_for(users["bob"]).get("/supervision/prepaid/?frozen=fundraising")
    assert "颐和养老院" in risky.content.decode()
    alert = PrepaidAlert.objects.get(account=account)
    assert alert.rule == "集中销售会员卡" and alert.freezing
