"""Forms of 康复辅具 lending (labels and errors in Chinese)."""

from __future__ import annotations

from django import forms

from yanglao.core.forms import DATE_ERRORS, REQUIRED, DateInput
from yanglao.homesupport.models import AidDevice

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
