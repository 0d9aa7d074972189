"""Forms of the alarm pages (labels and errors in Chinese)."""

from __future__ import annotations

from django import forms

from yanglao.alarms.adapters import VENDORS
from yanglao.alarms.models import Action, AlarmStatus, DeviceType, Outcome
from yanglao.alarms.rules import KINDS, SEVERITY_NAMES, THRESHOLD_LABELS
from yanglao.core.forms import DateInput

BLANK = [("", "全部")]


class AlarmFilterForm(forms.Form):
    q = forms.CharField(
        label="老人姓名/身份证号/机构名称", required=False, max_length=50
    )
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=BLANK + [(k, v[0]) for k, v in KINDS.items()],
    )
    severity = forms.ChoiceField(
        label="级别", required=False, choices=BLANK + list(SEVERITY_NAMES.items())
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=BLANK + [("open", "未办结")] + AlarmStatus.choices,
    )
    region = forms.CharField(label="区划代码", required=False, max_length=12)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())
    escalated = forms.BooleanField(label="仅看已升级", required=False)


class DeviceFilterForm(forms.Form):
    q = forms.CharField(label="设备编号/老人/机构", required=False, max_length=50)
    type = forms.ChoiceField(
        label="类型", required=False, choices=BLANK + DeviceType.choices
    )
    region = forms.CharField(label="区划代码", required=False, max_length=12)
    bound = forms.ChoiceField(
        label="绑定",
        required=False,
        choices=BLANK
        + [("yes", "已绑定老人"), ("facility", "安装于机构"), ("no", "未绑定")],
    )
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=BLANK
        + [
            ("online", "在线"),
            ("offline", "离线"),
            ("never", "从未通信"),
            ("low_battery", "电量低"),
        ],
    )


class ActionForm(forms.Form):
    action = forms.ChoiceField(label="处置方式", choices=Action.choices)
    note = forms.CharField(label="说明", required=False, max_length=300)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处置结果", choices=[("", "请选择")] + Outcome.choices
    )
    note = forms.CharField(label="办结说明", required=False, max_length=300)


class EscalateForm(forms.Form):
    reason = forms.CharField(label="升级原因", max_length=200)


class DeviceForm(forms.Form):
    serial = forms.CharField(label="设备编号", max_length=40)
    type = forms.ChoiceField(label="类型", choices=DeviceType.choices)
    vendor = forms.ChoiceField(label="消息格式", choices=list(VENDORS.items()))
    model = forms.CharField(label="型号", required=False, max_length=60)
    region = forms.CharField(label="所属区域（区划代码）", max_length=12)
    elder = forms.CharField(
        label="绑定老人（身份证号或姓名，可稍后绑定）", required=False, max_length=50
    )


class BindForm(forms.Form):
    elder = forms.CharField(label="老人（身份证号或姓名）", max_length=50)
    note = forms.CharField(label="说明", required=False, max_length=200)


class UnbindForm(forms.Form):
    note = forms.CharField(label="解绑原因", max_length=200)


class ThresholdForm(forms.Form):
    note = forms.CharField(
        label="设定依据（医生意见/诊断）", required=False, max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in THRESHOLD_LABELS.items():
            kind = (
                forms.FloatField if key.startswith("geofence_l") else forms.IntegerField
            )
            self.fields[key] = kind(label=label, required=False)
        self.order_fields(list(THRESHOLD_LABELS) + ["note"])

    def values(self) -> dict:
        return {
            k: self.cleaned_data.get(k)
            for k in THRESHOLD_LABELS
            if self.cleaned_data.get(k) is not None
        }
