"""Writes of 居家适老化改造 (issue 25 §1): application checked against the bureau's rules as data
(the item programme `shilaohua` of the benefits engine), home assessment on a phone with photos
before, a plan priced from the bureau's price list within the subsidy ceiling, the contractor's
completion with photos after, acceptance with the household's confirmation — which registers the
installed terminals and files the subsidy as a benefits claim, paid by the next cycle. Each step
refuses bad input naming the field and the reason, and writes nothing then."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.alarms.services import device_register
from yanglao.benefits import selectors as benefit_selectors
from yanglao.benefits.services import claim_file
from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.photos import photo_problem, photo_type
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.models import Provider
from yanglao.homesupport import modification as rules
from yanglao.homesupport.models import (
    ModificationProject,
    ModificationQuota,
    PriceItem,
    ProjectItem,
    ProjectPhoto,
    ProjectStep,
)
from yanglao.homesupport.selectors.modifications import (
    MODIFICATION_FINDINGS,
    MODIFICATION_PROGRAMME,
    assesses,
    builds,
    checklist_for,
    contractors_for,
)
from yanglao.visits.models import FollowUp
from yanglao.visits.services import follow_up_close

PHOTOS_PER_STAGE = 12


def _lock(project: ModificationProject, step: str) -> ModificationProject:
    current = (
        ModificationProject.objects.select_for_update(of=("self",))
        .select_related("elder", "region", "contractor")
        .get(pk=project.pk)
    )
    problem = rules.step_problem(step, current.state)
    if problem:
        raise ValidationFailed({"__all__": problem})
    return current


def _log(by, project: ModificationProject, step: str, note: str = "") -> None:
    ProjectStep.objects.create(project=project, step=step, note=note[:300], by=by)
    audit(
        by=by,
        action="update",
        obj=project,
        summary=f"{rules.STEP_NAMES.get(step, step)} {project.number} {note}"[:200],
    )


def _in_region(by, project: ModificationProject) -> None:
    if not region_path_allowed(by, project.region.path):
        raise NotInScope(project.pk)


def project_apply(
    *,
    by,
    elder,
    source: str,
    applicant_name: str,
    reason: str = "",
    assessor=None,
    follow_up: FollowUp | None = None,
    day: dt.date | None = None,
) -> ModificationProject:
    """申请: refused, with the failing conditions, for a household the bureau's rules do not
    cover; one open project per person. From a visit's finding (跌倒风险, 居住环境不安全) the
    follow-up is closed with the project's number."""
    if not permissions.may_file_modifications(by):
        raise ValidationFailed({"__all__": "您的角色不能申请居家适老化改造"})
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope(elder.pk)
    day = day or timezone.localdate()
    errors: dict[str, str] = {}
    if source not in ModificationProject.Source.values:
        errors["source"] = "请选择申请来源"
    if not (applicant_name or "").strip():
        errors["applicant_name"] = "请填写申请人姓名"
    if assessor is not None and not (
        permissions.may_assess_homes(assessor) and assessor.is_active
    ):
        errors["assessor"] = "入户评估人员应为评估员或街道、社区工作人员"
    if follow_up is not None:
        if follow_up.elder_id != elder.pk:
            errors["follow_up"] = "探访发现不是这位老人的"
        elif follow_up.status != FollowUp.Status.OPEN:
            errors["follow_up"] = "该探访发现已办结"
        elif follow_up.finding not in MODIFICATION_FINDINGS:
            errors["follow_up"] = f"“{follow_up.finding}”不是居住环境方面的发现"
    if errors:
        raise ValidationFailed(errors)
    decision = benefit_selectors.item_decision(MODIFICATION_PROGRAMME, elder, day)
    if not decision.eligible:
        unmet = "；".join(why for why, ok in decision.explanation if not ok)
        raise ValidationFailed({"elder": f"不符合居家适老化改造补贴条件：{unmet}"})
    try:
        with transaction.atomic():
            project = ModificationProject.objects.create(
                elder=elder,
                region=elder.residence_region,
                year=day.year,
                source=ModificationProject.Source.VISIT if follow_up else source,
                source_ref=f"followup:{follow_up.pk}" if follow_up else "",
                applicant_name=applicant_name.strip()[:50],
                reason=(reason or "").strip()[:300],
                eligibility=decision.text,
                applied_by=by,
                assessor=assessor,
            )
            ProjectItem.objects.bulk_create(
                ProjectItem(
                    project=project,
                    code=i.code,
                    part=i.part,
                    name=i.name,
                    basic=i.basic,
                    unit=i.unit,
                    device_type=i.device_type,
                )
                for i in checklist_for(project.region)
            )
            _log(by, project, "apply", project.get_source_display())
            if follow_up is not None:
                follow_up_close(
                    by=by,
                    follow_up=follow_up,
                    note=f"已申请居家适老化改造 {project.number}",
                )
    except IntegrityError:
        open_one = (
            ModificationProject.objects.filter(elder=elder)
            .exclude(state__in=["accepted", "withdrawn"])
            .first()
        )
        raise ValidationFailed(
            {
                "elder": f"这位老人已有未完成的改造项目 {open_one.number if open_one else ''}"
            }
        ) from None
    return project


