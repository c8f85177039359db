"""Backup and restore of a whole installation: the database and the uploaded files.

A backup is one ZIP file: ``database.json`` (every record, history and security log included,
with natural keys for content types and permissions), ``media/...`` (uploaded files) and
``manifest.json`` (format, product version and the SHA-256 of every other member). A restore
checks every checksum before it writes anything, refuses a non-empty installation, and loads
all records in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

import bomca
from bomca.accounts.models import AuditEventKind, User
from bomca.accounts.services import audit_event_record
from bomca.core.errors import ApplicationError
from bomca.reference.models import Programme

BACKUP_FORMAT = 1
DATABASE_MEMBER = "database.json"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
#: Rebuilt by migrate (content types, permissions) or transient (sessions, login attempts).
EXCLUDED_FROM_BACKUP = ["contenttypes", "auth.permission", "sessions", "axes"]


@dataclass(frozen=True)
class BackupReport:
    path: Path
    records: int
    files: int


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def backup_create(*, path: Path) -> BackupReport:
    """Write a backup of the database and the uploaded files to ``path`` (replaced atomically)."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DATABASE_MEMBER
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:  # the level can only be set before the transaction's first query
                _read_one_snapshot()
            call_command(
                "dumpdata",
                exclude=EXCLUDED_FROM_BACKUP,
                natural_foreign=True,
                output=str(dump),
                verbosity=0,
            )
        records = _count_records(dump)
        partial = Path(scratch) / "backup.zip"
        checksums: dict[str, str] = {}
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump, DATABASE_MEMBER)
            with dump.open("rb") as stream:
                checksums[DATABASE_MEMBER] = _sha256(stream)
            media_root = Path(settings.MEDIA_ROOT)
            for file in _media_files():
                member = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
                archive.write(file, member)
                with file.open("rb") as stream:
                    checksums[member] = _sha256(stream)
            manifest = {
                "format": BACKUP_FORMAT,
                "product_version": bomca.__version__,
                "created": timezone.now().isoformat(),
                "records": records,
                "sha256": checksums,
            }
            archive.writestr(MANIFEST_MEMBER, json.dumps(manifest, indent=2))
        # It holds password hashes and personal data: readable by its owner only.
        partial.chmod(0o600)
        shutil.move(partial, path.with_suffix(path.suffix + ".partial"))
        os.replace(path.with_suffix(path.suffix + ".partial"), path)
    audit_event_record(kind=AuditEventKind.BACKUP, detail={"file": path.name, "records": records})
    return BackupReport(path=path, records=records, files=len(checksums) - 1)


def _read_one_snapshot() -> None:
    """Make every query of this transaction see the same moment, while people go on editing.

    PostgreSQL's default (read committed) takes a new snapshot per statement; repeatable read
    keeps the first. SQLite in WAL mode already reads one snapshot per transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _count_records(dump: Path) -> int:
    """How many records a dumpdata file holds, read in chunks (it can be large)."""
    marker, count, tail = b'"model": "', 0, b""
    with dump.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            window = tail + chunk
            count += window.count(marker)
            tail = window[-(len(marker) - 1) :]
            count -= tail.count(marker)
    return count


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST_MEMBER))
    except KeyError:
        raise ApplicationError(
            _("%(file)s is not a BOMCA backup: it has no manifest.") % {"file": path.name}
        ) from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise ApplicationError(
            _("%(file)s is a backup of format %(format)s; this version reads format %(ours)s.")
            % {"file": path.name, "format": manifest.get("format"), "ours": BACKUP_FORMAT}
        )
    return dict(manifest)


def _verify(archive: zipfile.ZipFile, manifest: dict[str, Any], path: Path) -> None:
    """Every member listed, every listed member present and intact, no path escaping."""
    expected: dict[str, str] = manifest.get("sha256", {})
    present = {name for name in archive.namelist() if not name.endswith("/")} - {MANIFEST_MEMBER}
    for name in present | set(expected):
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts:
            raise ApplicationError(_("Backup member %(name)s has an unsafe path.") % {"name": name})
        if name not in expected or name not in present:
            raise ApplicationError(
                _("%(file)s does not match its manifest at %(name)s; it is damaged or altered.")
                % {"file": path.name, "name": name}
            )
        with archive.open(name) as stream:
            if _sha256(stream) != expected[name]:
                raise ApplicationError(
                    _("%(file)s: the checksum of %(name)s is wrong; it is damaged or altered.")
                    % {"file": path.name, "name": name}
                )
    if DATABASE_MEMBER not in expected:
        raise ApplicationError(_("%(file)s holds no database.") % {"file": path.name})


def backup_restore(*, path: Path) -> BackupReport:
    """Restore a backup into this installation, which must be empty (migrated, no records)."""
    if not path.exists():
        raise ApplicationError(_("Backup file %(path)s does not exist.") % {"path": path})
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ApplicationError(_("%(file)s is not a ZIP file.") % {"file": path.name}) from None
    with archive, tempfile.TemporaryDirectory() as scratch:
        manifest = _read_manifest(archive, path)
        _verify(archive, manifest, path)
        call_command("migrate", interactive=False, verbosity=0)
        if Programme.objects.exists() or User.objects.exists():
            raise ApplicationError(
                _("This installation already has records; restore only into an empty one.")
            )
        dump = Path(archive.extract(DATABASE_MEMBER, scratch))
        media_root = Path(settings.MEDIA_ROOT)
        members = [name for name in manifest["sha256"] if name.startswith(MEDIA_PREFIX)]
        # The records come with their own history; loading them must not add more. The files
        # are copied inside the transaction: if one cannot be written, no record is kept.
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            call_command("loaddata", str(dump), verbosity=0)
            for name in members:
                target = media_root / PurePosixPath(name).relative_to(MEDIA_PREFIX.rstrip("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
    audit_event_record(kind=AuditEventKind.RESTORE, detail={"file": path.name})
    return BackupReport(path=path, records=int(manifest.get("records", 0)), files=len(members))
