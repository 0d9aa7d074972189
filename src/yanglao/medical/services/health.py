"""Writes of 家庭病床 (Jingdezhen 三.(四).3): opened by a medical institution for a person living
at home, closed when the episode ends. The health system's rosters are written by the import
kind `health_roster` (imports.kinds.health)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.selectors import residence_facility
from yanglao.medical import rules
from yanglao.medical.models import FamilyDoctorContract, HomeBed, MedicalInstitution


def home_bed_open(
    *, by, elder, institution: MedicalInstitution, opened_on: dt.date, team: str = ""
) -> HomeBed:
    if not permissions.may_record_home_beds(by):
        raise ValidationFailed({"__all__": "您的角色不能登记家庭病床"})
    errors = {}
    if opened_on > timezone.localdate():
        errors["opened_on"] = "建床日期不能在未来"
    if residence_facility(elder.pk) is not None:
        errors["__all__"] = "该老人住在养老机构，家庭病床只为居家老人建立"
    if HomeBed.objects.filter(elder=elder, closed_on__isnull=True).exists():
        errors["__all__"] = "该老人已有未撤床的家庭病床"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            bed = HomeBed.objects.create(
                elder=elder,
                institution=institution,
                opened_on=opened_on,
                team=(team or "").strip()[:60],
                recorded_by=by,
            )
            audit(
                by=by,
                action="create",
                obj=bed,
                summary=f"{elder.name} 建立家庭病床（{institution.name}）",
            )
    except IntegrityError:
        raise ValidationFailed({"__all__": "该老人已有未撤床的家庭病床"}) from None
    return bed


def home_bed_close(*, by, home_bed: HomeBed, closed_on: dt.date) -> HomeBed:
    if not permissions.may_record_home_beds(by):
        raise ValidationFailed({"__all__": "您的角色不能登记家庭病床"})
    if home_bed.closed_on is not None:
        raise ValidationFailed({"__all__": "该家庭病床已撤床"})
    if closed_on < home_bed.opened_on:
        raise ValidationFailed({"closed_on": "撤床日期不能早于建床日期"})
    if closed_on > timezone.localdate():
        raise ValidationFailed({"closed_on": "撤床日期不能在未来"})
    home_bed.closed_on = closed_on
    home_bed.save(update_fields=["closed_on"])
    audit(
        by=by,
        action="update",
        obj=home_bed,
        summary=f"家庭病床撤床 {closed_on:%Y-%m-%d}",
    )
    return home_bed


def family_contract_record(
    *,
    by,
    elder,
    institution: MedicalInstitution,
    starts_on: dt.date,
    ends_on: dt.date,
    team: str = "",
    package: str = "",
) -> FamilyDoctorContract:
    """家庭医生签约 entered by hand (the roster brings the rest): a term that ends after it starts,
    not overlapping another contract of the person."""
    if not permissions.may_record_family_doctors(by):
        raise ValidationFailed({"__all__": "您的角色不能登记家庭医生签约"})
    errors = rules.term_problems(starts_on, ends_on)
    if not errors:
        terms = [
            (c.starts_on, c.ended_on or c.ends_on)
            for c in FamilyDoctorContract.objects.filter(elder=elder)
        ]
        clash = rules.overlaps(starts_on, ends_on, terms)
        if clash:
            errors["starts_on"] = (
                f"与已有签约（{clash[0]:%Y-%m-%d} 至 {clash[1]:%Y-%m-%d}）期限重叠"
            )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        contract = FamilyDoctorContract.objects.create(
            elder=elder,
            institution=institution,
            team=(team or "").strip()[:60],
            package=(package or "").strip()[:60],
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit(
            by=by,
            action="create",
            obj=contract,
            summary=f"{elder.name} 家庭医生签约（{institution.name}）",
        )
    return contract


def family_contract_end(
    *, by, contract: FamilyDoctorContract, ended_on: dt.date, end_reason: str
) -> FamilyDoctorContract:
    if not permissions.may_record_family_doctors(by):
        raise ValidationFailed({"__all__": "您的角色不能登记家庭医生签约"})
    errors = {}
    if contract.ended_on is not None:
        errors["__all__"] = "该签约已解约"
    if end_reason not in FamilyDoctorContract.EndReason.values:
        errors["end_reason"] = "请选择解约原因"
    if ended_on < contract.starts_on:
        errors["ended_on"] = "解约日期不能早于签约起始日期"
    elif ended_on > timezone.localdate():
        errors["ended_on"] = "解约日期不能在未来"
    if errors:
        raise ValidationFailed(errors)
    contract.ended_on, contract.end_reason = ended_on, end_reason
    contract.save(update_fields=["ended_on", "end_reason"])
    audit(
        by=by,
        action="update",
        obj=contract,
        summary=f"家庭医生解约（{contract.get_end_reason_display()}）",
    )
    return contract
