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


class ComplaintForm(forms.Form):
    """投诉举报 (public form and phone intake): simple, with the reasons in Chinese."""

    subject = forms.ChoiceField(label="投诉对象类别")
    facility = forms.ModelChoiceField(
        label="被投诉的养老机构（如是）",
        queryset=None,
        required=False,
        empty_label="不是养老机构 / 不在列表中",
    )
    provider = forms.ModelChoiceField(
        label="被投诉的居家服务商（如是）",
        queryset=None,
        required=False,
        empty_label="不是居家服务商 / 不在列表中",
    )
    subject_name = forms.CharField(
        label="被投诉对象名称",
        max_length=100,
        required=False,
        help_text="服务商、服务人员或部门的名称",
    )
    region = forms.ChoiceField(label="所在乡镇/街道", required=False)
    content = forms.CharField(
        label="投诉内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=2000
    )
    name = forms.CharField(label="您的姓名（可不填）", max_length=50, required=False)
    phone = forms.CharField(
        label="联系电话（可不填，用于回访）", max_length=20, required=False
    )

    def __init__(self, *args, facilities=None, providers=None, regions=(), **kwargs):
        from yanglao.supervision.models import Complaint

        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = Complaint.Subject.choices
        self.fields["facility"].queryset = facilities
        self.fields["provider"].queryset = providers
        self.fields["region"].choices = [("", "请选择")] + [
            (r.code, r.name) for r in regions
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 4}))
    upheld = forms.ChoiceField(
        label="是否属实", choices=[("", "请选择"), ("yes", "属实"), ("no", "不属实")]
    )
