"""Forms of 补贴津贴; every error in Chinese, naming the field."""

from __future__ import annotations

import re

from django import forms

from yanglao.benefits.models import Application
from yanglao.benefits.rules import (
    AMOUNT_BY,
    CATEGORY_NAMES,
    EVALUATION_RANKS,
    FACILITY_GRADE_NAMES,
    LEVEL_NAMES,
    LIVING_NAMES,
)
from yanglao.core.forms import DateInput, MonthInput
from yanglao.core.money import fen_to_yuan_text, yuan_text_to_fen

MONTH = dict(
    input_formats=["%Y-%m"],
    widget=MonthInput(),
)
LEVELS = [("", "不限"), *((str(k), f"{k}级 {v}") for k, v in LEVEL_NAMES.items())]
CATEGORY_BY_NAME = {v: k for k, v in CATEGORY_NAMES.items()}
TIER_LINE = re.compile(
    r"^(\d{1,3})\s*(?:[-–~至]\s*(\d{1,3})|(\+|及以上))?\s+([\d.,]+)\s*元?$"
)


def _level(value: str):
    return int(value) if value not in ("", None) else None


class VersionForm(forms.Form):
    """A policy version as a bureau writes it: conditions, then the amount rule. Tiers are typed
    one per line, "80-89 50" (年龄或等级 下限-上限 金额元), "100+ 400", or "低保 300"."""

    version = forms.CharField(
        label="版本名称", max_length=30, help_text="如 2026年标准"
    )
    effective_from = forms.DateField(label="起始日期", widget=DateInput())
    effective_to = forms.DateField(label="终止日期", required=False, widget=DateInput())
    min_age = forms.IntegerField(
        label="最低年龄（周岁）", required=False, min_value=0, max_value=150
    )
    max_age = forms.IntegerField(
        label="最高年龄（周岁）", required=False, min_value=0, max_value=150
    )
    hukou_local = forms.BooleanField(label="须户籍在本地区", required=False)
    residence_local = forms.BooleanField(label="须居住在本地区", required=False)
    categories_any = forms.MultipleChoiceField(
        label="须属于以下类别之一",
        required=False,
        choices=list(CATEGORY_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    min_level = forms.ChoiceField(
        label="能力等级不低于", required=False, choices=LEVELS
    )
    max_level = forms.ChoiceField(
        label="能力等级不高于", required=False, choices=LEVELS
    )
    living_any = forms.MultipleChoiceField(
        label="居住情况为",
        required=False,
        choices=list(LIVING_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    in_institution = forms.ChoiceField(
        label="入住养老机构",
        choices=[("", "不限"), ("yes", "须入住养老机构"), ("no", "须居家")],
        required=False,
    )
    min_facility_grade = forms.ChoiceField(
        label="入住机构等级不低于",
        choices=[("", "不限")]
        + [(str(n), name) for n, name in FACILITY_GRADE_NAMES.items()],
        required=False,
        help_text="GB/T 37276-2018 等级评定结果（有效期内）；用于与等级挂钩的运营补贴",
    )
    min_facility_evaluation = forms.ChoiceField(
        label="入住机构年度评价不低于",
        choices=[("", "不限")]
        + [(str(n), name) for n, name in EVALUATION_RANKS.items()],
        required=False,
        help_text="最近一次年度服务质量评价结果（本年或上年度）；用于与评价挂钩的运营补贴",
    )
    excludes = forms.MultipleChoiceField(
        label="不与以下项目同时享受",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    amount_by = forms.ChoiceField(label="发放标准", choices=list(AMOUNT_BY.items()))
    flat_yuan = forms.CharField(label="统一标准（元/月）", required=False)
    tiers = forms.CharField(
        label="分档标准",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一档：“80-89 50”“100+ 400”（按年龄或等级），或“低保 300”（按类别）；金额单位为元",
    )
    note = forms.CharField(label="政策依据/说明", required=False, max_length=200)

    def __init__(self, *args, programmes: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excludes"].choices = sorted((programmes or {}).items())

    def clean_flat_yuan(self):
        text = self.cleaned_data.get("flat_yuan") or ""
        if not text.strip():
            return 0
        try:
            return yuan_text_to_fen(text)
        except ValueError as exc:
            raise forms.ValidationError(f"{exc}（金额最多两位小数）") from exc

    def clean_tiers(self):
        by = self.data.get("amount_by")
        tiers = []
        for n, line in enumerate(
            (self.cleaned_data.get("tiers") or "").splitlines(), 1
        ):
            line = line.strip()
            if not line:
                continue
            if by == "category":
                name, _, money = line.rpartition(" ")
                code = CATEGORY_BY_NAME.get(name.strip()) or (
                    name.strip() if name.strip() in CATEGORY_NAMES else None
                )
                if code is None:
                    raise forms.ValidationError(f"第{n}行：未知的类别“{name.strip()}”")
                tiers.append(
                    {
                        "category": code,
                        "low": 0,
                        "high": None,
                        "amount_fen": self._fen(n, money),
                    }
                )
                continue
            m = TIER_LINE.match(line)
            if not m:
                raise forms.ValidationError(
                    f"第{n}行“{line}”格式不对，应如“80-89 50”或“100+ 400”"
                )
            low = int(m.group(1))
            high = None if m.group(3) else int(m.group(2) or low)
            tiers.append(
                {"low": low, "high": high, "amount_fen": self._fen(n, m.group(4))}
            )
        return tiers

    @staticmethod
    def _fen(n: int, text: str) -> int:
        try:
            return yuan_text_to_fen(text)
        except ValueError as exc:
            raise forms.ValidationError(f"第{n}行：{exc}（金额最多两位小数）") from exc

    def policy_data(self) -> dict:
        d = self.cleaned_data
        inst = {"yes": True, "no": False}.get(d.get("in_institution") or "")
        conditions = {
            "min_age": d.get("min_age"),
            "max_age": d.get("max_age"),
            "hukou_local": d["hukou_local"],
            "residence_local": d["residence_local"],
            "categories_any": d["categories_any"],
            "min_level": _level(d.get("min_level")),
            "max_level": _level(d.get("max_level")),
            "living_any": d["living_any"],
            "in_institution": inst,
            "excludes": d["excludes"],
            "min_facility_grade": int(d["min_facility_grade"])
            if d.get("min_facility_grade")
            else None,
            "min_facility_evaluation": int(d["min_facility_evaluation"])
            if d.get("min_facility_evaluation")
            else None,
        }
        conditions = {k: v for k, v in conditions.items() if v not in (None, [], False)}
        amount = {
            "by": d["amount_by"],
            "flat_fen": d.get("flat_yuan") or 0,
            "tiers": d.get("tiers") or [],
        }
        return {
            "version": d["version"],
            "effective_from": d["effective_from"],
            "effective_to": d.get("effective_to"),
            "conditions": conditions,
            "amount": amount,
            "note": d.get("note", ""),
        }


def version_initial(data: dict) -> dict:
    """Form values from a stored version or a template (the reverse of `policy_data`)."""
    c, a = data.get("conditions", {}), data.get("amount", {})
    by = a.get("by", "flat")
    lines = []
    for t in a.get("tiers", []):
        money = (
            fen_to_yuan_text(t["amount_fen"])
            .removesuffix("元")
            .replace(",", "")
            .removesuffix(".00")
        )
        if by == "category":
            lines.append(f"{CATEGORY_NAMES.get(t['category'], t['category'])} {money}")
        else:
            band = (
                f"{t['low']}+" if t.get("high") is None else f"{t['low']}-{t['high']}"
            )
            lines.append(f"{band} {money}")
    inst = {True: "yes", False: "no"}.get(c.get("in_institution"), "")
    return {
        **{
            k: c.get(k)
            for k in (
                "min_age",
                "max_age",
                "hukou_local",
                "residence_local",
                "categories_any",
                "living_any",
                "excludes",
            )
        },
        "min_level": c.get("min_level", ""),
        "max_level": c.get("max_level", ""),
        "in_institution": inst,
        "min_facility_grade": str(c.get("min_facility_grade") or ""),
        "min_facility_evaluation": str(c.get("min_facility_evaluation") or ""),
        "amount_by": by,
        "flat_yuan": (a.get("flat_fen") or 0) / 100 if by == "flat" else "",
        "tiers": "\n".join(lines),
        "version": data.get("version", ""),
        "note": data.get("note", ""),
    }


class CheckForm(forms.Form):
    who = forms.CharField(label="身份证号或姓名", max_length=50)
    month = forms.DateField(label="月份", required=False, **MONTH)


class ApplicationForm(forms.Form):
    programme = forms.ChoiceField(label="补贴项目")
    applicant_kind = forms.ChoiceField(
        label="申请人", choices=Application.Applicant.choices
    )
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    reason = forms.CharField(
        label="申请理由",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    from_month = forms.DateField(label="申请享受起始月", required=False, **MONTH)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.pk, p.name) for p in programmes]


class DecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label="审批意见",
        choices=[("1", "同意"), ("0", "不同意")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="意见说明", max_length=300, required=False)


class CycleForm(forms.Form):
    month = forms.DateField(label="月份", **MONTH)
    region = forms.ChoiceField(label="地区")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, r.name) for r in regions]


class EntitlementFilter(forms.Form):
    q = forms.CharField(label="搜索姓名或依据", required=False)
    programme = forms.TypedChoiceField(
        label="项目", required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label="类型", required=False)
    change = forms.ChoiceField(label="与上月相比", required=False)

    def __init__(self, *args, programmes=(), **kwargs):
        from yanglao.benefits.models import Entitlement

        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", "全部"),
            *((p.pk, p.name) for p in programmes),
        ]
        self.fields["kind"].choices = [("", "全部"), *Entitlement.Kind.choices]
        self.fields["change"].choices = [("", "全部"), *Entitlement.Change.choices]


class ReturnForm(forms.Form):
    file = forms.FileField(label="银行回盘文件（.xlsx 或 .csv）")


class RecoveryForm(forms.Form):
    elder = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.CharField(label="追回金额（元）")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean_amount(self):
        try:
            return yuan_text_to_fen(self.cleaned_data["amount"])
        except ValueError as exc:
            raise forms.ValidationError(f"{exc}（金额最多两位小数）") from exc
