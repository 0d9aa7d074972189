from __future__ import annotations

from django import forms

from yanglao.core.forms import (
    DATE_ERRORS,
    REQUIRED,
    DateInput,
    IdNumberField,
    PhoneField,
)
from yanglao.facilities.models import (
    Bed,
    CarerLevel,
    FacilityType,
    FireSafety,
    Ownership,
    StaffRole,
    Training,
)

DATE = {
    "widget": DateInput(),
    "error_messages": DATE_ERRORS,
}
INT_ERRORS = {"invalid": "请输入整数", "min_value": "不能为负数"}


class FacilityForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, error_messages=REQUIRED)
    type = forms.ChoiceField(label="类型", choices=FacilityType.choices)
    ownership = forms.ChoiceField(label="性质", choices=Ownership.choices)
    operator = forms.CharField(label="运营方", max_length=100, required=False)
    region = forms.ChoiceField(label="所在区域", error_messages=REQUIRED)
    address = forms.CharField(label="地址", max_length=200, required=False)
    duty_phone = forms.CharField(
        label="值班电话",
        max_length=20,
        required=False,
        help_text="机构对外公开的固定电话（带区号），如 0798-8221234",
    )
    floor_area_m2 = forms.IntegerField(
        label="建筑面积（平方米）",
        required=False,
        min_value=0,
        error_messages=INT_ERRORS,
    )
    licence_no = forms.CharField(label="设立许可/备案号", max_length=50, required=False)
    has_medical_unit = forms.BooleanField(label="内设医疗机构", required=False)
    contracted_hospital = forms.CharField(
        label="签约医疗机构", max_length=100, required=False
    )
    fire_safety = forms.ChoiceField(label="消防验收", choices=FireSafety.choices)
    fire_safety_date = forms.DateField(
        label="消防验收/备案日期", required=False, **DATE
    )
    childcare_places = forms.IntegerField(
        label="托位数", required=False, min_value=0, error_messages=INT_ERRORS
    )
    membership_fee = forms.BooleanField(
        label="收取会员费（会员制）",
        required=False,
        help_text="会员制养老机构不享受新增床位建设补贴",
    )
    opened_on = forms.DateField(label="开业日期", required=False, **DATE)
    lat = forms.FloatField(
        label="纬度", required=False, error_messages={"invalid": "请输入数字"}
    )
    lng = forms.FloatField(
        label="经度", required=False, error_messages={"invalid": "请输入数字"}
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—— 请选择 ——")] + [
            (r.code, r.option_label()) for r in regions
        ]

    def clean_childcare_places(self):
        return self.cleaned_data.get("childcare_places") or 0


class FacilityFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "名称 / 运营方 / 许可证号", "type": "search"}
        ),
    )
    region = forms.ChoiceField(label="区域", required=False)
    type = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部")] + list(FacilityType.choices),
    )
    ownership = forms.ChoiceField(
        label="性质", required=False, choices=[("", "全部")] + list(Ownership.choices)
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [
            (r.code, r.option_label(with_code=False)) for r in regions
        ]


class BedForm(forms.Form):
    code = forms.CharField(
        label="床位号",
        max_length=30,
        error_messages=REQUIRED,
        help_text="如 3-201-1（楼-房间-床）",
    )
    kind = forms.ChoiceField(label="床位类型", choices=Bed.Kind.choices)


class AdmissionForm(forms.Form):
    id_number = IdNumberField(
        label="老人身份证号", help_text="老人须已在老年人档案中登记"
    )
    bed = forms.ChoiceField(label="床位", error_messages=REQUIRED)
    admitted_on = forms.DateField(label="入住日期", **DATE)

    def __init__(self, *args, beds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bed"].choices = [("", "—— 请选择空床 ——")] + [
            (str(b.pk), f"{b.code}（{b.get_kind_display()}）") for b in beds
        ]


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label="退住日期", **DATE)
    reason = forms.CharField(label="退住原因", max_length=100, required=False)


class StaffForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=REQUIRED)
    id_number = IdNumberField(help_text="将自动进行入职查询（从业禁止名单）")
    phone = PhoneField(label="电话", required=False)
    role = forms.ChoiceField(label="岗位", choices=StaffRole.choices)
    skill_level = forms.ChoiceField(
        label="护理员技能等级",
        required=False,
        choices=[("", "—")] + list(CarerLevel.choices),
    )
    facility = forms.ChoiceField(label="所在机构", error_messages=REQUIRED)
    hired_on = forms.DateField(label="入职日期", **DATE)

    def __init__(self, *args, facilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", "—— 请选择 ——")] + [
            (str(f.pk), f.name) for f in facilities
        ]


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Training.Kind.choices)
    title = forms.CharField(label="名称", max_length=100, error_messages=REQUIRED)
    completed_on = forms.DateField(label="完成日期", **DATE)
    certificate_no = forms.CharField(label="证书编号", max_length=50, required=False)


class BanForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=REQUIRED)
    id_number = IdNumberField()
    reason = forms.CharField(label="原因", max_length=200, error_messages=REQUIRED)
    source = forms.CharField(
        label="来源/决定机关", max_length=100, error_messages=REQUIRED
    )
    start_date = forms.DateField(label="起始日期", **DATE)
    end_date = forms.DateField(
        label="终止日期", required=False, help_text="为空表示终身禁止", **DATE
    )
