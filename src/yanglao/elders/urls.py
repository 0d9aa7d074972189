from django.urls import path

from yanglao.elders import views

app_name = "elders"
urlpatterns = [
    path("", views.elder_list, name="list"),
    path("new/", views.elder_create, name="create"),
    path("export.<str:fmt>", views.elder_export, name="export"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("merge/", views.merge, name="merge"),
    path("<int:pk>/", views.elder_detail, name="detail"),
    path("<int:pk>/edit/", views.elder_edit, name="edit"),
    path("<int:pk>/reveal/", views.elder_reveal, name="reveal"),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:pk>/events/new/", views.life_event_add, name="event_add"),
    path("<int:pk>/categories/new/", views.category_add, name="category_add"),
]
