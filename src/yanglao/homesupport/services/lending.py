"""Writes of 康复辅具 lending: points and devices (入库), lending to a person who may borrow, taking
back, cleaning/disinfection and inspection before the next loan, repair and write-off. Each step
checks the device's state (homesupport.rules.MOVES), writes the device's log, and refuses bad
input with the field and the reason, writing nothing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.idnumber import age_on
from yanglao.core.scope import region_path_allowed
from yanglao.elders.selectors import elder_categories_active
from yanglao.homesupport import rules
from yanglao.homesupport.models import (
    AidDevice,
    DeviceLog,
    LendingPoint,
    Loan,
    WaitingRequest,
)
from yanglao.regions.selectors import region_for_input

ACTION_OF = {
    "lend": DeviceLog.Action.LEND,
    "return": DeviceLog.Action.RETURN,
    "pass": DeviceLog.Action.PASS,
    "fail": DeviceLog.Action.FAIL,
    "repaired": DeviceLog.Action.REPAIRED,
    "write_off": DeviceLog.Action.WRITE_OFF,
}


def _require(by) -> None:
    if not permissions.may_lend_aids(by):
        raise ValidationFailed({"__all__": "您的角色不能办理康复辅具借用"})


def _in_scope(by, point: LendingPoint) -> None:
    if not region_path_allowed(by, point.region.path):
        raise NotInScope(point.pk)


def point_create(
    *, by, name: str, region: str, address: str = "", phone: str = ""
) -> LendingPoint:
    _require(by)
    errors: dict[str, str] = {}
    found = region_for_input(by, region, "region", errors)
    if not (name or "").strip():
        errors["name"] = "请填写借用点名称"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            point = LendingPoint.objects.create(
                name=name.strip()[:100],
                region=found,
                address=address.strip()[:200],
                phone=phone.strip()[:20],
            )
            audit(
                by=by,
                action="create",
                obj=point,
                summary=f"设立辅具借用点 {point.name}",
            )
    except IntegrityError:
        raise ValidationFailed({"name": "本区域已有同名借用点"}) from None
    return point


def device_add(
    *,
    by,
    point: LendingPoint,
    kind: str,
    serial: str,
    acquired_on: dt.date,
    deposit_fen: int = 0,
    condition: str = AidDevice.Condition.NEW,
) -> AidDevice:
    """入库: a device with its own serial number (unique across the city)."""
    _require(by)
    _in_scope(by, point)
    errors = {}
    if kind not in AidDevice.Kind.values:
        errors["kind"] = "请选择辅具类别"
    if not (serial or "").strip():
        errors["serial"] = "请填写辅具编号"
    elif AidDevice.objects.filter(serial=serial.strip()).exists():
        errors["serial"] = "该编号已登记"
    if condition not in AidDevice.Condition.values:
        errors["condition"] = "请选择成色"
    if acquired_on > timezone.localdate():
        errors["acquired_on"] = "入库日期不能在未来"
    if deposit_fen < 0:
        errors["deposit_fen"] = "押金不能为负数"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        device = AidDevice.objects.create(
            point=point,
            kind=kind,
            serial=serial.strip()[:40],
            acquired_on=acquired_on,
            deposit_fen=deposit_fen,
            condition=condition,
        )
        DeviceLog.objects.create(device=device, action=DeviceLog.Action.ADD, by=by)
    return device


def _locked(by, device_id: int) -> AidDevice:
    device = (
        AidDevice.objects.select_for_update()
        .select_related("point__region")
        .filter(pk=device_id)
        .first()
    )
    if device is None:
        raise NotInScope(device_id)
    _in_scope(by, device.point)
    return device


def _step(by, device: AidDevice, action: str, note: str = "") -> None:
    target = rules.move(device.state, action)
    if target is None:
        raise ValidationFailed(
            {
                "__all__": f"该辅具当前“{device.get_state_display()}”，不能{DeviceLog.Action(ACTION_OF[action]).label}"
            }
        )
    device.state = target
    device.save(update_fields=["state"])
    DeviceLog.objects.create(
        device=device, action=ACTION_OF[action], by=by, note=(note or "")[:200]
    )


def loan_create(*, by, device_id: int, elder, lent_on: dt.date | None = None) -> Loan:
    """借出: the device must be 可借用 (a returned one is cleaned and inspected first) and the
    person must be able to borrow (homesupport.rules.lending_problem); the deposit is waived
    for 特困 and 低保."""
    _require(by)
    lent_on = lent_on or timezone.localdate()
    if lent_on > timezone.localdate():
        raise ValidationFailed({"lent_on": "借出日期不能在未来"})
    if elder.status != "active":
        raise ValidationFailed(
            {"elder": f"该老人状态为“{elder.get_status_display()}”，不能借用"}
        )
    categories = _categories(elder)
    problem = _borrower_problem(elder, lent_on, categories)
    if problem:
        raise ValidationFailed({"elder": problem})
    with transaction.atomic():
        device = _locked(by, device_id)
        _step(by, device, "lend", f"借给 {elder.name}")
        loan = Loan.objects.create(
            device=device,
            elder=elder,
            lent_on=lent_on,
            due_on=rules.due_on(lent_on),
            deposit_fen=rules.deposit_due(categories, device.deposit_fen),
            lent_by=by,
        )
        WaitingRequest.objects.filter(
            point=device.point,
            elder=elder,
            kind=device.kind,
            status=WaitingRequest.Status.WAITING,
        ).update(status=WaitingRequest.Status.SERVED, served_on=lent_on)
        audit(by=by, action="create", obj=loan, summary=f"借出{device}给{elder.name}")
    return loan


def loan_return(
    *, by, device_id: int, returned_on: dt.date | None = None, note: str = ""
) -> Loan:
    """归还: only a device on loan; it goes to 待清洁消毒 and cannot be lent until it passes."""
    _require(by)
    returned_on = returned_on or timezone.localdate()
    with transaction.atomic():
        device = _locked(by, device_id)
        loan = (
            Loan.objects.filter(device=device, returned_on__isnull=True)
            .select_related("elder")
            .first()
        )
        if loan is None or device.state != rules.ON_LOAN:
            raise ValidationFailed(
                {
                    "__all__": f"该辅具当前“{device.get_state_display()}”，不在借出中，无法归还"
                }
            )
        if returned_on < loan.lent_on or returned_on > timezone.localdate():
            raise ValidationFailed({"returned_on": "归还日期应在借出日期与今天之间"})
        _step(by, device, "return", note or f"{loan.elder.name} 归还")
        loan.returned_on = returned_on
        loan.save(update_fields=["returned_on"])
        audit(
            by=by, action="update", obj=loan, summary=f"{loan.elder.name} 归还{device}"
        )
    return loan


def device_step(*, by, device_id: int, action: str, note: str = "") -> AidDevice:
    """清洁消毒后检验合格 (pass) or 不合格送修 (fail), 维修完成 (repaired), 报废 (write_off, with
    the reason)."""
    _require(by)
    if action not in ("pass", "fail", "repaired", "write_off"):
        raise ValidationFailed({"action": "未知的操作"})
    if action in ("fail", "write_off") and not (note or "").strip():
        raise ValidationFailed({"note": "请填写原因"})
    with transaction.atomic():
        device = _locked(by, device_id)
        _step(by, device, action, note)
    return device


def _borrower_problem(elder, on: dt.date, categories: frozenset[str]) -> str:
    holding = Loan.objects.filter(elder=elder, returned_on__isnull=True).count()
    return rules.lending_problem(
        rules.Borrower(
            age_on(elder.birth_date, on), elder.ability_level, categories, holding
        )
    )


def _categories(elder) -> frozenset[str]:
    return frozenset(c.category for c in elder_categories_active(elder))


def waiting_add(*, by, point: LendingPoint, elder, kind: str) -> WaitingRequest:
    """候借登记: only a person who may borrow, for a kind the point lends, once at a time."""
    _require(by)
    _in_scope(by, point)
    today = timezone.localdate()
    errors = {}
    if kind not in AidDevice.Kind.values:
        errors["kind"] = "请选择辅具类别"
    problem = _borrower_problem(elder, today, _categories(elder))
    if problem:
        errors["elder"] = problem
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            request = WaitingRequest.objects.create(
                point=point, elder=elder, kind=kind, requested_on=today
            )
            audit(
                by=by,
                action="create",
                obj=request,
                summary=f"{elder.name} 候借{request.get_kind_display()}",
            )
    except IntegrityError:
        raise ValidationFailed({"kind": "该老人已在等候此类辅具"}) from None
    return request
