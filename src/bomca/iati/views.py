"""The IATI file of a programme, for download."""

from __future__ import annotations

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.http import require_GET

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.core.errors import ApplicationError
from bomca.iati.export import iati_export
from bomca.reference.selectors import programme_for_request


@require_GET
def iati_export_view(request: HttpRequest) -> HttpResponseBase:
    """The programme as IATI 2.03 XML: what ``bomca iati export`` writes, nothing personal."""
    if not access.may_download_iati(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    # Written to a temporary file (in memory while small) and sent from there: the export
    # streams, and a half-written answer must never reach the reader as a file.
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 (closed by FileResponse)
    try:
        iati_export(programmes=[programme], out=spool)
    except ApplicationError as error:
        spool.close()
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    spool.seek(0)
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "iati", "format": "xml", "programme": programme.code},
    )
    day = timezone.localdate().isoformat()
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{programme.code}-iati-{day}.xml",
        content_type="application/xml",
    )
