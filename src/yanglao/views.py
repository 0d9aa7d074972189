"""The home page: figures for the user's scope across the registry apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yanglao.core.charts import bar_chart, ratio_ring
from yanglao.elders.selectors import elder_counts
from yanglao.facilities.selectors import facility_counts


@login_required
def home(request):
    elders = elder_counts(by=request.user)
    facilities = facility_counts(by=request.user)
    context = {
        "nav": "home",
        "scope_name": request.user.region.name if request.user.region_id else "",
        "elders": elders,
        "facilities": facilities,
        "age_chart": bar_chart(
            elders["age_bands"], title="在册老年人年龄结构", unit="人"
        ),
        "category_chart": bar_chart(
            elders["categories"], title="困难类别老年人（在册）", unit="人"
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
