from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from yanglao.accounts.views import LoginView, LogoutView
from yanglao.api import api_urls
from yanglao.supervision.urls import public as supervision_public
from yanglao.views import home, text_size

admin.site.site_header = admin.site.site_title = "养老服务综合信息平台 · 后台管理"

# The API first: its clients make most of the requests, and Django tries the patterns in order.
urlpatterns = [
    path("api/", api_urls()),
    path("", home, name="home"),
    path("text-size/", text_size, name="text_size"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("elders/", include("yanglao.elders.urls")),
    path("indicators/", include("yanglao.indicators.urls")),
    path("supervision/", include("yanglao.supervision.urls")),
    path("medical/", include("yanglao.medical.urls")),
    path("homesupport/", include("yanglao.homesupport.urls")),
    # 一公开: pages anyone reads without logging in
    path("public/", include((supervision_public, "public"))),
    path("assessments/", include("yanglao.assessments.urls")),
    path("imports/", include("yanglao.imports.urls")),
    path("visits/", include("yanglao.visits.urls")),
    path("benefits/", include("yanglao.benefits.urls")),
    path("alarms/", include("yanglao.alarms.urls")),
    path("homecare/", include("yanglao.homecare.urls")),
    path("facilities/", include("yanglao.facilities.urls")),
    path("regions/", include("yanglao.regions.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the Django admin's).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("yanglao/favicon.svg"), permanent=True),
    ),
]

handler400 = "yanglao.views.bad_request"
handler403 = "yanglao.views.permission_denied"
handler404 = "yanglao.views.page_not_found"
handler500 = "yanglao.views.server_error"
