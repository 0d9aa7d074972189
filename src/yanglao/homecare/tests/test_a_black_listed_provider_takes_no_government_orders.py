"""联合惩戒: a provider the bureau put on the black list (on the rules' grounds) takes no new
government-purchased order (服务券) while listed; orders its customers pay themselves go on; taken
off the list (when the exit rules allow), it takes them again."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.core.errors import ValidationFailed
from yanglao.homecare.tests.test_orders import _place
from yanglao.supervision import services as supervision
from yanglao.supervision.models import ListEntry

pytestmark = pytest.mark.django_db


def test_a_black_listed_provider_is_refused_voucher_orders(hc, users):
    bureau = users["alice"]
    with pytest.raises(ValidationFailed, match="不符合列入黑名单的情形"):
        supervision.list_enter(
            by=bureau, kind="black", reason="多次投诉", provider=hc["provider"]
        )
    supervision.credit_record(
        provider=hc["provider"],
        kind="penalty",
        day=timezone.localdate(),
        text="虚报服务时长骗取服务券资金，罚款 2 万元",
        by=bureau,
    )
    entry = supervision.list_enter(
        by=bureau,
        kind="black",
        reason="虚报服务时长骗取服务券资金（行政处罚决定书 景民罚〔2026〕3号）",
        provider=hc["provider"],
    )
    with pytest.raises(ValidationFailed) as refused:
        _place(hc, voucher=hc["voucher"])
    assert "列入失信黑名单" in refused.value.errors["provider"]
    assert (
        _place(hc).voucher_id is None
    )  # paid by the family: not a government purchase
    with pytest.raises(ValidationFailed, match="列入未满 1 年"):
        supervision.list_end(by=bureau, entry=entry, reason="已整改完毕")
    ListEntry.objects.filter(pk=entry.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=800)
    )
    entry.refresh_from_db()
    supervision.list_end(by=bureau, entry=entry, reason="惩戒期满，信用修复")
    assert _place(hc, voucher=hc["voucher"], when=None).voucher_id is not None


def test_a_provider_evaluated_unqualified_takes_no_voucher_orders(hc, users):
    """The yearly evaluation is the basis of government purchase (Jingdezhen 三.(八).1): three
    upheld complaints and untrained staff make 不合格, and voucher orders stop until the next one."""
    from yanglao.homecare import services as homecare
    from yanglao.supervision.models import Complaint

    order = _place(hc)
    for text in ("迟到一小时", "没有洗澡就签退", "态度恶劣，骂老人"):
        homecare.complaint_file(by=hc["family"], order=order, text=text)
    for complaint in Complaint.objects.all():
        supervision.complaint_answer(
            by=users["alice"],
            complaint=complaint,
            answer="经查属实，已约谈",
            upheld=True,
        )
    made = supervision.evaluation_run(
        by=users["alice"], provider=hc["provider"], year=timezone.localdate().year
    )
    parts = {p["name"]: p for p in made.parts}
    assert parts["投诉"]["points"] == 5 and parts["员工年度培训率"]["note"] == "0/4"
    assert parts["服务满意度"]["note"] == "本年无服务评价，按 80% 计"
    assert (made.result, made.score) == ("不合格", 57.0)
    with pytest.raises(ValidationFailed) as refused:
        _place(hc, voucher=hc["voucher"])
    assert "年度服务质量评价不合格" in refused.value.errors["provider"]
