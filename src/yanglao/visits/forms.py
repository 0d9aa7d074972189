from __future__ import annotations

import datetime as dt

from django import forms

from yanglao.core.forms import REQUIRED, MonthInput
from yanglao.regions.models import Region
from yanglao.visits.models import Visit
from yanglao.visits.services import FINDINGS


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label="探访方式",
        choices=Visit.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    health = forms.CharField(label="身体状况", max_length=100, required=False)
    safety = forms.CharField(label="居家安全", max_length=100, required=False)
    living = forms.CharField(label="生活状况", max_length=100, required=False)
    mood = forms.CharField(label="精神状态", max_length=100, required=False)
    needs = forms.CharField(label="需求", max_length=200, required=False)
    findings = forms.MultipleChoiceField(
        label="发现的问题（将转办跟进）",
        choices=[(f, f) for f in FINDINGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirmed = forms.BooleanField(
        label="老年人（或家属）已确认本次探访", required=False
    )
    photo = forms.FileField(
        label="照片（选填）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CloseForm(forms.Form):
    note = forms.CharField(label="办理情况", max_length=200, error_messages=REQUIRED)


LEVELS = [
    (Region.Level.VILLAGE, "社区/村"),
    (Region.Level.TOWNSHIP, "乡镇/街道"),
    (Region.Level.COUNTY, "县(市、区)"),
    (Region.Level.CITY, "市"),
]


class RatesForm(forms.Form):
    month = forms.DateField(
        label="月份",
        input_formats=["%Y-%m"],
        required=False,
        widget=MonthInput(),
        error_messages={"invalid": "月份格式应为 2026-11"},
    )
    level = forms.TypedChoiceField(
        label="统计层级", choices=LEVELS, coerce=int, required=False
    )

    def month_and_level(self, today: dt.date) -> tuple[dt.date, int]:
        """The month (first day) and level asked for; this month and 乡镇/街道 when not given or
        not valid (the page shows why)."""
        data = self.cleaned_data if self.is_valid() else {}
        month = (data.get("month") or today).replace(day=1)
        return month, data.get("level") or Region.Level.TOWNSHIP
