"""``bomca`` speaks the language of ``BOMCA_LANGUAGE``: its messages and the product's errors."""

from __future__ import annotations

from bomca.cli import main

NBSP = "\u00a0"


def test_it_prints_its_messages_in_russian(bomca10, capsys, settings):
    settings.BOMCA_LANGUAGE = "ru"

    status = main(["grants", "list"])

    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[-1] == (
        f"Проектов: 9. По контрактам: 413{NBSP}500,00 EUR. Выплачено: 165{NBSP}400,00 EUR."
    )


def test_it_gives_the_products_errors_in_russian(bomca10, capsys, settings):
    settings.BOMCA_LANGUAGE = "ru"

    status = main(["grants", "move", "NO-SUCH-CONTRACT", "--to", "ongoing"])

    err = capsys.readouterr().err
    assert status == 1
    assert err == "bomca: error: Грантового проекта NO-SUCH-CONTRACT нет.\n"


def test_it_speaks_english_by_default(bomca10, capsys):
    status = main(["grants", "move", "NO-SUCH-CONTRACT", "--to", "ongoing"])

    assert status == 1
    assert capsys.readouterr().err == "bomca: error: There is no grant project NO-SUCH-CONTRACT.\n"


def test_it_refuses_a_language_it_does_not_know_in_one_line(db, capsys, settings):
    settings.BOMCA_LANGUAGE = "de"

    status = main(["grants", "list"])

    err = capsys.readouterr().err
    assert status == 1
    assert err == (
        "bomca: error: The configuration is incomplete: "
        "BOMCA_LANGUAGE must be one of en, ru; got 'de'.\n"
    )


def test_its_figure_tables_are_russian(bomca10, capsys, settings):
    settings.BOMCA_LANGUAGE = "ru"

    status = main(["figures", "--period", "2023Q2"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Проведено мероприятий: 25" in out
    assert "Участников: 472" in out
    assert "Activities" not in out
