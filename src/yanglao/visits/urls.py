from django.urls import path

from yanglao.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.my_list, name="mine"),
    path("entry/<int:pk>/", views.record, name="record"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close, name="follow_up_close"),
    path("rates/", views.rates, name="rates"),
    path("rates/export.<str:fmt>", views.rates_export, name="rates_export"),
    path("plan/", views.plan, name="plan"),
    path("visit/<int:pk>/photo/", views.photo, name="photo"),
    path("entry/<int:pk>/assign/", views.entry_assign, name="assign"),
    path("plan/assign/", views.plan_assign, name="plan_assign"),
    path("overdue/", views.overdue, name="overdue"),
    path("roster/build/", views.roster_build, name="roster_build"),
]
