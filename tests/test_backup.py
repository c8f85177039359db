"""Backup and restore: a restored installation gives the same figures as the original."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.activities.models import Activity
from bomca.backup import backup_create, backup_restore
from bomca.cli import main
from bomca.core.errors import ApplicationError
from bomca.core.periods import parse_period
from bomca.reference.models import Programme
from bomca.reporting.selectors import key_figures

pytestmark = pytest.mark.django_db(transaction=True)


def _figures() -> dict:
    programme = Programme.objects.get(code="BOMCA10")
    return key_figures(programme=programme, period=parse_period("2021-04..2025-09")).as_dict()


def _empty_the_installation() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_a_restore_into_an_empty_installation_gives_the_same_figures(bomca10, tmp_path):
    before = _figures()
    history_before = Activity.history.count()
    backup = backup_create(path=tmp_path / "backup.zip").path

    _empty_the_installation()
    assert not Programme.objects.exists()
    backup_restore(path=backup)

    assert _figures() == before
    assert Activity.history.count() == history_before  # loading adds no history of its own


def test_a_backup_and_a_restore_are_in_the_security_log(bomca10, tmp_path):
    backup = backup_create(path=tmp_path / "backup.zip").path
    assert AuditEvent.objects.filter(kind=AuditEventKind.BACKUP).count() == 1

    _empty_the_installation()
    backup_restore(path=backup)

    assert AuditEvent.objects.filter(kind=AuditEventKind.RESTORE).count() == 1


def test_a_backup_carries_uploaded_files_with_their_checksums(bomca10, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    certificate = settings.MEDIA_ROOT / "handovers" / "certificate.pdf"
    certificate.parent.mkdir(parents=True)
    certificate.write_bytes(b"%PDF-1.7 synthetic hand-over certificate")
    backup = backup_create(path=tmp_path / "backup.zip").path

    _empty_the_installation()
    certificate.unlink()
    report = backup_restore(path=backup)

    assert report.files == 1
    assert certificate.read_bytes() == b"%PDF-1.7 synthetic hand-over certificate"


def test_a_restore_refuses_an_installation_that_has_records(bomca10, tmp_path):
    backup = backup_create(path=tmp_path / "backup.zip").path

    with pytest.raises(ApplicationError, match="already has records"):
        backup_restore(path=backup)


def _tamper(path: Path, member: str, content: bytes) -> Path:
    tampered = path.with_name("tampered.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = content if item.filename == member else source.read(item.filename)
            target.writestr(item, data)
    return tampered


def test_a_restore_refuses_a_damaged_backup_and_writes_nothing(bomca10, tmp_path):
    backup = backup_create(path=tmp_path / "backup.zip").path
    tampered = _tamper(backup, "database.json", b"[]")
    _empty_the_installation()

    with pytest.raises(ApplicationError, match=r"checksum of database\.json"):
        backup_restore(path=tampered)
    assert not Programme.objects.exists()


def test_a_restore_refuses_a_member_that_is_not_in_the_manifest(bomca10, tmp_path):
    backup = backup_create(path=tmp_path / "backup.zip").path
    with zipfile.ZipFile(backup, "a") as archive:
        archive.writestr("media/../../etc/evil", b"x")
    _empty_the_installation()

    with pytest.raises(ApplicationError, match="unsafe path"):
        backup_restore(path=backup)


def test_a_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    with pytest.raises(ApplicationError, match="not a ZIP file"):
        backup_restore(path=not_zip)

    no_manifest = tmp_path / "plain.zip"
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("database.json", "[]")
    with pytest.raises(ApplicationError, match="no manifest"):
        backup_restore(path=no_manifest)


def test_the_manifest_names_the_format_and_the_product_version(bomca10, tmp_path):
    backup = backup_create(path=tmp_path / "backup.zip").path

    manifest = json.loads(zipfile.ZipFile(backup).read("manifest.json"))

    assert manifest["format"] == 1
    assert manifest["records"] > 25
    assert set(manifest["sha256"]) == {"database.json"}


def test_the_command_line_backs_up_and_refuses_to_restore_over_records(bomca10, tmp_path, capsys):
    target = tmp_path / "cli.zip"

    assert main(["backup", "-o", str(target)]) == 0
    assert "Backup written" in capsys.readouterr().out

    assert main(["restore", str(target)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("bomca: error: This installation already has records")
    assert "\n" not in error


def test_a_backup_file_is_readable_by_its_owner_only(bomca10, tmp_path):
    backup = backup_create(path=tmp_path / "backup.zip").path

    assert backup.stat().st_mode & 0o777 == 0o600
