"""Rules as data: every bundled file loads; a bad one is named with its rule id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mailbot.errors import RulesError
from mailbot.models import Category
from mailbot.resources import data_dir
from mailbot.rules import load_rules


def test_bundled_rules_load_and_cover_categories() -> None:
    """All bundled rule files load, every reply category has rules, every platform an authority."""
    ruleset = load_rules()
    categories = {r.category for r in ruleset.rules}
    assert {c for c in Category if c.gets_reply} <= categories
    assert {p.id for p in ruleset.platforms} >= {
        "meta",
        "facebook",
        "instagram",
        "whatsapp",
        "google",
        "microsoft",
        "linkedin",
        "x",
        "tiktok",
        "amazon",
        "apple",
        "spotify",
    }
    assert all(p.authority for p in ruleset.platforms)
    assert ruleset.platform("amazon").authority.startswith("Commission nationale")  # type: ignore[union-attr]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled rules."""
    target = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), target)
    return target


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (('"asks-screenshots"', '"Bad_ID"'), "clarification.toml [Bad_ID]"),
        (("weight = 0.85", "weight = 7"), "clarification.toml [asks-screenshots]: 'weight'"),
        (
            ("\\\\bscreen ?shots?\\\\b", "(unclosed"),
            "clarification.toml [asks-screenshots]: bad pattern",
        ),
        (('id = "asks-screenshots"', 'id = "asks-explain-in-detail"'), "already used"),
    ],
)
def test_bad_rule_names_file_and_rule(rules_copy: Path, mutation: tuple[str, str], expected: str) -> None:
    """A broken rule file gives an error that names the file and the rule id."""
    path = rules_copy / "categories" / "clarification.toml"
    text = path.read_text()
    assert mutation[0] in text
    path.write_text(text.replace(mutation[0], mutation[1], 1))
    with pytest.raises(RulesError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        load_rules(rules_copy)


def test_invalid_toml_is_named(rules_copy: Path) -> None:
    """A file that is not TOML is reported by name."""
    (rules_copy / "platforms" / "zz.toml").write_text("id = [unclosed")
    with pytest.raises(RulesError, match=r"zz\.toml: not valid TOML"):
        load_rules(rules_copy)
