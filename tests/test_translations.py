"""The Russian catalogue is complete and its compiled form is the one in the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

LOCALE = Path(__file__).resolve().parents[1] / "src" / "bomca" / "locale" / "ru" / "LC_MESSAGES"


def _msgfmt(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["msgfmt", *arguments], capture_output=True, text=True, check=False, cwd=LOCALE
    )


def test_every_string_of_the_catalogue_has_a_russian_translation():
    result = _msgfmt("--check", "--statistics", "-o", "/dev/null", "django.po")

    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_the_compiled_catalogue_is_up_to_date(tmp_path: Path):
    compiled = tmp_path / "django.mo"

    result = _msgfmt("-o", str(compiled), "django.po")

    assert result.returncode == 0, result.stderr
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes(), (
        "django.mo is stale: run `make messages`"
    )


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        ("Newsletter", "Информационный бюллетень"),
        ("Dashboard", "Панель показателей"),
        ("Featured story", "Главная история"),
        ("Follow us", "Следите за нами"),
    ],
)
def test_the_newsletters_words_are_russian_in_russian(english: str, russian: str):
    with translation.override("ru"):
        assert gettext(english) == russian
