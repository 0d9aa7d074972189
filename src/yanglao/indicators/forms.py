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


class TargetForm(forms.Form):
    """设定规划目标 for the region on the page."""

    value = forms.FloatField(label="目标值")
    direction = forms.ChoiceField(
        label="方向", choices=[(">=", "不低于"), ("<=", "不高于"), ("=", "达到")]
    )
    deadline = forms.DateField(
        label="完成期限", widget=forms.DateInput(attrs={"type": "date"})
    )
    attribute = forms.ChoiceField(
        label="属性", choices=[("约束性", "约束性"), ("预期性", "预期性")]
    )
    document = forms.CharField(label="文件", max_length=100)
    clause = forms.CharField(label="条款", max_length=100, required=False)
    baseline_value = forms.FloatField(label="基期值", required=False)
    baseline_year = forms.IntegerField(
        label="基期年份", required=False, min_value=2000, max_value=2100
    )