def project_photo_add(
    *, by, project: ModificationProject, stage: str, photo, item_code: str = ""
) -> ProjectPhoto:
    """改造前 photos by whoever assesses the home, while it is being assessed; 改造后 photos by
    the contractor while building, or by the staff accepting it."""
    errors: dict[str, str] = {}
    if stage == ProjectPhoto.Stage.BEFORE:
        allowed = assesses(by, project) and project.state in (
            rules.State.APPLIED,
            rules.State.ASSESSED,
        )
        why = "入户评估时才能上传改造前照片"
    elif stage == ProjectPhoto.Stage.AFTER:
        allowed = (
            builds(by, project) and project.state == rules.State.IN_PROGRESS
        ) or (
            permissions.may_accept_modifications(by)
            and region_path_allowed(by, project.region.path)
            and project.state == rules.State.COMPLETED
        )
        why = "施工中（施工单位）或验收时才能上传改造后照片"
    else:
        raise ValidationFailed({"stage": "请选择改造前或改造后"})
    if not allowed:
        raise ValidationFailed({"__all__": why})
    if photo is None:
        errors["photo"] = "请选择照片"
    elif problem := photo_problem(photo):
        errors["photo"] = problem
    if item_code and not project.items.filter(code=item_code).exists():
        errors["item_code"] = "没有这个改造项目"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if project.photos.filter(stage=stage).count() >= PHOTOS_PER_STAGE:
            raise ValidationFailed({"photo": f"每个阶段最多 {PHOTOS_PER_STAGE} 张照片"})
        made = ProjectPhoto(
            project=project, stage=stage, item_code=item_code, taken_by=by
        )
        now = timezone.localtime()
        made.photo.save(
            f"{project.pk}-{stage}-{now:%Y%m%d%H%M%S%f}.{photo_type(photo)}",
            photo,
            save=False,
        )
        made.save()
        audit(
            by=by,
            action="create",
            obj=project,
            summary=f"上传{made.get_stage_display()}照片 {project.number}",
        )
    return made


def project_assess(
    *, by, project: ModificationProject, needs: dict[str, str], note: str = ""
) -> ModificationProject:
    """入户评估: each checklist item the home needs, with what was found (`needs`: code → 现状).
    Refused without a photo before or without any item needed."""
    if not assesses(by, project):
        if permissions.may_assess_homes(by) and permissions.is_assessor(by):
            raise NotInScope(project.pk)
        raise ValidationFailed({"__all__": "您不能为这个项目入户评估"})
    with transaction.atomic():
        current = _lock(project, "assess")
        codes = set(current.items.values_list("code", flat=True))
        errors: dict[str, str] = {}
        unknown = sorted(set(needs) - codes)
        if unknown:
            errors["needs"] = f"清单中没有这些项目：{'、'.join(unknown)}"
        elif not needs:
            errors["needs"] = "请至少勾选一项需要改造的项目"
        if not current.photos.filter(stage=ProjectPhoto.Stage.BEFORE).exists():
            errors["photo"] = "请先上传至少一张改造前照片"
        if errors:
            raise ValidationFailed(errors)
        for item in current.items.all():
            item.needed = item.code in needs
            item.note = (needs.get(item.code) or "").strip()[:200]
            item.save(update_fields=["needed", "note"])
        current.state = rules.State.ASSESSED
        current.checklist_version = rules.CHECKLIST_VERSION
        current.assessed_by, current.assessed_at = by, timezone.now()
        current.assessment_note = (note or "").strip()[:300]
        current.save()
        _log(by, current, "assess", f"需要改造 {len(needs)} 项")
    return current


