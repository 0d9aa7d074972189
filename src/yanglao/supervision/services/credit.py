"""信用: the credit record (append-only; every inspection, upheld complaint, prepaid-fee
violation, penalty, grade and evaluation writes its entry), the credit level read from it
(supervision.credit), and the red and black lists with their entry and exit rules. A black-listed
provider takes no new government-purchased orders (core.sanctions, asked by home care)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.core import sanctions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.supervision import credit as rules
from yanglao.supervision.models import CreditEntry, ListEntry, Rectification
from yanglao.supervision.selectors import credit_entries, current_grade, standing_of
from yanglao.supervision.services.draws import _ensure_supervisor


def credit_record(
    *,
    facility=None,
    provider=None,
    kind: str,
    day: dt.date,
    text: str,
    source: str = "",
    points: int | None = None,
    by=None,
    person: tuple[str, str] | None = None,
) -> CreditEntry:
    """Append one fact to a subject's credit record — an institution, a provider, or a
    responsible person (name, identity hash) —; points default to the kind's."""
    if kind not in rules.KINDS:
        raise ValidationFailed({"kind": "未知的信用记录类别"})
    if sum(x is not None for x in (facility, provider, person)) != 1:
        raise ValidationFailed({"__all__": "信用记录须对应一个机构、服务商或负责人"})
    made = CreditEntry.objects.create(
        facility=facility,
        provider=provider,
        person_name=person[0][:50] if person else "",
        person_hash=person[1] if person else "",
        kind=kind,
        points=rules.KINDS[kind][1] if points is None else points,
        day=day,
        text=text[:300],
        source=source[:40],
        recorded_by=by,
    )
    return made


def _entries(facility=None, provider=None) -> list[rules.Entry]:
    rows = credit_entries(facility=facility, provider=provider).values_list(
        "day", "kind", "points"
    )
    return [rules.Entry(d, k, p) for d, k, p in rows]


def _subject_region_path(facility, provider) -> str:
    return (facility or provider).region.path


def commitment_sign(*, by, facility=None, provider=None) -> CreditEntry:
    """信用承诺 at 备案: the institution's (or provider's) own account signs the commitment once;
    it stands on the credit record (no points: a promise, not a fact)."""
    from yanglao.core import permissions
    from yanglao.facilities.selectors import facility_ids_in_scope

    subject = facility or provider
    if facility is not None and not (
        permissions.may_answer_rectification(by)
        and facility_ids_in_scope(by).filter(pk=facility.pk).exists()
    ):
        raise ValidationFailed({"__all__": "信用承诺由机构本身签署"})
    if provider is not None:
        raise ValidationFailed(
            {"__all__": "服务商的信用承诺在服务商管理中签署（尚未提供）"}
        )
    if credit_entries(facility=facility).filter(kind="commitment").exists():
        raise ValidationFailed({"__all__": "已签署信用承诺"})
    made = credit_record(
        facility=facility,
        kind="commitment",
        day=timezone.localdate(),
        text=f"{subject.name} 签署信用承诺书：依法诚信经营，如实报送信息，接受社会监督",
        by=by,
    )
    audit(by=by, action="create", obj=made, summary="签署信用承诺")
    return made


