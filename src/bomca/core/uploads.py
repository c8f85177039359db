"""Uploads stop at a size limit while they arrive: a 2 GB file is refused after the limit,
not written to disk first and refused afterwards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: passes chunks on until ``MAX_UPLOAD_BYTES``, then
    stops the upload and marks the request (``request.upload_too_large``) for the view to say so."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def upload_too_large(request: Any) -> bool:
    return bool(getattr(request, "upload_too_large", False))
