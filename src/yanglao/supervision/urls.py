from django.urls import path

from yanglao.supervision.views import cases, credit, emergency, prepaid
from yanglao.supervision.views import draws as views

app_name = "supervision"
urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/commit/", views.commit, name="commit"),
    path("draws/<int:pk>/run/", views.run, name="run"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path(
        "inspections/photos/<int:pk>/",
        views.inspection_photo,
        name="inspection_photo",
    ),
    path(
        "inspections/<int:pk>/answers/",
        views.inspection_answers,
        name="inspection_answers",
    ),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("cases/", cases.cases, name="cases"),
    path("cases/<int:pk>/", cases.case, name="case"),
    path("emergency/", emergency.overview, name="emergency"),
    path("emergency/<int:pk>/", emergency.facility, name="emergency_facility"),
    path("prepaid/", prepaid.accounts, name="prepaid_accounts"),
    path("prepaid/<int:pk>/", prepaid.account, name="prepaid_account"),
    path("gradings/", credit.gradings, name="gradings"),
    path("gradings/<int:pk>/", credit.grading, name="grading"),
    path("credit/", credit.credit, name="credit"),
    path(
        "credit/facility/<int:pk>/",
        credit.credit_subject,
        {"kind": "facility"},
        name="credit_facility",
    ),
    path(
        "credit/provider/<int:pk>/",
        credit.credit_subject,
        {"kind": "provider"},
        name="credit_provider",
    ),
]
public = [
    path("draws/", views.public_draws, name="public_draws"),
    path("results/", views.public_results, name="public_results"),
    path("draws/<int:pk>/", views.public_draw, name="public_draw"),
    path("draws/<int:pk>/record.json", views.public_record, name="public_record"),
    path("complaints/new/", views.public_complaint, name="complaint_new"),
    path("complaints/track/", views.public_complaint_track, name="complaint_track"),
]
