from django.urls import path

from yanglao.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.my_list, name="mine"),
    path("entry/<int:pk>/", views.record, name="record"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close, name="follow_up_close"),
    path("rates/", views.rates, name="rates"),
    path("overdue/", views.overdue, name="overdue"),
    path("roster/build/", views.roster_build, name="roster_build"),
]
