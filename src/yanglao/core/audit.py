"""Writing the audit log. Every service that changes a registry record calls `audit`."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from yanglao.core.models import AuditEntry

# The client address of the current request, set by core.middleware for services to read.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_ip", default=None
)

# Fields whose values never go into the audit log in clear.
SECRET_SUFFIXES = ("_enc", "_hash", "password")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):  # an uploaded file: its stored name
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's concrete field values, minus protected ones, as JSON-able data."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.attname.endswith(SECRET_SUFFIXES) or getattr(field, "auto_now", False):
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit(
    *,
    by,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    actor = by if getattr(by, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=getattr(by, "username", "") or "system",
        ip=current_ip.get(),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        summary=summary[:300],
        before=before,
        after=after,
    )


def audit_create(*, by, obj: models.Model, summary: str = "") -> None:
    audit(
        by=by,
        action=AuditEntry.Action.CREATE,
        obj=obj,
        summary=summary,
        after=snapshot(obj),
    )


def audit_update(
    *, by, obj: models.Model, before: dict[str, Any], summary: str = ""
) -> None:
    old, new = changes(before, snapshot(obj))
    if old or new:
        audit(
            by=by,
            action=AuditEntry.Action.UPDATE,
            obj=obj,
            summary=summary,
            before=old,
            after=new,
        )
