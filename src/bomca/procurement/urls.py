from __future__ import annotations

from django.urls import path

from bomca.procurement import views

app_name = "procurement"
urlpatterns = [
    path("", views.need_list_view, name="list"),
    path("new/", views.need_create_view, name="create"),
    path("export/", views.need_export_view, name="export"),
    path("<str:reference>/", views.need_detail_view, name="detail"),
    path("<str:reference>/edit/", views.need_edit_view, name="edit"),
    path("<str:reference>/move/", views.need_move_view, name="move"),
    path("<str:reference>/deliveries/new/", views.delivery_create_view, name="delivery_create"),
    path("<str:reference>/hand-overs/new/", views.hand_over_create_view, name="hand_over_create"),
    path(
        "<str:reference>/hand-overs/<int:pk>/certificate/",
        views.certificate_download_view,
        name="certificate",
    ),
]
