from django.urls import path

from yanglao.homecare import views

app_name = "homecare"
urlpatterns = [
    path("", views.index, name="index"),
    path("family/", views.family, name="family"),
    path("order/new/", views.order_new, name="order_new"),
    path("orders/", views.orders, name="orders"),
    path("orders/export.<str:fmt>", views.orders_export, name="orders_export"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/step/<slug:step>/", views.order_step, name="order_step"),
    path("orders/<int:pk>/complaint/", views.complaint, name="complaint"),
    path("orders/<int:pk>/photo/", views.order_photo, name="order_photo"),
    path("orders/<int:pk>/call/", views.order_call, name="order_call"),
    path("carer/", views.carer_day, name="carer_day"),
    path("supervision/", views.supervision, name="supervision"),
    path("concerns/<int:pk>/close/", views.concern_close, name="concern_close"),
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement"),
    path(
        "settlements/<int:pk>/export.xlsx",
        views.settlement_export,
        name="settlement_export",
    ),
    path(
        "settlements/<int:pk>/approve/",
        views.settlement_approve,
        name="settlement_approve",
    ),
    path("beds/", views.beds, name="beds"),
    path("beds/new/", views.bed_new, name="bed_new"),
    path("beds/<int:pk>/", views.bed_detail, name="bed"),
    path("beds/generate/", views.plans_generate, name="plans_generate"),
    path("meals/", views.meals, name="meals"),
    path("meals/<int:pk>/", views.canteen, name="canteen"),
    path("figures/", views.figures, name="figures"),
    path("family-links/", views.family_links, name="family_links"),
    path("family-links/<int:pk>/end/", views.family_unlink, name="family_unlink"),
]
