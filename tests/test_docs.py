"""Documentation that cannot drift: every setting read from the environment is documented."""

from __future__ import annotations

import re
from pathlib import Path

import bomca.settings.base

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_the_settings_read_is_documented():
    source = Path(bomca.settings.base.__file__).read_text()
    names = set(re.findall(r'env_(?:str|bool|list)\(\s*"([A-Z_]+)"', source))
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert names, "the settings read no variables; the pattern above is out of date"
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert missing == []


def test_the_readme_gives_the_two_set_up_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme
    assert "make test" in readme
