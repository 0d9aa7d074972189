from django.urls import path

from yanglao.alarms import views

app_name = "alarms"

urlpatterns = [
    path("", views.console, name="console"),
    path("queue/", views.queue, name="queue"),
    path("stream/", views.stream, name="stream"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("report/", views.report, name="report"),
    path("history/", views.alarm_list, name="list"),
    path("history/export.<str:fmt>", views.alarm_list, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/card/", views.card, name="card"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/call/", views.call, name="call"),
    path("<int:pk>/call/outcome/", views.call_outcome, name="call_outcome"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("devices/", views.device_list, name="devices"),
    path("devices/export.<str:fmt>", views.device_list, name="devices_export"),
    path("devices/new/", views.device_new, name="device_new"),
    path("devices/<int:pk>/", views.device_detail, name="device"),
    path("devices/<int:pk>/bind/", views.device_bind, name="device_bind"),
    path(
        "devices/<int:pk>/bind-facility/",
        views.device_bind_facility,
        name="device_bind_facility",
    ),
    path("devices/<int:pk>/unbind/", views.device_unbind, name="device_unbind"),
    path("devices/<int:pk>/reset/", views.device_reset, name="device_reset"),
    path("thresholds/<int:elder_pk>/", views.thresholds, name="thresholds"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("notifications/", views.notifications, name="notifications"),
]