def project_plan(
    *,
    by,
    project: ModificationProject,
    lines: dict[str, tuple[int, bool]],
    contractor: Provider | None,
    day: dt.date | None = None,
) -> ModificationProject:
    """改造方案: quantity and whether subsidised for each needed item (`lines`: code →
    (quantity, subsidised)), unit prices from the price list, the subsidy within the programme's
    share and ceiling, and the contractor; the project goes to 施工中."""
    if not permissions.may_plan_modifications(by):
        raise ValidationFailed({"__all__": "您的角色不能制定改造方案"})
    _in_region(by, project)
    day = day or timezone.localdate()
    with transaction.atomic():
        current = _lock(project, "plan")
        items = {i.code: i for i in current.items.all()}
        prices = {p.code: p for p in checklist_for(current.region)}
        errors: dict[str, str] = {}
        if contractor is None:
            errors["contractor"] = "请选择施工单位"
        elif not contractors_for(current.region).filter(pk=contractor.pk).exists():
            errors["contractor"] = "施工单位不在本市"
        chosen = {code: v for code, v in lines.items() if v[0]}
        if not chosen:
            errors["lines"] = "方案至少包含一个项目"
        plan_lines = []
        for code, (quantity, subsidised) in sorted(chosen.items()):
            item = items.get(code)
            if item is None or not item.needed:
                errors[f"lines.{code}"] = f"{code} 未在入户评估中列为需要改造"
                continue
            if quantity < 0 or quantity > 999:
                errors[f"lines.{code}"] = f"{item.name}：数量应在 1–999 之间"
                continue
            price = prices.get(code)
            if price is None or not price.price_fen:
                errors[f"lines.{code}"] = f"{item.name}：价格清单中没有单价"
                continue
            if subsidised and not item.basic:
                errors[f"lines.{code}"] = f"{item.name}是可选类项目，由家庭自费"
                continue
            plan_lines.append(
                rules.Line(code, item.name, quantity, price.price_fen, subsidised)
            )
        if errors:
            raise ValidationFailed(errors)
        amount, policy = benefit_selectors.item_standard(
            MODIFICATION_PROGRAMME, current.region, day
        )
        try:
            plan = rules.plan_totals(
                plan_lines,
                share_percent=amount.share_percent,
                ceiling_fen=amount.flat_fen,
            )
        except ValueError as exc:
            raise ValidationFailed({"lines": str(exc)}) from None
        for line in plan_lines:
            ProjectItem.objects.filter(project=current, code=line.code).update(
                quantity=line.quantity,
                unit_price_fen=line.unit_price_fen,
                subsidised=line.subsidised,
            )
        current.items.exclude(code__in=[line.code for line in plan_lines]).update(
            quantity=0, unit_price_fen=0, subsidised=False
        )
        current.contractor = contractor
        current.total_fen, current.subsidy_fen = plan.total_fen, plan.subsidy_fen
        current.self_pay_fen, current.policy = plan.self_pay_fen, policy[:80]
        current.planned_at = timezone.now()
        current.state = rules.State.IN_PROGRESS
        current.save()
        _log(
            by,
            current,
            "plan",
            f"{len(plan_lines)} 项，总价 {plan.total_fen / 100:,.2f} 元，补贴 {plan.subsidy_fen / 100:,.2f} 元，施工单位 {contractor.name}",
        )
    return current


def project_complete(
    *,
    by,
    project: ModificationProject,
    serials: dict[str, str] | None = None,
    note: str = "",
) -> ModificationProject:
    """施工完成, by the contractor: photos after are required, and the serial number of each
    installed terminal (紧急呼叫器, 烟感, 防走失装置)."""
    if not builds(by, project):
        raise NotInScope(project.pk)
    serials = {k: (v or "").strip() for k, v in (serials or {}).items()}
    with transaction.atomic():
        current = _lock(project, "complete")
        errors: dict[str, str] = {}
        if not current.photos.filter(stage=ProjectPhoto.Stage.AFTER).exists():
            errors["photo"] = "请先上传至少一张改造后照片"
        devices = current.items.filter(quantity__gt=0).exclude(device_type="")
        for item in devices:
            if not serials.get(item.code):
                errors[f"serials.{item.code}"] = f"请填写{item.name}的设备编号"
        if errors:
            raise ValidationFailed(errors)
        for item in devices:
            item.device_serial = serials[item.code][:40]
            item.save(update_fields=["device_serial"])
        current.state = rules.State.COMPLETED
        current.completed_at = timezone.now()
        current.save()
        _log(by, current, "complete", note)
    return current


