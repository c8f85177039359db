"""The few pages that belong to no one domain."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bomca.core.glossary import TERMS


@login_not_required
def glossary_view(request: HttpRequest) -> HttpResponse:
    """The terms of the trade, each with its anchor, linked from the forms and the footer."""
    return render(request, "glossary.html", {"terms": TERMS})
