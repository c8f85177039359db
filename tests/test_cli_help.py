"""``bomca --help`` speaks ``BOMCA_LANGUAGE`` too, without loading Django's settings."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bomca.cli import build_parser, help_catalogue, main

CLI_DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def help_of(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_its_help_is_russian_when_bomca_language_is_ru(monkeypatch, capsys):
    monkeypatch.setenv("BOMCA_LANGUAGE", "ru")

    out = help_of(capsys=capsys)

    assert out.startswith("использование: bomca [-h] command ...")
    assert "Информационная система программы BOMCA." in out
    assert "позиционные аргументы:" in out
    assert "Импорт таблицы (XLSX, XLS, ODS, CSV) участников или мероприятий" in out
    assert "-h, --help   показать эту справку и выйти" in out
    assert "show this help" not in out


def test_a_subcommands_help_is_russian_when_bomca_language_is_ru(monkeypatch, capsys):
    monkeypatch.setenv("BOMCA_LANGUAGE", "ru")

    out = help_of("iati", capsys=capsys)

    assert out.startswith("использование: bomca iati [-h]")
    assert "{export,validate}     что сделать" in out
    assert "export: все программы с настройками IATI" in out
    assert "параметры:" in out
    assert "export programmes" not in out


def test_its_help_fills_in_defaults_in_russian(monkeypatch, capsys):
    monkeypatch.setenv("BOMCA_LANGUAGE", "ru")

    out = help_of("serve", capsys=capsys)

    assert "адрес для приёма соединений (127.0.0.1)" in out
    assert "порт (8000)" in out


def test_its_help_is_english_by_default(monkeypatch, capsys):
    monkeypatch.delenv("BOMCA_LANGUAGE", raising=False)

    out = help_of("iati", capsys=capsys)

    assert out.startswith("usage: bomca iati [-h]")
    assert "export: every programme with IATI settings" in out
    assert "-h, --help            show this help message and exit" in out
    assert not CYRILLIC.search(out)


def test_its_help_is_english_in_a_language_it_does_not_know(monkeypatch, capsys):
    monkeypatch.setenv("BOMCA_LANGUAGE", "de")

    out = help_of(capsys=capsys)

    assert out.startswith("usage: bomca [-h] command ...")
    assert not CYRILLIC.search(out)


def test_the_reference_it_prints_stays_english_in_russian(monkeypatch, capsys):
    monkeypatch.setenv("BOMCA_LANGUAGE", "ru")

    status = main(["docs"])

    out = capsys.readouterr().out
    assert status == 0
    assert not CYRILLIC.search(out)
    assert out == CLI_DOC.read_text(encoding="utf-8")


def test_every_help_text_has_a_russian_translation():
    catalogue = help_catalogue("ru")
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    texts = {parser.description or ""}
    for command in [parser, *sub.choices.values()]:
        texts |= {action.help for action in command._actions if action.help}
    texts |= {choice.help for choice in sub._choices_actions if choice.help}

    untranslated = sorted(text for text in texts if catalogue.gettext(text) == text)

    assert untranslated == []
