"""Forms of the 医养结合 pages (labels and errors in Chinese)."""

from __future__ import annotations

from django import forms

from yanglao.core.forms import DATE_ERRORS, REQUIRED, DateInput
from yanglao.medical.models import (
    FamilyDoctorContract,
    Grade,
    InstitutionKind,
    MedicalInstitution,
    Referral,
    Service,
    UnitKind,
    Willingness,
)

DATE = {"widget": DateInput(), "error_messages": DATE_ERRORS}
COUNT = {"invalid": "请输入整数", "min_value": "不能为负数", "required": "请填写"}
BLANK = [("", "全部")]
STATES = ["有效", "即将到期", "已到期", "未生效"]


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(label="名称", required=False, max_length=50)
    kind = forms.ChoiceField(
        label="类别", required=False, choices=BLANK + InstitutionKind.choices
    )
    region = forms.CharField(label="区划代码", required=False, max_length=12)
    insured = forms.ChoiceField(
        label="医保定点",
        required=False,
        choices=BLANK + [("yes", "是"), ("no", "否")],
    )


class InstitutionForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, error_messages=REQUIRED)
    kind = forms.ChoiceField(label="类别", choices=InstitutionKind.choices)
    grade = forms.ChoiceField(label="等级", choices=Grade.choices, initial=Grade.NONE)
    insured = forms.BooleanField(label="医保定点", required=False)
    licence_no = forms.CharField(
        label="执业许可证登记号", max_length=40, required=False
    )
    region = forms.ChoiceField(label="所在区域", error_messages=REQUIRED)
    address = forms.CharField(label="地址", max_length=200, required=False)
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


class ContractFilterForm(forms.Form):
    q = forms.CharField(label="养老机构/医疗机构", required=False, max_length=50)
    state = forms.ChoiceField(
        label="状态", required=False, choices=BLANK + [(s, s) for s in STATES]
    )


class ContractForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="医疗机构",
        queryset=None,
        empty_label="—— 请选择 ——",
        error_messages={
            "required": "请选择医疗机构",
            "invalid_choice": "应为本县（市、区）或上级区域的医疗机构",
        },
    )
    services = forms.MultipleChoiceField(
        label="服务内容",
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择至少一项服务内容"},
    )
    patrols_per_month = forms.IntegerField(
        label="每月巡诊次数", min_value=0, max_value=31, initial=0, error_messages=COUNT
    )
    starts_on = forms.DateField(label="起始日期", **DATE)
    ends_on = forms.DateField(label="截止日期", **DATE)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["institution"].label_from_instance = lambda m: (
            f"{m.name}（{m.get_kind_display()}，{m.region.name}）"
        )


class PatrolForm(forms.Form):
    visited_on = forms.DateField(label="巡诊日期", **DATE)
    doctor = forms.CharField(label="巡诊医生", max_length=50, error_messages=REQUIRED)
    residents_seen = forms.IntegerField(
        label="诊视老人（人）", min_value=0, max_value=2000, error_messages=COUNT
    )
    note = forms.CharField(label="情况", max_length=300, required=False)


class UnitForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices)
    filed_on = forms.DateField(label="备案日期", **DATE)
    licence_no = forms.CharField(label="执业许可/备案号", max_length=40, required=False)
    insured = forms.BooleanField(label="医保定点", required=False)
    doctors = forms.IntegerField(
        label="医师（人）", min_value=0, max_value=500, initial=0, error_messages=COUNT
    )
    nurses = forms.IntegerField(
        label="护士（人）", min_value=0, max_value=500, initial=0, error_messages=COUNT
    )
    closed_on = forms.DateField(label="撤销日期（如已撤销）", required=False, **DATE)


class SurveyFilterForm(forms.Form):
    q = forms.CharField(label="姓名/身份证号", required=False, max_length=50)
    answer = forms.ChoiceField(
        label="意愿",
        required=False,
        choices=BLANK
        + [("none", "本年未询问"), ("again", "需重新询问（评估或生活变故后）")]
        + Willingness.Answer.choices,
    )
    region = forms.CharField(label="区划代码", required=False, max_length=12)


class WillingnessForm(forms.Form):
    asked_on = forms.DateField(label="询问日期", **DATE)
    answer = forms.ChoiceField(
        label="意愿", choices=Willingness.Answer.choices, widget=forms.RadioSelect
    )
    occasion = forms.ChoiceField(label="询问缘由", choices=Willingness.Occasion.choices)
    confirmed_by = forms.ChoiceField(
        label="确认方式",
        choices=Willingness.ConfirmedBy.choices,
        widget=forms.RadioSelect,
    )
    confirmer_name = forms.CharField(
        label="监护人姓名（监护人确认时）", max_length=50, required=False
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class ReferralFilterForm(forms.Form):
    q = forms.CharField(label="姓名/机构/原因", required=False, max_length=50)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=BLANK + [("open", "进行中")] + list(Referral.Status.choices),
    )
    origin = forms.ChoiceField(
        label="发起方", required=False, choices=BLANK + list(Referral.Origin.choices)
    )
    late = forms.ChoiceField(
        label="时限", required=False, choices=BLANK + [("yes", "超时")]
    )
    region = forms.ChoiceField(label="区域", required=False, choices=BLANK)
    institution = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = BLANK + list(regions)


class ReferralForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="转入医疗机构",
        queryset=None,
        empty_label="—— 请选择 ——",
        error_messages={
            "required": "请选择转入的医疗机构",
            "invalid_choice": "该医疗机构不在老人所在县（市、区）及上级区域内",
        },
    )
    reason = forms.CharField(
        label="转诊原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写转诊原因"},
    )
    urgency = forms.ChoiceField(
        label="紧急程度",
        choices=Referral.Urgency.choices,
        initial=Referral.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    outside_contract_reason = forms.CharField(
        label="非签约机构转诊理由",
        required=False,
        max_length=200,
        help_text="转往没有有效签约的医疗机构时必填",
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = MedicalInstitution.objects.filter(
            pk__in=[i.pk for i, _ in targets]
        )
        field.choices = [("", "—— 请选择 ——")] + [
            (i.pk, f"{i.name}（{'签约' if c else '未签约'}）") for i, c in targets
        ]


class ReferralConfirmForm(forms.Form):
    send = forms.TypedChoiceField(
        label="处理",
        choices=[("yes", "确认转诊"), ("no", "不转诊")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择确认转诊或不转诊"},
    )
    institution = forms.ModelChoiceField(
        label="转入医疗机构",
        queryset=None,
        required=False,
        empty_label="（按建议）",
    )
    outside_contract_reason = forms.CharField(
        label="非签约机构转诊理由", required=False, max_length=200
    )
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = MedicalInstitution.objects.filter(
            pk__in=[i.pk for i, _ in targets]
        )


class ReferralStepForm(forms.Form):
    to = forms.ChoiceField(
        label="办理", choices=Referral.Status.choices, widget=forms.HiddenInput
    )
    appointment_at = forms.DateTimeField(
        label="预约就诊时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "请按“年-月-日 时:分”填写预约时间"},
    )
    department = forms.CharField(label="预约科室", required=False, max_length=50)
    return_to = forms.ChoiceField(
        label="回转去向",
        required=False,
        choices=[("", "—— 请选择 ——")] + list(Referral.ReturnTo.choices),
    )
    note = forms.CharField(
        label="说明/照护要点",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LiaisonForm(forms.Form):
    full_name = forms.CharField(
        label="联络员姓名", max_length=50, error_messages=REQUIRED
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    username = forms.CharField(
        label="登录用户名", max_length=150, error_messages=REQUIRED
    )
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput, error_messages=REQUIRED
    )


class FhirUploadForm(forms.Form):
    file = forms.FileField(
        label="FHIR R4 Bundle（JSON）",
        error_messages={"required": "请选择要导入的 JSON 文件"},
    )


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="本人答复",
        choices=[
            ("accept", "接受，办理入住"),
            ("decline", "谢绝（保留轮候）"),
            ("withdraw", "撤回安排"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择答复"},
    )
    admitted_on = forms.DateField(label="入住日期", required=False, **DATE)
    note = forms.CharField(
        label="说明", required=False, max_length=300, help_text="谢绝或撤回时必填原因"
    )


class HomeBedForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="建床医疗机构",
        queryset=None,
        empty_label="—— 请选择 ——",
        error_messages={
            "required": "请选择建床医疗机构",
            "invalid_choice": "该医疗机构不在老人所在县（市、区）及上级区域内",
        },
    )
    opened_on = forms.DateField(label="建床日期", **DATE)
    team = forms.CharField(label="医护团队", required=False, max_length=60)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = MedicalInstitution.objects.filter(
            pk__in=[i.pk for i, _ in institutions]
        )


class HomeBedCloseForm(forms.Form):
    closed_on = forms.DateField(label="撤床日期", **DATE)


class FamilyContractForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="签约医疗机构",
        queryset=None,
        empty_label="—— 请选择 ——",
        error_messages={
            "required": "请选择签约医疗机构",
            "invalid_choice": "该医疗机构不在老人所在县（市、区）及上级区域内",
        },
    )
    team = forms.CharField(label="家庭医生团队", required=False, max_length=60)
    package = forms.CharField(label="服务包", required=False, max_length=60)
    starts_on = forms.DateField(label="签约起始日期", **DATE)
    ends_on = forms.DateField(label="签约截止日期", **DATE)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = MedicalInstitution.objects.filter(
            pk__in=[i.pk for i, _ in institutions]
        )


class FamilyContractEndForm(forms.Form):
    ended_on = forms.DateField(label="解约日期", **DATE)
    end_reason = forms.ChoiceField(
        label="解约原因",
        choices=[("", "—— 请选择 ——")] + list(FamilyDoctorContract.EndReason.choices),
        error_messages={"required": "请选择解约原因"},
    )
