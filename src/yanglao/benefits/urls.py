from django.urls import path

from yanglao.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/versions/new/", views.version_new, name="version_new"),
    path(
        "programmes/<int:pk>/versions/close/", views.version_close, name="version_close"
    ),
    path("applications/", views.applications, name="applications"),
    path("applications/decide/", views.applications_decide, name="applications_decide"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("elders/<int:elder_id>/apply/", views.application_new, name="application_new"),
    path("elders/<int:elder_id>/", views.history, name="history"),
    path("staff/<int:staff_id>/", views.staff_check, name="staff_check"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/progress/", views.cycle_progress, name="cycle_progress"),
    path("cycles/<int:pk>/approve/", views.cycle_approve, name="cycle_approve"),
    path("cycles/<int:pk>/export.<str:fmt>", views.cycle_export, name="cycle_export"),
    path("cycles/<int:pk>/batches/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/file.<str:fmt>", views.bank_file, name="bank_file"),
    path("recovery/", views.recovery, name="recovery"),
]
