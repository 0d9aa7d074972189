from django.urls import path

from yanglao.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/errors.xlsx", views.error_report, name="errors"),
]
