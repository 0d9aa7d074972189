"""Forms of 康复辅具 lending (labels and errors in Chinese)."""

from __future__ import annotations

from django import forms

from yanglao.core.forms import DATE_ERRORS, REQUIRED, DateInput
from yanglao.homesupport.models import (
    AidDevice,
    Course,
    ModificationProject,
    RespiteStay,
)

DATE = {"widget": DateInput(), "error_messages": DATE_ERRORS}
BLANK = [("", "全部")]


class PointForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, error_messages=REQUIRED)
    region = forms.CharField(
        label="所在区划代码", max_length=12, error_messages=REQUIRED
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


class DeviceForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=AidDevice.Kind.choices)
    serial = forms.CharField(label="编号", max_length=40, error_messages=REQUIRED)
    condition = forms.ChoiceField(label="成色", choices=AidDevice.Condition.choices)
    acquired_on = forms.DateField(label="入库日期", **DATE)
    deposit_yuan = forms.DecimalField(
        label="押金（元）",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        error_messages={"invalid": "请输入金额", "min_value": "押金不能为负数"},
    )


class DeviceFilterForm(forms.Form):
    q = forms.CharField(label="编号", required=False, max_length=40)
    kind = forms.ChoiceField(
        label="类别", required=False, choices=BLANK + list(AidDevice.Kind.choices)
    )
    state = forms.ChoiceField(
        label="状态", required=False, choices=BLANK + list(AidDevice.State.choices)
    )


class LendForm(forms.Form):
    elder = forms.CharField(
        label="借用老人（姓名或身份证号）",
        max_length=50,
        error_messages={"required": "请填写借用老人的姓名或身份证号"},
        help_text="同名时请输入身份证号",
    )


class WaitingForm(forms.Form):
    elder = forms.CharField(
        label="候借老人（姓名或身份证号）",
        max_length=50,
        error_messages={"required": "请填写老人的姓名或身份证号"},
    )
    kind = forms.ChoiceField(label="辅具类别", choices=AidDevice.Kind.choices)


# --- 居家适老化改造 -----------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="姓名或项目编号", required=False, max_length=40)
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=BLANK + list(ModificationProject.State.choices),
    )
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2015,
        max_value=2100,
        error_messages={
            "invalid": "请输入年份",
            "min_value": "年份有误",
            "max_value": "年份有误",
        },
    )
    source = forms.ChoiceField(
        label="来源",
        required=False,
        choices=BLANK + list(ModificationProject.Source.choices),
    )
    region = forms.CharField(label="区划代码", required=False, max_length=12)


class ApplyForm(forms.Form):
    elder = forms.CharField(
        label="老年人（姓名或身份证号）", max_length=40, error_messages=REQUIRED
    )
    source = forms.ChoiceField(
        label="申请来源",
        choices=[
            c
            for c in ModificationProject.Source.choices
            if c[0] != ModificationProject.Source.VISIT
        ],
    )
    applicant_name = forms.CharField(
        label="申请人姓名", max_length=50, error_messages=REQUIRED
    )
    reason = forms.CharField(
        label="申请理由", max_length=300, required=False, widget=forms.Textarea
    )
    assessor = forms.ChoiceField(label="入户评估人员", required=False, choices=[])
    follow_up = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, assessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].choices = [("", "由本地区街道、社区工作人员评估")] + [
            (str(u.pk), u.full_name or u.username) for u in assessors
        ]


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="照片",
        error_messages={"required": "请选择照片", "invalid": "请选择照片"},
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*", "capture": "environment"}
        ),
    )
    item_code = forms.CharField(required=False, max_length=10)


class AcceptForm(forms.Form):
    confirmed = forms.BooleanField(
        label="老年人本人或家属已现场确认改造完成",
        required=False,
    )
    confirmed_by = forms.CharField(label="确认人姓名", max_length=50, required=False)
    relation = forms.CharField(
        label="与老年人关系",
        max_length=20,
        required=False,
        help_text="如 本人、儿子、女儿",
    )
    note = forms.CharField(label="验收意见", max_length=200, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, error_messages=REQUIRED)


