from django.urls import path

from yanglao.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("new/", views.facility_create, name="create"),
    path("export.<str:fmt>", views.facility_export, name="export"),
    path("beds/export.<str:fmt>", views.bed_export, name="bed_export"),
    path("staff/export.<str:fmt>", views.staff_export, name="staff_export"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("<int:pk>/beds/new/", views.bed_add, name="bed_add"),
    path("beds/<int:pk>/accept/", views.bed_accept, name="bed_accept"),
    path("<int:pk>/admissions/new/", views.admission_add, name="admission_add"),
    path("admissions/<int:pk>/discharge/", views.admission_discharge, name="discharge"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_hire, name="staff_hire"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/trainings/new/", views.training_add, name="training_add"),
    path("bans/", views.ban_list, name="ban_list"),
    path("bans/new/", views.ban_add, name="ban_add"),
]
