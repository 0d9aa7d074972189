"""Terminals (智能终端): registering, binding to an older person and unbinding (with history),
resetting, personal alarm thresholds."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from yanglao.alarms import adapters, rules
from yanglao.alarms.models import (
    FACILITY_DETECTOR_TYPES,
    Binding,
    Device,
    DeviceType,
    Gateway,
    Threshold,
)
from yanglao.alarms.services.secrets import SERIAL_RE, hash_secret
from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.elders.models import Elder

# --- terminals ------------------------------------------------------------------------------------


def _require_device_manager(by) -> None:
    if not permissions.may_manage_devices(by) and not sees_everything(by):
        raise ValidationFailed({"__all__": "您的角色不能登记或绑定终端"})


def _require_in_scope(by, region) -> None:
    if not region_path_allowed(by, region.path):
        raise NotInScope


def _elder_in_scope(by, elder: Elder) -> None:
    _require_in_scope(by, elder.residence_region)


def device_register(
    *,
    by,
    serial: str,
    type: str,
    region,
    vendor: str = "yanglao",
    model: str = "",
    gateway: Gateway | None = None,
    elder: Elder | None = None,
) -> tuple[Device, str]:
    """Register a terminal; returns it and its secret (shown once: only its hash is kept)."""
    _require_device_manager(by)
    _require_in_scope(by, region)
    errors = {}
    serial = (serial or "").strip()
    if not SERIAL_RE.match(serial):
        errors["serial"] = "设备编号应为 3–40 位字母、数字、短横线或下划线"
    elif Device.objects.filter(serial=serial).exists():
        errors["serial"] = f"设备编号 {serial} 已登记"
    if type not in DeviceType.values:
        errors["type"] = "未知的终端类型"
    if vendor not in adapters.VENDORS:
        errors["vendor"] = "未知的消息格式"
    if gateway is not None and gateway.vendor != vendor:
        errors["gateway"] = "网关的消息格式与终端不一致"
    if errors:
        raise ValidationFailed(errors)
    if elder is not None:
        _elder_in_scope(by, elder)
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        device = Device.objects.create(
            serial=serial,
            type=type,
            vendor=vendor,
            model=model[:60],
            gateway=gateway,
            region=elder.residence_region if elder else region,
            secret_hash=hash_secret(secret),
            registered_by=by if getattr(by, "pk", None) else None,
        )
        audit_create(by=by, obj=device, summary=f"登记终端 {serial}")
        if elder is not None:
            _bind(by, device, elder, "")
    return device, secret


def device_secret_reset(*, by, device: Device) -> str:
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    secret = secrets.token_urlsafe(24)
    Device.objects.filter(pk=device.pk).update(secret_hash=hash_secret(secret))
    audit(
        by=by, action="update", obj=device, summary=f"重置终端 {device.serial} 的密钥"
    )
    return secret


def _bind(by, device: Device, elder: Elder | None, note: str, facility=None) -> None:
    """Bind to a person, or install in an institution; the device moves to their region."""
    Binding.objects.create(
        device=device,
        elder=elder,
        facility=facility,
        bound_by=by if getattr(by, "pk", None) else None,
        note=note[:200],
    )
    if facility is not None:
        moved, what = {"facility": facility, "region": facility.region}, "安装于"
    else:
        moved, what = {"elder": elder, "region": elder.residence_region}, "绑定"
    Device.objects.filter(pk=device.pk).update(**moved)
    subject = facility or elder
    audit(
        by=by,
        action="update",
        obj=device,
        summary=f"终端 {device.serial} {what} {subject.name}",
    )


@transaction.atomic
def device_bind(*, by, device: Device, elder: Elder, note: str = "") -> None:
    """Bind a terminal to an older person (unbinding whoever had it)."""
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    _elder_in_scope(by, elder)
    if elder.status != "active":
        raise ValidationFailed({"elder": "该老人档案已注销，不能绑定终端"})
    if device.elder_id == elder.pk:
        raise ValidationFailed({"elder": "终端已绑定该老人"})
    if device.elder_id or device.facility_id:
        _unbind(by, device, "改绑")
    _bind(by, device, elder, note)


def _unbind(by, device: Device, note: str) -> None:
    Binding.objects.filter(device=device, unbound_at__isnull=True).update(
        unbound_at=timezone.now(), unbound_by=by if getattr(by, "pk", None) else None
    )
    Device.objects.filter(pk=device.pk).update(elder=None, facility=None)
    audit(
        by=by,
        action="update",
        obj=device,
        summary=f"终端 {device.serial} 解绑（{note}）",
    )


@transaction.atomic
def device_bind_facility(*, by, device: Device, facility, note: str = "") -> None:
    """Install a fire detector (烟感、燃气) in an institution: its alarms are about the
    institution, answered by the operator centre of the institution's area (issue 23 §10)."""
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    _require_in_scope(by, facility.region)
    if device.type not in FACILITY_DETECTOR_TYPES:
        raise ValidationFailed(
            {"facility": "只有烟感、燃气探测器可以安装到机构；其他终端请绑定老人"}
        )
    if facility.closed_on is not None:
        raise ValidationFailed({"facility": "该机构已停业"})
    if device.facility_id == facility.pk:
        raise ValidationFailed({"facility": "终端已安装在该机构"})
    if device.elder_id or device.facility_id:
        _unbind(by, device, "改装")
    _bind(by, device, None, note, facility=facility)


@transaction.atomic
def device_unbind(*, by, device: Device, note: str = "") -> None:
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    if not device.elder_id and not device.facility_id:
        raise ValidationFailed({"elder": "终端未绑定老人或机构"})
    if not (note or "").strip():
        raise ValidationFailed({"note": "请填写解绑原因（如：回收、损坏、老人去世）"})
    _unbind(by, device, note.strip())


def gateway_create(
    *, by, code: str, name: str, vendor: str, region
) -> tuple[Gateway, str]:
    _require_device_manager(by)
    _require_in_scope(by, region)
    errors = {}
    if not SERIAL_RE.match(code or ""):
        errors["code"] = "网关编号应为 3–40 位字母、数字、短横线或下划线"
    elif Gateway.objects.filter(code=code).exists():
        errors["code"] = f"网关编号 {code} 已登记"
    if not (name or "").strip():
        errors["name"] = "请填写名称"
    if vendor not in adapters.VENDORS:
        errors["vendor"] = "未知的消息格式"
    if errors:
        raise ValidationFailed(errors)
    secret = secrets.token_urlsafe(24)
    gateway = Gateway.objects.create(
        code=code,
        name=name.strip(),
        vendor=vendor,
        region=region,
        secret_hash=hash_secret(secret),
    )
    audit_create(by=by, obj=gateway, summary=f"登记网关 {code}")
    return gateway, secret


def threshold_set(*, by, elder: Elder, values: dict, note: str = "") -> Threshold:
    """A clinician's limits for one person (empty values fall back to the defaults)."""
    _require_device_manager(by)
    _elder_in_scope(by, elder)
    values = {k: v for k, v in values.items() if v is not None}
    errors = rules.check_thresholds(values)
    if errors:
        raise ValidationFailed(errors)
    if values and not (note or "").strip():
        raise ValidationFailed({"note": "请填写设定依据（如：医生意见、诊断）"})
    threshold, _ = Threshold.objects.update_or_create(
        elder=elder,
        defaults={
            "values": values,
            "note": (note or "").strip()[:200],
            "set_by": by if getattr(by, "pk", None) else None,
        },
    )
    audit(
        by=by,
        action="update",
        obj=threshold,
        summary=f"设置 {elder.name} 的报警阈值",
        after=values,
    )
    return threshold
