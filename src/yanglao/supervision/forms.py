from __future__ import annotations

from django import forms


class PlanForm(forms.Form):
    code = forms.CharField(label="计划编号", max_length=30, help_text="如 JDZ-2026-12")
    name = forms.CharField(label="计划名称", max_length=100)
    item = forms.CharField(
        label="抽查事项",
        max_length=200,
        initial="养老机构服务安全基本规范（GB 38600-2019）执行情况",
    )
    basis = forms.CharField(label="依据", max_length=200, required=False)
    region = forms.CharField(label="地区（区划代码）", max_length=12)
    share_percent = forms.IntegerField(
        label="抽取比例（%）", min_value=1, max_value=100, initial=20
    )
    team_size = forms.IntegerField(
        label="每组人数", min_value=2, max_value=10, initial=2
    )
    max_teams = forms.IntegerField(
        label="每人最多参加组数（可空）", min_value=1, max_value=100, required=False
    )


class RandomForm(forms.Form):
    public_random = forms.CharField(
        label="公开随机数", max_length=200, help_text="抽取会上当众产生的数字，照录"
    )


class RedrawForm(forms.Form):
    reason = forms.CharField(label="重新抽取原因", max_length=200, required=False)
