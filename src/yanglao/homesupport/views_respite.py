"""喘息服务 and 家庭照护者培训 pages: the stays of an area (search, filters, pagination, the year's
days used by month), booking (a family member for their person, staff for a person of their
area) with the free beds of the county, a stay's page with check-in and check-out; training
courses with the 人次 trained against the 4,000 target, sessions, sign-up, attendance and
certificates. Both show whether the family carer is trained."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.charts import bar_chart
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import ValidationFailed
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    form_page,
    found_or_404,
    list_page,
    require,
    save_form,
)
from yanglao.elders.selectors import find_one_elder
from yanglao.homecare.selectors import family_elders
from yanglao.homesupport import forms, selectors, services
from yanglao.homesupport.models import Attendance, RespiteStay

NAV = "respite"
TRAINING_TARGET = 4000  # JDZ-26: 培训养老护理员和家庭照护者4000人次


@login_required
def stays(request):
    require(permissions.may_view_respite(request.user))
    year = timezone.localdate().year

    def extra(rows):
        by_month = dict(
            rows.filter(start_on__year=year)
            .exclude(state=RespiteStay.State.CANCELLED)
            .annotate(m=ExtractMonth("start_on"))
            .values_list("m")
            .annotate(d=Sum("days"))
            .values_list("m", "d")
        )
        return {
            "year": year,
            "days_total": sum(by_month.values()),
            "chart": bar_chart(
                [(f"{m}月", by_month.get(m, 0)) for m in range(1, 13)],
                title=f"{year}年喘息服务天数（按开始月份）",
                unit="天",
            ),
        }

    return list_page(
        request,
        forms.StayFilterForm(request.GET or None),
        make_filter=selectors.StayFilter,
        select=selectors.stay_list,
        template="homesupport/stays.html",
        nav=NAV,
        extra=extra,
    )


def _beds_for(request, elder, start, days):
    if elder is None or start is None or not days:
        return []
    end = start + dt.timedelta(days=max(days, 1) - 1)
    return list(selectors.free_beds(elder.residence_region, start, end)[:200])


@login_required
def stay_new(request):
    require(permissions.may_book_respite(request.user))
    user = request.user
    linked = family_elders(by=user) if permissions.is_family(user) else None
    data = request.POST or request.GET or None
    elder = None
    start = days = None
    probe = forms.BookForm(data, elders=linked)
    probe.is_valid()
    cleaned = getattr(probe, "cleaned_data", {})
    start, days = cleaned.get("start_on"), cleaned.get("days")
    if linked is not None:
        elder = next(
            (e for e in linked if str(e.pk) == str(cleaned.get("elder"))), None
        )
        elder = elder or (linked[0] if linked else None)
    elif cleaned.get("elder"):
        elder, _why = find_one_elder(by=user, text=cleaned["elder"])
    start = start or timezone.localdate() + dt.timedelta(days=1)
    days = days or 3
    beds = _beds_for(request, elder, start, days)
    initial = {"start_on": start, "days": days}
    form = forms.BookForm(
        request.POST or None, elders=linked, beds=beds, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        why = ""
        if linked is None:
            elder, why = find_one_elder(by=user, text=d["elder"])
        bed = next((b for b in beds if str(b.pk) == d["bed"]), None)
        try:
            if elder is None:
                raise ValidationFailed({"elder": why or "请选择老年人"})
            stay = services.respite_book(
                by=user,
                elder=elder,
                bed=bed,
                start_on=d["start_on"],
                days=d["days"],
                carer_name=d["carer_name"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已预约喘息服务 {stay.days} 天")
            return redirect("homesupport:stay", pk=stay.pk)
    left = ""
    if elder is not None:
        left = f"{elder.name}今年已预约或使用喘息服务 {selectors.days_used(elder, start.year)} 天。"
    return form_page(
        request,
        form,
        heading="预约喘息服务",
        cancel_url=reverse("homesupport:stays"),
        nav=NAV,
        intro=f"{left}床位为老年人所在县（市、区）养老机构在这段时间空闲的床位；改了日期或天数后请先点“查询空床”。",
    )


@login_required
def stay(request, pk: int):
    require(permissions.may_view_respite(request.user))
    found = found_or_404(selectors.stay_get, by=request.user, pk=pk)
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "check_in":
                services.respite_check_in(by=request.user, stay=found)
            elif do == "end":
                services.respite_end(by=request.user, stay=found)
            elif do == "cancel":
                services.respite_cancel(
                    by=request.user, stay=found, reason=request.POST.get("reason", "")
                )
            else:
                raise ValidationFailed({"__all__": "未知的操作"})
        except ValidationFailed as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, "已办理")
        return redirect("homesupport:stay", pk=found.pk)
    return render(
        request,
        "homesupport/stay.html",
        {
            "nav": NAV,
            "s": found,
            "trained": selectors.trained_carers(found.elder),
            "used": selectors.days_used(found.elder, found.start_on.year),
            "may_run": permissions.may_run_respite_stays(request.user),
        },
    )


# --- training ---------------------------------------------------------------------------------


@login_required
def courses(request):
    require(permissions.may_view_carer_training(request.user))
    year = timezone.localdate().year
    region = request.user.region if getattr(request.user, "region_id", None) else None
    rows = list(
        selectors.course_list(by=request.user).annotate(
            sessions_n=Count("sessions", distinct=True),
        )
    )
    attended = Attendance.objects.filter(
        attended=True, session__course__in=[c.pk for c in rows]
    )
    by_year = dict(
        attended.values_list("session__held_on__year")
        .annotate(n=Count("pk"))
        .values_list("session__held_on__year", "n")
    )
    return render(
        request,
        "homesupport/courses.html",
        {
            "nav": "training",
            "courses": rows,
            "region": region,
            "total": sum(by_year.values()),
            "this_year": by_year.get(year, 0),
            "target": TRAINING_TARGET,
            "certificates": attended.exclude(certificate_no="").count(),
            "chart": bar_chart(
                [(f"{y}年", n) for y, n in sorted(by_year.items())],
                title="家庭照护者培训人次（按年度）",
                unit="人次",
            ),
            "form": forms.CourseForm()
            if permissions.may_run_carer_training(request.user)
            else None,
        },
    )


@login_required
def course_new(request):
    require(permissions.may_run_carer_training(request.user))
    form = forms.CourseForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda d: services.course_create(by=request.user, **d),
        success="已开设课程",
        next_url=lambda c: reverse("homesupport:course", args=[c.pk]),
    )
    return done or form_page(
        request,
        form,
        heading="开设家庭照护者培训课程",
        cancel_url=reverse("homesupport:courses"),
        nav="training",
    )


@login_required
def course(request, pk: int):
    require(permissions.may_view_carer_training(request.user))
    found = found_or_404(selectors.course_get, by=request.user, pk=pk)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST":
        require(permissions.may_run_carer_training(request.user))
        done = save_form(
            request,
            form,
            lambda d: services.session_create(by=request.user, course=found, **d),
            success="已安排班次",
            next_url=lambda s: reverse("homesupport:session", args=[s.pk]),
        )
        if done:
            return done
    sessions = found.sessions.annotate(
        signed=Count("attendances"),
        came=Count("attendances", filter=Q(attendances__attended=True)),
    )
    return render(
        request,
        "homesupport/course.html",
        {"nav": "training", "c": found, "sessions": sessions, "form": form},
    )


@login_required
def session(request, pk: int):
    require(permissions.may_view_carer_training(request.user))
    found = found_or_404(selectors.session_get, by=request.user, pk=pk)
    form = forms.AttendeeForm(request.POST if request.POST.get("do") == "add" else None)
    if request.method == "POST":
        require(permissions.may_run_carer_training(request.user))
        do = request.POST.get("do")
        try:
            if do == "add":
                if not form.is_valid():
                    raise ValidationFailed({})
                d = form.cleaned_data
                elder, why = find_one_elder(by=request.user, text=d["elder"])
                if elder is None:
                    raise ValidationFailed({"elder": why})
                services.attendance_add(
                    by=request.user,
                    session=found,
                    elder=elder,
                    carer_name=d["carer_name"],
                    relation=d["relation"],
                )
            elif do == "mark":
                chosen = request.POST.get("attendance", "")
                attendance = (
                    found.attendances.filter(pk=int(chosen)).first()
                    if ascii_digits(chosen)
                    else None
                )
                if attendance is None:
                    raise ValidationFailed({"__all__": "没有这条报名记录"})
                services.attendance_mark(
                    by=request.user,
                    attendance=attendance,
                    attended=request.POST.get("attended") == "on",
                    certificate_no=request.POST.get("certificate_no", ""),
                )
            else:
                raise ValidationFailed({"__all__": "未知的操作"})
        except ValidationFailed as exc:
            if do == "add":
                add_service_errors(form, exc)
            else:
                flash_errors(request, exc)
        else:
            messages.success(request, "已保存")
            return redirect("homesupport:session", pk=found.pk)
    return render(
        request,
        "homesupport/session.html",
        {
            "nav": "training",
            "s": found,
            "rows": found.attendances.select_related("elder").order_by("pk"),
            "form": form,
        },
    )
