"""填报: a figure the platform does not hold is entered with its evidence, approved by another
clerk, and then counts as the period's value marked 填报; bad reports change nothing."""

import pytest

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.core.models import AuditEntry
from yanglao.indicators import services
from yanglao.indicators.models import Indicator, Report, Value

pytestmark = pytest.mark.django_db


def _submit(user, region, **over):
    values = {
        "indicator": Indicator.objects.get(code="JDZ-14"),
        "region": region,
        "period": "2025",
        "numerator": 5_600_000,
        "denominator": 9_000_000,
        "evidence": "景财社〔2026〕12号",
    }
    values.update(over)
    return services.report_submit(by=user, **values)


def test_a_clerk_reports_and_another_approves(small_city, users):
    city = small_city["regions"]["city"]
    report = _submit(users["alice"], city)
    with pytest.raises(ValidationFailed, match="不能审核自己填报"):
        services.report_decide(by=users["alice"], report=report, approve=True)
    assert not Value.objects.filter(period="2025", region=city).exists()
    services.report_decide(by=users["admin"], report=report, approve=True)
    value = Value.objects.get(indicator__code="JDZ-14", region=city, period="2025")
    assert value.source == "reported" and value.value == pytest.approx(62.222, abs=1e-3)
    assert AuditEntry.objects.filter(object_type__contains="report").count() >= 2
    with pytest.raises(
        ValidationFailed, match="该填报已通过"
    ):  # a stale page decides once
        services.report_decide(
            by=users["admin"], report=report, approve=False, reason="x"
        )


@pytest.mark.parametrize(
    ("over", "field", "reason"),
    [
        ({"indicator": "JDZ-10"}, "indicator", "系统根据业务数据计算"),
        ({"numerator": 10, "denominator": 5}, "numerator", "超过 100%"),
        ({"period": "2099"}, "period", "不能晚于今天"),
        ({"period": "2025-13"}, "period", "超出范围"),
        ({"denominator": None}, "denominator", "须填写大于 0 的分母"),
        ({"evidence": "  "}, "evidence", "数据依据"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field(
    small_city, users, over, field, reason
):
    if "indicator" in over:
        over["indicator"] = Indicator.objects.get(code=over["indicator"])
    with pytest.raises(ValidationFailed) as refused:
        _submit(users["alice"], small_city["regions"]["city"], **over)
    assert reason in refused.value.errors[field]
    assert not Report.objects.exists()


def test_a_return_needs_a_reason_and_the_page_shows_the_queue(small_city, users):
    report = _submit(users["alice"], small_city["regions"]["city"])
    with pytest.raises(ValidationFailed, match="写明原因"):
        services.report_decide(by=users["admin"], report=report, approve=False)
    admin = client_for(users["admin"])
    page = admin.get("/indicators/reports/?state=pending").content.decode()
    assert "福彩公益金用于养老服务占比" in page and "景财社〔2026〕12号" in page
    response = admin.post(
        f"/indicators/reports/{report.pk}/decide/",
        {"decision": "reject", "reason": "缺少附件"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "rejected" and report.reason == "缺少附件"


def test_the_report_form_explains_its_errors_in_chinese(small_city, users):
    alice = client_for(users["alice"])
    page = alice.post(
        "/indicators/reports/new/",
        {
            "indicator": Indicator.objects.get(code="JDZ-14").pk,
            "region": "999999",
            "period": "2025",
            "numerator": "1",
            "denominator": "2",
            "evidence": "x",
        },
    ).content.decode()
    assert "区划代码 999999 不存在" in page and not Report.objects.exists()
    # a street clerk may not report at all
    from yanglao.conftest import make_user

    street = make_user("st", "street", small_city["regions"]["street"])
    assert client_for(street).get("/indicators/reports/new/").status_code == 403
