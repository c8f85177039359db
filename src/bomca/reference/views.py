"""Pages about the reference data itself."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bomca.reference.models import Programme


def not_found_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; on a fresh installation, where every programme page is missing because no
    programme is loaded yet, it says so and how to load one (one query, on 404s only)."""
    no_programme = not Programme.objects.exists()
    return render(request, "404.html", {"no_programme": no_programme}, status=404)
