"""``bomca figures`` carries the results framework's indicators for the period."""

from __future__ import annotations

import json

from bomca.cli import main


def test_figures_as_json_list_the_indicators_with_their_values(bomca10, capsys):
    assert main(["figures", "--period", "2023Q2", "--format", "json"]) == 0

    figures = json.loads(capsys.readouterr().out)
    indicators = {row["code"]: row for row in figures["indicators"]}
    assert indicators["OO.1"]["actual"] == str(figures["activities"]["implemented"]["total"])
    assert indicators["OO.2"]["actual"] == str(figures["participants"]["total"]) == "472"
    assert indicators["OO.1"] | {"actual": None} == indicators["OO.1"] | {
        "code": "OO.1",
        "result": "OO",
        "type": "number",
        "method": "computed",
        "selector": "activities_implemented",
        "baseline": "0",
        "target": "24",
        "end_target": "400",
        "actual": None,
        "origin": "computed",
        "to_date": "25",
        "status": "achieved",
        "illustrative": True,
    }
    assert indicators["OC1.1.1"]["method"] == "manual"
    assert indicators["OC1.1.1"]["origin"] == "manual"


def test_figures_as_tables_end_with_the_indicators(bomca10, capsys):
    assert main(["figures", "--period", "2023Q2"]) == 0

    out = capsys.readouterr().out
    assert "Results framework indicators" in out
    assert "OO.1" in out
    assert "achieved" in out


def test_a_programme_without_a_framework_says_so(db, capsys):
    from tests.factories import ProgrammeFactory

    ProgrammeFactory(code="EMPTY")

    assert main(["figures", "--period", "2023Q2", "--programme", "EMPTY"]) == 0

    assert "no indicators recorded" in capsys.readouterr().out
