from __future__ import annotations

from django import forms

from yanglao.core.forms import (
    DATE_ERRORS,
    REQUIRED,
    DateInput,
    IdNumberField,
    PhoneField,
)
from yanglao.elders.models import (
    CareSetting,
    Category,
    LifeEvent,
    LivingArrangement,
    Status,
)
from yanglao.elders.selectors import AGE_BANDS, ORDERS


class ElderForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=REQUIRED)
    id_number = IdNumberField(
        help_text="18位居民身份证号码，出生日期和性别由此自动得出"
    )
    phone = PhoneField(label="联系电话", required=False)
    residence_region = forms.ChoiceField(label="现居住社区/村", error_messages=REQUIRED)
    address = forms.CharField(label="现居住地址", max_length=200, required=False)
    hukou_region = forms.CharField(
        label="户籍地区划代码",
        max_length=12,
        required=False,
        help_text="可选，如 360202",
    )
    living_arrangement = forms.ChoiceField(
        label="居住情况", choices=LivingArrangement.choices
    )
    care_setting = forms.ChoiceField(label="养老方式", choices=CareSetting.choices)
    lat = forms.FloatField(
        label="纬度", required=False, error_messages={"invalid": "请输入数字"}
    )
    lng = forms.FloatField(
        label="经度", required=False, error_messages={"invalid": "请输入数字"}
    )

    def __init__(
        self, *args, regions=(), masked: dict[str, str] | None = None, **kwargs
    ):
        """`masked`: the record's numbers as the user may see them, when they may not see them
        in full. The fields then start empty, show the masked number and change it only when a
        whole new number is typed."""
        super().__init__(*args, **kwargs)
        for name, shown in (masked or {}).items():
            field = self.fields[name]
            field.required = False
            field.widget.attrs["placeholder"] = shown or "（未登记）"
            field.help_text = (
                f"现为 {shown}；如需更正请输入完整号码，留空则保持不变"
                if shown
                else "尚未登记；如需登记请输入完整号码"
            )
        self.fields["residence_region"].choices = [("", "—— 请选择 ——")] + [
            (r.code, r.option_label()) for r in regions
        ]


class ElderFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "姓名 / 身份证号 / 电话", "type": "search"}
        ),
    )
    region = forms.ChoiceField(label="区域", required=False)
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部")] + list(Category.choices)
    )
    age_band = forms.ChoiceField(
        label="年龄段",
        required=False,
        choices=[("", "全部")] + [(k, lbl) for k, lbl, _a, _b in AGE_BANDS],
    )
    living_arrangement = forms.ChoiceField(
        label="居住情况",
        required=False,
        choices=[("", "全部")] + list(LivingArrangement.choices),
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("active", "在册"), ("all", "全部")]
        + [c for c in Status.choices if c[0] != "active"],
    )

    order = forms.ChoiceField(
        label="排序", required=False, choices=[(k, v[0]) for k, v in ORDERS.items()]
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [
            (r.code, r.option_label(with_code=False)) for r in regions
        ]

    def clean_status(self):
        """Absent means 在册 (the list people want by default); 全部 means no status filter."""
        value = self.cleaned_data.get("status") or Status.ACTIVE
        return "" if value == "all" else value


class ContactForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=REQUIRED)
    relation = forms.CharField(
        label="关系",
        max_length=20,
        error_messages=REQUIRED,
        help_text="如 儿子、女儿、配偶、侄子",
    )
    phone = PhoneField(label="电话")
    is_emergency = forms.BooleanField(label="紧急联系人", required=False)
    is_guardian = forms.BooleanField(label="监护人", required=False)


class LifeEventForm(forms.Form):
    kind = forms.ChoiceField(label="事件", choices=LifeEvent.Kind.choices)
    date = forms.DateField(
        label="日期",
        error_messages=DATE_ERRORS,
        widget=DateInput(),
    )
    region = forms.CharField(
        label="迁入地区划代码",
        required=False,
        max_length=12,
        help_text="迁入时填写新的社区/村代码",
    )
    source = forms.CharField(
        label="信息来源",
        required=False,
        max_length=50,
        help_text="如 公安户籍、医院死亡证明、社区上报",
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    start_date = forms.DateField(
        label="起始日期",
        error_messages=DATE_ERRORS,
        widget=DateInput(),
    )
    end_date = forms.DateField(
        label="终止日期",
        required=False,
        error_messages=DATE_ERRORS,
        widget=DateInput(),
    )
    grade = forms.CharField(label="残疾等级/诊断依据", required=False, max_length=30)
    note = forms.CharField(label="备注", required=False, max_length=200)


class MergeForm(forms.Form):
    keep = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "请选择保留的档案"}
    )
    remove = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "请选择要合并的档案"}
    )
    reason = forms.CharField(
        label="合并原因", max_length=100, error_messages={"required": "请说明合并原因"}
    )
