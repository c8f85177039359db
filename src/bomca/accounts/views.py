"""The security log and the trail of changes, for administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bomca.accounts import access
from bomca.accounts.forms import AuditFilterForm
from bomca.accounts.selectors import audit_event_list, record_change_list

PAGE_SIZE = 50


def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not access.may_view_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    events = Paginator(audit_event_list(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    changes = [] if filters.kind else record_change_list(filters=filters, limit=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "events": events, "changes": changes, "query": query.urlencode()}
    return render(request, "accounts/audit_log.html", context)
