from __future__ import annotations

from django import forms

from yanglao.assessments.models import GBT_42195, MZT_039, Applicant, Reason, Status
from yanglao.assessments.selectors import DUE_KINDS
from yanglao.core.forms import DATE_ERRORS, REQUIRED

ALL = [("", "全部")]


class ApplyForm(forms.Form):
    reason = forms.ChoiceField(
        label="评估原因（A.1）", choices=Reason.choices, error_messages=REQUIRED
    )
    applicant = forms.ChoiceField(
        label="申请人", choices=Applicant.choices, error_messages=REQUIRED
    )
    applicant_name = forms.CharField(
        label="申请人姓名",
        required=False,
        max_length=50,
        help_text="本人或家属申请时填写",
    )
    note = forms.CharField(label="备注", required=False, max_length=200)


class AssignForm(forms.Form):
    agency = forms.ChoiceField(label="评估机构", error_messages=REQUIRED)
    assessors = forms.MultipleChoiceField(
        label="评估小组（至少2名评估员）",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择至少2名评估员"},
    )
    place = forms.CharField(
        label="评估地点",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如：老人家中、社区服务中心"}),
    )

    def __init__(self, *args, agencies, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "请选择")] + [
            (str(a.pk), a.name) for a in agencies
        ]
        self.fields["assessors"].choices = [
            (str(a.pk), f"{a.user}（{a.agency.name}）") for a in assessors
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=150, error_messages=REQUIRED)


class AssessmentFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "老人姓名", "type": "search"}),
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=ALL + Status.choices
    )
    reason = forms.ChoiceField(
        label="评估原因", required=False, choices=ALL + Reason.choices
    )
    region = forms.ChoiceField(label="区域", required=False)
    standard = forms.ChoiceField(
        label="评估标准",
        required=False,
        choices=ALL + [(GBT_42195, GBT_42195), (MZT_039, f"{MZT_039}（历史）")],
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = ALL + [
            (r.code, r.option_label(with_code=False)) for r in regions
        ]


class DueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别", required=False, choices=list(DUE_KINDS.items())
    )
    region = forms.ChoiceField(label="区域", required=False)
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "老人姓名", "type": "search"}),
    )

    include_applied = forms.BooleanField(label="含已申请评估的老人", required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = ALL + [
            (r.code, r.option_label(with_code=False)) for r in regions
        ]

    def clean_kind(self):
        return self.cleaned_data["kind"] or "overdue"


class HistoricalForm(forms.Form):
    standard = forms.ChoiceField(
        label="评估标准",
        choices=[(GBT_42195, GBT_42195), (MZT_039, MZT_039)],
        error_messages=REQUIRED,
    )
    assessed_on = forms.DateField(label="评估日期", error_messages=DATE_ERRORS)
    final_level = forms.IntegerField(
        label="能力等级",
        min_value=0,
        max_value=4,
        error_messages=REQUIRED,
        help_text="GB/T 42195-2022：0–4；MZ/T 039-2013：0 能力完好、1 轻度、2 中度、3 重度失能",
    )
    total = forms.IntegerField(label="总分", required=False, min_value=0, max_value=90)
    agency_name = forms.CharField(label="原评估机构", required=False, max_length=100)
    assessors = forms.CharField(label="原评估员", required=False, max_length=100)
    note = forms.CharField(label="备注", required=False, max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV 文件",
        error_messages={"required": "请选择要导入的文件"},
        help_text="列：身份证号、姓名、评估标准、评估日期、能力等级、总分、评估机构、评估员、备注；"
        "UTF-8 或 GB18030 编码",
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False, initial=True)
