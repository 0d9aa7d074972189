from __future__ import annotations

from django import forms

from yanglao.indicators.models import Indicator


class ReportForm(forms.Form):
    """填报 a figure the platform does not hold."""

    indicator = forms.ModelChoiceField(
        label="指标",
        queryset=Indicator.objects.filter(source=Indicator.Source.REPORTED),
        empty_label="请选择",
    )
    region = forms.CharField(label="地区（区划代码）", max_length=12)
    period = forms.CharField(
        label="统计期", max_length=7, help_text="年度填 2026，月度填 2026-11"
    )
    numerator = forms.FloatField(label="分子（或数量）", min_value=0)
    denominator = forms.FloatField(
        label="分母（比率指标必填）", min_value=0, required=False
    )
    evidence = forms.CharField(
        label="数据依据", max_length=200, help_text="文件名、文号或台账名称"
    )
    attachment = forms.FileField(label="附件（可选）", required=False)


class DecideForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200, required=False)