def project_accept(
    *,
    by,
    project: ModificationProject,
    confirmed: bool,
    confirmed_by: str,
    relation: str,
    note: str = "",
    day: dt.date | None = None,
) -> ModificationProject:
    """验收: the household confirms the work (the person or a family member, named), photos
    after are on file; the installed terminals are registered to the person, and the subsidy is
    filed as a claim that the next cycle pays. All or nothing."""
    if not permissions.may_accept_modifications(by):
        raise ValidationFailed({"__all__": "您的角色不能验收改造项目"})
    _in_region(by, project)
    day = day or timezone.localdate()
    with transaction.atomic():
        current = _lock(project, "accept")
        errors: dict[str, str] = {}
        if not confirmed:
            errors["confirmed"] = "须经老年人本人或家属确认改造完成"
        if not (confirmed_by or "").strip():
            errors["confirmed_by"] = "请填写确认人姓名"
        if not (relation or "").strip():
            errors["relation"] = "请填写确认人与老年人的关系"
        if not current.photos.filter(stage=ProjectPhoto.Stage.AFTER).exists():
            errors["photo"] = "没有改造后照片，不能验收"
        if errors:
            raise ValidationFailed(errors)
        current.state = rules.State.ACCEPTED
        current.accepted_on, current.accepted_by = day, by
        current.confirmed_by = confirmed_by.strip()[:50]
        current.confirmed_relation = relation.strip()[:20]
        current.save()
        for item in current.items.filter(quantity__gt=0).exclude(device_serial=""):
            device_register(
                by=by,
                serial=item.device_serial,
                type=item.device_type,
                region=current.region,
                model=f"适老化改造 {current.number}",
                elder=current.elder,
            )
        if current.subsidy_fen:
            claim_file(
                by=by,
                programme_code=MODIFICATION_PROGRAMME,
                source=f"homesupport.modification:{current.pk}",
                title=f"居家适老化改造 {current.number}",
                region=current.region,
                elder=current.elder,
                amount_fen=current.subsidy_fen,
                explanation=_subsidy_text(current),
                day=day,
            )
        _log(
            by,
            current,
            "accept",
            f"确认人 {current.confirmed_by}（{current.confirmed_relation}）{note}".strip(),
        )
    return current


def _subsidy_text(project: ModificationProject) -> str:
    lines = [
        f"{i.name} {i.quantity}{i.unit}×{i.unit_price_fen / 100:,.2f}元"
        for i in project.items.filter(quantity__gt=0, subsidised=True)
    ]
    return (
        f"{project.policy}；验收 {project.accepted_on:%Y年%m月%d日}；补贴项目："
        f"{'、'.join(lines)}；方案总价 {project.total_fen / 100:,.2f} 元，补贴 "
        f"{project.subsidy_fen / 100:,.2f} 元，自付 {project.self_pay_fen / 100:,.2f} 元"
    )


def project_withdraw(
    *, by, project: ModificationProject, reason: str
) -> ModificationProject:
    if not permissions.may_file_modifications(by):
        raise ValidationFailed({"__all__": "您的角色不能撤销改造项目"})
    _in_region(by, project)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写撤销原因"})
    with transaction.atomic():
        current = _lock(project, "withdraw")
        current.state = rules.State.WITHDRAWN
        current.withdrawn_reason = reason.strip()[:200]
        current.save()
        _log(by, current, "withdraw", current.withdrawn_reason)
    return current


def quota_set(*, by, region, year: int, households: int) -> ModificationQuota:
    """年度任务 of a region (the city's 500, a county's share)."""
    if not permissions.may_set_modification_quota(by):
        raise ValidationFailed({"__all__": "只有民政局可以下达改造任务"})
    if not region_path_allowed(by, region.path):
        raise NotInScope(region.pk)
    if not 0 <= households <= 100_000:
        raise ValidationFailed({"households": "任务户数应在 0–100000 之间"})
    quota, _ = ModificationQuota.objects.update_or_create(
        region=region, year=year, defaults={"households": households}
    )
    audit(
        by=by,
        action="update",
        obj=quota,
        summary=f"{year}年{region.name}适老化改造任务 {households} 户",
    )
    return quota


def price_list_adopt(*, by, region, prices: dict[str, int]) -> int:
    """The bureau's price list for `region`: the national items (and its own local ones
    already listed) at the unit prices given (分); items not given keep their price."""
    if not permissions.may_set_modification_quota(by):
        raise ValidationFailed({"__all__": "只有民政局可以制定价格清单"})
    if not region_path_allowed(by, region.path):
        raise NotInScope(region.pk)
    errors = {
        f"prices.{code}": "单价应为 0–1000000 元之间的金额"
        for code, fen in prices.items()
        if not isinstance(fen, int) or not 0 <= fen <= 100_000_000
    }
    errors |= {
        f"prices.{code}": "国家推荐清单中没有这个项目"
        for code in prices
        if code not in rules.BY_CODE
        and not PriceItem.objects.filter(region=region, code=code).exists()
    }
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for item in rules.NATIONAL_ITEMS:
            PriceItem.objects.get_or_create(
                region=region,
                code=item.code,
                defaults=dict(
                    part=item.part,
                    name=item.name,
                    basic=item.basic,
                    unit=item.unit,
                    price_fen=0,
                    device_type=item.device_type,
                ),
            )
        for code, fen in prices.items():
            PriceItem.objects.filter(region=region, code=code).update(price_fen=fen)
    audit(
        by=by,
        action="update",
        object_type="homesupport.priceitem",
        summary=f"{region.name}适老化改造价格清单：{len(prices)} 项定价",
    )
    return len(prices)
