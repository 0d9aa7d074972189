from django.urls import path

from yanglao.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("table/", views.table_export, name="table"),
    path("statistics/", views.statistics_export, name="statistics"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("<str:indicator>/", views.detail, name="detail"),
    path("<str:indicator>/gap/", views.gap, name="gap"),
    path("<str:indicator>/targets/", views.target_new, name="target_new"),
]
