from django.urls import path

from yanglao.homesupport import views, views_modifications, views_respite

app_name = "homesupport"

urlpatterns = [
    path("aids/", views.points, name="points"),
    path("aids/new/", views.point_new, name="point_new"),
    path("aids/<int:pk>/", views.point, name="point"),
    path("aids/<int:pk>/devices/new/", views.device_new, name="device_new"),
    path("aids/devices/<int:pk>/", views.device, name="device"),
    path("modifications/", views_modifications.projects, name="projects"),
    path("modifications/findings/", views_modifications.findings, name="findings"),
    path("modifications/new/", views_modifications.project_new, name="project_new"),
    path("modifications/tasks/", views_modifications.quotas, name="quotas"),
    path("modifications/<int:pk>/", views_modifications.project, name="project"),
    path(
        "modifications/<int:pk>/checklist/",
        views_modifications.checklist,
        name="checklist",
    ),
    path(
        "modifications/<int:pk>/photos/<str:stage>/",
        views_modifications.photo_add,
        name="photo_add",
    ),
    path(
        "modifications/photos/<int:pk>/",
        views_modifications.photo,
        name="photo",
    ),
    path("respite/", views_respite.stays, name="stays"),
    path("respite/new/", views_respite.stay_new, name="stay_new"),
    path("respite/<int:pk>/", views_respite.stay, name="stay"),
    path("training/", views_respite.courses, name="courses"),
    path("training/new/", views_respite.course_new, name="course_new"),
    path("training/<int:pk>/", views_respite.course, name="course"),
    path("training/sessions/<int:pk>/", views_respite.session, name="session"),
]