def list_enter(
    *, by, kind: str, reason: str, facility=None, provider=None
) -> ListEntry:
    """Put a subject on the red or black list. Black needs grounds under the rules (named in
    the refusal when there are none); red needs none of the blockers; a reason is always kept."""
    _ensure_supervisor(by)
    if (facility is None) == (provider is None):
        raise ValidationFailed({"__all__": "请选择一个机构或一个服务商"})
    if not region_path_allowed(by, _subject_region_path(facility, provider)):
        raise NotInScope((facility or provider).pk)
    if kind not in ListEntry.Kind.values:
        raise ValidationFailed({"kind": "请选择红名单或黑名单"})
    if len((reason or "").strip()) < 4:
        raise ValidationFailed({"reason": "请写明列入理由和依据"})
    today = timezone.localdate()
    entries = _entries(facility, provider)
    level = rules.standing(entries, today).level
    if kind == ListEntry.Kind.BLACK:
        if not rules.black_list_grounds(level, entries, today):
            raise ValidationFailed(
                {
                    "kind": "不符合列入黑名单的情形（信用等级 D、近两年行政处罚或两次以上预收费违规）"
                }
            )
    else:
        grade = None
        if facility is not None:
            found = current_grade(facility)
            grade = found.level if found else 0
        blockers = rules.red_list_blockers(level, grade, entries, today)
        if blockers:
            raise ValidationFailed({"kind": "不能列入红名单：" + "；".join(blockers)})
    with transaction.atomic():
        if ListEntry.objects.filter(
            kind=kind, facility=facility, provider=provider, ended_on__isnull=True
        ).exists():
            raise ValidationFailed({"kind": "已在该名单中"})
        made = ListEntry.objects.create(
            kind=kind,
            facility=facility,
            provider=provider,
            reason=reason.strip()[:300],
            started_on=today,
            decided_by=by,
        )
        audit(
            by=by,
            action="create",
            obj=made,
            summary=f"列入{made.get_kind_display()}：{made.subject}",
        )
    return made


def list_end(*, by, entry: ListEntry, reason: str) -> ListEntry:
    """Take a subject off a list. Off the black list only when the exit rules allow it."""
    _ensure_supervisor(by)
    if not region_path_allowed(
        by, _subject_region_path(entry.facility, entry.provider)
    ):
        raise NotInScope(entry.pk)
    if entry.ended_on is not None:
        raise ValidationFailed({"__all__": "已移出名单"})
    if len((reason or "").strip()) < 4:
        raise ValidationFailed({"reason": "请写明移出理由"})
    today = timezone.localdate()
    if entry.kind == ListEntry.Kind.BLACK:
        level = standing_of(facility=entry.facility, provider=entry.provider).level
        open_ = (
            Rectification.objects.filter(facility=entry.facility)
            .exclude(state=Rectification.State.CLOSED)
            .count()
            if entry.facility_id
            else 0
        )
        blockers = rules.black_list_exit_blockers(entry.started_on, level, open_, today)
        if blockers:
            raise ValidationFailed(
                {"__all__": "暂不能移出黑名单：" + "；".join(blockers)}
            )
    entry.ended_on, entry.ended_by, entry.end_reason = today, by, reason.strip()[:300]
    entry.save(update_fields=["ended_on", "ended_by", "end_reason"])
    audit(by=by, action="event", obj=entry, summary=f"移出{entry.get_kind_display()}")
    return entry


def barred(kind: str, pk: int, act: str) -> str:
    """core.sanctions check (联合惩戒): a subject on the black list takes no new
    government-purchased orders and its subsidies are held; a provider whose last yearly
    evaluation was 不合格 takes no new government-purchased orders until it is evaluated again
    (the evaluation is 政府购买服务的重要依据, Jingdezhen 三.(八).1)."""
    if act not in (sanctions.GOVERNMENT_ORDERS, sanctions.SUBSIDIES):
        return ""
    field = {"provider": "provider_id", "facility": "facility_id"}.get(kind)
    if field is None:
        return ""
    entry = (
        ListEntry.objects.filter(
            kind=ListEntry.Kind.BLACK, ended_on__isnull=True, **{field: pk}
        )
        .only("started_on")
        .first()
    )
    if entry is not None:
        barred_from = (
            "暂停拨付补贴" if act == sanctions.SUBSIDIES else "不能承接政府购买服务"
        )
        return f"已于 {entry.started_on:%Y-%m-%d} 列入失信黑名单，联合惩戒期间{barred_from}"
    if act == sanctions.GOVERNMENT_ORDERS:
        from yanglao.supervision.models import Evaluation

        last = (
            Evaluation.objects.filter(**{field: pk})
            .order_by("-year")
            .only("year", "result")
            .first()
        )
        if last is not None and last.result == "不合格":
            return f"{last.year} 年度服务质量评价不合格，暂停承接政府购买服务"
    return ""
