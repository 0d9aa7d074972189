from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yanglao.core.pagination import page_of
from yanglao.core.views import querystring_without_page
from yanglao.regions import selectors


@login_required
def region_tree(request):
    q = request.GET.get("q", "").strip()
    if q:
        page = page_of(
            selectors.region_list(by=request.user, q=q), request.GET, per_page=50
        )
        return render(
            request,
            "regions/search.html",
            {
                "nav": "regions",
                "page": page,
                "q": q,
                "querystring": querystring_without_page(request.GET),
            },
        )
    roots = selectors.region_roots(by=request.user)
    return render(
        request,
        "regions/tree.html",
        {"nav": "regions", "region": None, "children": roots, "ancestors": []},
    )


@login_required
def region_detail(request, code: str):
    region = selectors.region_get(by=request.user, code=code)
    children = selectors.region_list(by=request.user, parent=region)
    context = {
        "nav": "regions",
        "region": region,
        "children": children,
        "ancestors": selectors.region_ancestors(region)[:-1],
    }
    return render(request, "regions/tree.html", context)
