from django.urls import path

from yanglao.medical import views, views_health, views_offers, views_referrals

app_name = "medical"

urlpatterns = [
    path("", views.institutions, name="institutions"),
    path("new/", views.institution_new, name="institution_new"),
    path("<int:pk>/", views.institution, name="institution"),
    path("<int:pk>/edit/", views.institution_edit, name="institution_edit"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/legacy/", views.legacy, name="legacy"),
    path("contracts/new/<int:facility_pk>/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("contracts/<int:pk>/renew/", views.contract_renew, name="contract_renew"),
    path("units/<int:facility_pk>/", views.unit_edit, name="unit_edit"),
    path("willingness/", views.survey, name="survey"),
    path("queue/", views.queue, name="queue"),
    path("willingness/<int:elder_pk>/", views.willingness, name="willingness"),
    path("referrals/", views_referrals.referrals, name="referrals"),
    path(
        "referrals/import/", views_referrals.referrals_import, name="referrals_import"
    ),
    path(
        "referrals/new/<int:elder_pk>/",
        views_referrals.referral_new,
        name="referral_new",
    ),
    path("referrals/<int:pk>/", views_referrals.referral, name="referral"),
    path("<int:pk>/liaison/", views_referrals.liaison_new, name="liaison_new"),
    path("queue/<int:elder_pk>/offer/", views_offers.offer_new, name="offer_new"),
    path("offers/<int:pk>/", views_offers.offer, name="offer"),
    path("transfer/<int:elder_pk>/", views_offers.transfer, name="transfer"),
    path("health/", views_health.coverage, name="coverage"),
    path("health/uncovered/", views_health.uncovered, name="uncovered"),
    path(
        "homebeds/new/<int:elder_pk>/", views_health.home_bed_new, name="home_bed_new"
    ),
    path(
        "homebeds/<int:pk>/close/", views_health.home_bed_close, name="home_bed_close"
    ),
    path(
        "family-doctors/new/<int:elder_pk>/",
        views_health.family_contract_new,
        name="family_contract_new",
    ),
    path(
        "family-doctors/<int:pk>/end/",
        views_health.family_contract_end,
        name="family_contract_end",
    ),
]
