"""Forms of the home-service pages; the services check everything again and give the reasons."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from yanglao.core.forms import DateInput
from yanglao.homecare.catalogue import MODIFICATIONS
from yanglao.homecare.models import Meal, ServiceItem
from yanglao.homecare.rules import STATE_CHOICES

WEEKDAYS = [
    (1, "周一"),
    (2, "周二"),
    (3, "周三"),
    (4, "周四"),
    (5, "周五"),
    (6, "周六"),
    (7, "周日"),
]


class OrderForm(forms.Form):
    """下单 (large type): for whom, which service from whom, when, and who pays."""

    elder = forms.TypedChoiceField(label="为谁下单", coerce=int)
    # Choices one taps, each whole on the screen with its price (适老化: a drop-down cuts the
    # label on a phone and hides the other choices).
    offer = forms.ChoiceField(
        label="服务项目和服务商",
        widget=forms.RadioSelect(attrs={"class": "choice-cards"}),
    )
    day = forms.DateField(label="日期", widget=DateInput())
    time = forms.TimeField(label="时间", widget=forms.TimeInput(attrs={"type": "time"}))
    quantity = forms.IntegerField(
        label="数量（次/小时/餐）", min_value=1, max_value=12, initial=1
    )
    voucher = forms.TypedChoiceField(
        label="使用服务券/政府购买服务额度",
        coerce=int,
        required=False,
        empty_value=None,
    )
    rest_paid_by = forms.ChoiceField(
        label="其余费用由", choices=[("self", "老人本人支付"), ("family", "家属支付")]
    )
    note = forms.CharField(
        label="备注（如门禁密码、注意事项）", max_length=200, required=False
    )

    def __init__(self, *args, elders=(), offers=(), vouchers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elder"].choices = [
            (e.pk, f"{e.name}（{e.residence_region.name}）") for e in elders
        ]
        # Grouped by provider, so each choice is just the item and its price.
        self.fields["offer"].choices = [
            (
                p.name,
                [
                    (
                        f"{p.pk}:{item.pk}",
                        f"{item.name} {fen / 100:.2f}元/{item.get_unit_display()}",
                    )
                    for item, fen in items
                ],
            )
            for p, items in offers
        ]
        self.fields["voucher"].choices = [("", "不使用")] + [
            (v.pk, label) for v, label in vouchers
        ]

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            data["slot_start"] = timezone.make_aware(
                dt.datetime.combine(data["day"], data["time"])
            )
        return data


class OrderFilterForm(forms.Form):
    q = forms.CharField(label="老人姓名或工单号", required=False)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部")] + STATE_CHOICES
    )
    item = forms.ChoiceField(label="服务项目", required=False)
    since = forms.DateField(label="自", required=False, widget=DateInput())
    until = forms.DateField(label="至", required=False, widget=DateInput())
    problem = forms.BooleanField(label="只看异常", required=False)
    elder = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput
    )  # from the person's page (一人一档)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "全部")] + list(
            ServiceItem.objects.filter(active=True).values_list("code", "name")
        )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "结束日期早于开始日期")
        return data


class StepForm(forms.Form):
    """The fields any step may need; the service says which are missing."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=200, required=False)
    carer = forms.IntegerField(label="服务人员", required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    done_items = forms.CharField(label="完成内容", required=False)
    note = forms.CharField(label="服务记录", max_length=500, required=False)
    score = forms.IntegerField(label="评分", required=False)
    text = forms.CharField(label="评价", max_length=300, required=False)


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label="投诉内容", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    note = forms.CharField(label="办理情况", max_length=300)


class SettlementForm(forms.Form):
    provider = forms.TypedChoiceField(label="服务商", coerce=int)
    month = forms.DateField(label="月份（该月任一天）", widget=DateInput())

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]


class BedForm(forms.Form):
    elder_id = forms.IntegerField(label="老年人档案号")
    facility = forms.TypedChoiceField(label="签约机构", coerce=int)
    provider = forms.TypedChoiceField(label="上门服务方（服务商）", coerce=int)
    signed_on = forms.DateField(label="签约日期", widget=DateInput())
    modifications = forms.MultipleChoiceField(
        label="适老化改造项目",
        required=False,
        choices=[(m, m) for m in MODIFICATIONS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, facilities=(), providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [(f.pk, f.name) for f in facilities]
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]


class PlanLineForm(forms.Form):
    item = forms.TypedChoiceField(label="服务项目", coerce=int)
    weekdays = forms.TypedMultipleChoiceField(
        label="每周服务日",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    at = forms.TimeField(label="时间", widget=forms.TimeInput(attrs={"type": "time"}))
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=12, initial=1)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (i.pk, f"{i.name}（{fen / 100:.2f} 元）") for i, fen in items
        ]


class WeekForm(forms.Form):
    week = forms.DateField(label="生成哪一周的工单（该周任一天）", widget=DateInput())


class MenuForm(forms.Form):
    day = forms.DateField(label="日期", widget=DateInput())
    dishes = forms.CharField(label="菜品", max_length=300)
    price = forms.DecimalField(
        label="标准价（元）", min_value=0, max_digits=7, decimal_places=2
    )


class MealForm(forms.Form):
    elder_id = forms.IntegerField(label="老年人档案号")
    kind = forms.ChoiceField(label="餐次", choices=Meal.Kind.choices)
    mode = forms.ChoiceField(label="方式", choices=Meal.Mode.choices)


class PeriodForm(forms.Form):
    since = forms.DateField(label="自", required=False, widget=DateInput())
    until = forms.DateField(label="至", required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "结束日期不能早于开始日期")
        if since and until and (until - since).days > 366:
            self.add_error("until", "时段最长一年")
        return data


class FamilyLinkForm(forms.Form):
    username = forms.CharField(label="家属账户（用户名）", max_length=150)
    elder_id = forms.IntegerField(label="老年人档案号")
    relation = forms.CharField(label="与老人的关系", max_length=20)
    consent = forms.ChoiceField(
        label="同意方式",
        choices=[("elder", "老年人本人同意"), ("community", "社区核实同意")],
    )
