from django.urls import path

from yanglao.homesupport import views

app_name = "homesupport"

urlpatterns = [
    path("aids/", views.points, name="points"),
    path("aids/new/", views.point_new, name="point_new"),
    path("aids/<int:pk>/", views.point, name="point"),
    path("aids/<int:pk>/devices/new/", views.device_new, name="device_new"),
    path("aids/devices/<int:pk>/", views.device, name="device"),
]
