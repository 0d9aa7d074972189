from django.urls import path

from yanglao.supervision import views

app_name = "supervision"
urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/commit/", views.commit, name="commit"),
    path("draws/<int:pk>/run/", views.run, name="run"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
]
public = [
    path("draws/", views.public_draws, name="public_draws"),
    path("draws/<int:pk>/", views.public_draw, name="public_draw"),
    path("draws/<int:pk>/record.json", views.public_record, name="public_record"),
    path("complaints/new/", views.public_complaint, name="complaint_new"),
    path("complaints/track/", views.public_complaint_track, name="complaint_track"),
]
