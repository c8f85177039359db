"""The IATI file of a programme through the API: what the web download and ``bomca iati
export`` write, nothing personal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Query, Router, Schema

from bomca.api.responses import json_response
from bomca.iati.views import iati_export_view

router = Router(tags=["iati"])

#: The web download's answer when the programme has no IATI publication settings.
CONFLICT = 409

_PROBLEM = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array"}},
    },
    "required": ["detail"],
}
_RESPONSES = {
    "responses": {
        200: {
            "description": "The IATI 2.03 activities file, as an attachment.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        },
        CONFLICT: {
            "description": "The programme has no IATI publication settings yet.",
            "content": {"application/json": {"schema": _PROBLEM}},
        },
    }
}


class ProgrammeQuery(Schema):
    programme: str | None = None


@router.get("/iati.xml", summary="IATI file", openapi_extra=_RESPONSES)
def iati_endpoint(request: HttpRequest, query: Query[ProgrammeQuery]) -> HttpResponseBase:
    """The programme and its components as IATI 2.03 activity XML, with results, budgets and
    transactions; counts of people as the public may see them (1 to 4 as "fewer than 5"). Every
    role that reads all countries' grants downloads it (not national coordinators: 403); each
    download is in the security log."""
    # The web download itself: the same access rule, file, name and security-log entry; only
    # its refusal for want of publication settings is said in JSON here.
    response = iati_export_view(request)
    if response.status_code == CONFLICT:
        assert isinstance(response, HttpResponse)
        return json_response({"detail": response.content.decode(), "errors": {}}, status=CONFLICT)
    return response