class QuotaForm(forms.Form):
    region = forms.CharField(label="区划代码", max_length=12, error_messages=REQUIRED)
    year = forms.IntegerField(
        label="年度",
        min_value=2015,
        max_value=2100,
        error_messages={"required": "请填写年度", "invalid": "请输入年份"},
    )
    households = forms.IntegerField(
        label="任务户数",
        min_value=0,
        error_messages={"required": "请填写任务户数", "invalid": "请输入整数"},
    )


# --- 喘息服务 and 家庭照护者培训 -------------------------------------------------------------------


class StayFilterForm(forms.Form):
    q = forms.CharField(label="姓名或机构", required=False, max_length=40)
    state = forms.ChoiceField(
        label="状态", required=False, choices=BLANK + list(RespiteStay.State.choices)
    )
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2015,
        max_value=2100,
        error_messages={
            "invalid": "请输入年份",
            "min_value": "年份有误",
            "max_value": "年份有误",
        },
    )


class BookForm(forms.Form):
    elder = forms.CharField(
        label="老年人（姓名或身份证号）", max_length=40, error_messages=REQUIRED
    )
    start_on = forms.DateField(label="开始日期", **DATE)
    days = forms.IntegerField(
        label="天数",
        min_value=1,
        max_value=30,
        error_messages={
            "required": "请填写天数",
            "invalid": "请输入整数",
            "min_value": "天数应在 1–30 天之间",
            "max_value": "天数应在 1–30 天之间",
        },
    )
    bed = forms.ChoiceField(label="机构床位", choices=[], error_messages=REQUIRED)
    carer_name = forms.CharField(
        label="家庭照护者", max_length=50, error_messages=REQUIRED
    )

    def __init__(self, *args, elders=None, beds=(), **kwargs):
        super().__init__(*args, **kwargs)
        if (
            elders is not None
        ):  # a family member chooses among the people linked to them
            self.fields["elder"] = forms.ChoiceField(
                label="老年人", choices=[(str(e.pk), e.name) for e in elders]
            )
        self.fields["bed"].choices = [("", "请选择")] + [
            (str(b.pk), f"{b.facility.name} {b.code}（{b.get_kind_display()}）")
            for b in beds
        ]


class CourseForm(forms.Form):
    title = forms.CharField(label="课程名称", max_length=100, error_messages=REQUIRED)
    mode = forms.ChoiceField(label="方式", choices=Course.Mode.choices)
    hours = forms.IntegerField(
        label="学时",
        min_value=1,
        max_value=200,
        error_messages={
            "required": "请填写学时",
            "invalid": "请输入整数",
            "min_value": "学时应在 1–200 之间",
            "max_value": "学时应在 1–200 之间",
        },
    )
    organiser = forms.CharField(
        label="培训机构", max_length=100, error_messages=REQUIRED
    )
    region = forms.CharField(label="区划代码", max_length=12, error_messages=REQUIRED)


class SessionForm(forms.Form):
    held_on = forms.DateField(label="日期", **DATE)
    place = forms.CharField(label="地点/平台", max_length=100, error_messages=REQUIRED)
    capacity = forms.IntegerField(
        label="名额",
        min_value=1,
        max_value=1000,
        initial=30,
        error_messages={
            "required": "请填写名额",
            "invalid": "请输入整数",
            "min_value": "名额应在 1–1000 之间",
            "max_value": "名额应在 1–1000 之间",
        },
    )


class AttendeeForm(forms.Form):
    elder = forms.CharField(
        label="照护的老年人（姓名或身份证号）", max_length=40, error_messages=REQUIRED
    )
    carer_name = forms.CharField(
        label="照护者姓名", max_length=50, error_messages=REQUIRED
    )
    relation = forms.CharField(
        label="与老年人关系", max_length=20, error_messages=REQUIRED
    )
