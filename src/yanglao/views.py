"""The home page: figures for the user's scope across the registry apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_POST

from yanglao.assessments.instrument import SHORT_LEVEL_NAMES
from yanglao.core import permissions, textsize
from yanglao.core.charts import bar_chart, ratio_ring
from yanglao.core.scope import sees_everything, user_region_path
from yanglao.elders.selectors import elder_counts
from yanglao.facilities.selectors import facility_counts, facility_list

# A whole city's figures aggregate ~270,000 people (0.35–0.6 s); people who share a scope share
# the figures for a minute. The page says when they were computed.
HOME_CACHE_SECONDS = 60


def _scope_key(user) -> str:
    if sees_everything(user):
        return "all"
    if not permissions.acts_for_region(user):
        return f"user:{user.pk}"  # facility, provider, assessor: figures of their own
    return f"region:{user_region_path(user)}"


def _home_figures(user) -> dict:
    key = f"home-figures:{_scope_key(user)}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "elders": elder_counts(by=user),
            "facilities": facility_counts(by=user),
            "computed_at": timezone.localtime(),
        }
        cache.set(key, figures, HOME_CACHE_SECONDS)
    return figures


@require_POST
def text_size(request):
    """Keep the reader's 字号 (core.textsize) and go back to the page they were on."""
    chosen = request.POST.get("size", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    response = redirect(back)
    if chosen in textsize.SIZES:
        response.set_cookie(
            textsize.COOKIE,
            chosen,
            max_age=textsize.YEAR,
            samesite="Lax",
            httponly=True,
        )
    return response


def own_work(user) -> str | None:
    """Where an account whose work is not a region's lands (issue 21): its own work, not a
    dashboard of figures it does not own. None: the region dashboard."""
    if permissions.works_on_phone_only(user):
        return reverse("homecare:index")  # 今日工单 / the family's relative, on a phone
    if permissions.acts_for_provider(user):
        return reverse("homecare:orders")  # orders waiting, carers, settlement
    if permissions.is_assessor(user):
        return reverse("assessments:list")  # 我的评估
    if permissions.is_operator(user):
        return reverse("alarms:console")  # 接警台
    if permissions.is_dispatch_lead(user):
        return reverse("alarms:supervisor")  # 值班监控
    if permissions.is_medical_liaison(user):
        return reverse("medical:referrals")  # the referrals sent to their institution
    if permissions.acts_for_facility(user):
        facility = facility_list(by=user).first()
        return reverse("facilities:detail", args=[facility.pk]) if facility else None
    return None


@login_required
def home(request):
    if (place := own_work(request.user)) is not None:
        return redirect(place)
    figures = _home_figures(request.user)
    elders, facilities = figures["elders"], figures["facilities"]
    context = {
        "nav": "home",
        "scope_name": request.user.region.name if request.user.region_id else "",
        "elders": elders,
        "facilities": facilities,
        "computed_at": figures["computed_at"],
        "age_chart": bar_chart(
            elders["age_bands"], title="在册老年人年龄结构", unit="人"
        ),
        "category_chart": bar_chart(
            elders["categories"], title="困难类别老年人（在册）", unit="人"
        ),
        "ability_chart": bar_chart(
            [
                (
                    f"{level}级 {SHORT_LEVEL_NAMES[level]}"
                    if level is not None
                    else "未评估",
                    n,
                )
                for level, n in elders["ability_levels"]
            ],
            title="在册老年人能力等级（GB/T 42195-2022）",
            unit="人",
        ),
        "facility_chart": bar_chart(
            [d for d in facilities["by_type"] if d[1]],
            title="养老服务设施（按类型）",
            unit="个",
        ),
        "nursing_ring": ratio_ring(facilities["nursing_share"], title="护理型床位占比"),
        "occupancy_ring": ratio_ring(facilities["occupancy"], title="机构床位使用率"),
    }
    return render(request, "core/home.html", context)


# --- error pages: Chinese pages, and JSON under /api/ (issue 20, mechanism 9) ---------------------

API_ERRORS = {
    400: "请求有误",
    403: "没有权限",
    404: "不存在",
    500: "服务器内部错误，请稍后重试",
}


def _api_error(request, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": API_ERRORS[status]}, status=status)
    return None


def bad_request(request, exception=None):
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return _api_error(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return _api_error(request, 404) or defaults.page_not_found(request, exception)


def server_error(request):
    return _api_error(request, 500) or defaults.server_error(request)
