from __future__ import annotations

from django.urls import path

from bomca.grants.views import calls, follow_up, projects

app_name = "grants"
urlpatterns = [
    path("", projects.project_list_view, name="list"),
    path("export/", projects.project_export_view, name="export"),
    path("calls/", calls.call_list_view, name="calls"),
    path("calls/new/", calls.call_create_view, name="call_create"),
    path("calls/<str:reference>/", calls.call_detail_view, name="call_detail"),
    path("calls/<str:reference>/edit/", calls.call_edit_view, name="call_edit"),
    path(
        "calls/<str:reference>/applications/new/",
        calls.application_create_view,
        name="application_create",
    ),
    path(
        "applications/<int:application_id>/", calls.application_edit_view, name="application_edit"
    ),
    path(
        "applications/<int:application_id>/contract/",
        projects.project_create_view,
        name="project_create",
    ),
    path("reports/<int:report_id>/", follow_up.report_edit_view, name="report_edit"),
    path("reports/<int:report_id>/people/", follow_up.people_reached_view, name="people_reached"),
    path("<str:contract_number>/", projects.project_detail_view, name="detail"),
    path("<str:contract_number>/edit/", projects.project_edit_view, name="edit"),
    path("<str:contract_number>/status/", projects.project_move_view, name="move"),
    path("<str:contract_number>/reports/new/", follow_up.report_create_view, name="report_create"),
    path(
        "<str:contract_number>/payments/new/", follow_up.payment_create_view, name="payment_create"
    ),
]
