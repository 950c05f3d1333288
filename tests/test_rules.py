"""Rules as data: every bundled file loads; a bad one is named with its rule id."""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from mailbot.errors import RulesError
from mailbot.models import Category
from mailbot.resources import data_dir
from mailbot.rules import Tuning, load_rules, load_tuning


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


TUNING_KEYS = [f.name for f in fields(Tuning) if f.name != "priority"]


@pytest.mark.parametrize("key", TUNING_KEYS)
def test_every_tuning_value_is_required(rules_copy: Path, key: str) -> None:
    """rules/tuning.toml is the only source of each classifier tuning value: without one the rules do not load."""
    path = rules_copy / "tuning.toml"
    text, removed = re.subn(rf"(?m)^{key} = .*\n", "", path.read_text())
    assert removed == 1
    path.write_text(text)
    with pytest.raises(RulesError, match=rf"tuning\.toml: \[classify\] lacks '{key}'$"):
        load_tuning(path)


def test_the_bundled_tuning_sets_every_value_and_nothing_else() -> None:
    """Every Tuning field comes from the file, and every number the file has reaches the classifier."""
    with (data_dir("rules") / "tuning.toml").open("rb") as fh:
        assert sorted(tomllib.load(fh)["classify"]) == sorted(TUNING_KEYS)
    tuning = load_rules().tuning
    assert (tuning.fuzzy_exemplar_ratio, tuning.contained_discount, tuning.sentence_min) == (1.25, 0.95, 12)
    assert isinstance(tuning.ticket_text, int)
    assert isinstance(tuning.contained_ratio, float)


def test_rules_without_tuning_do_not_load(rules_copy: Path) -> None:
    """No silent defaults: a missing tuning file, or one without its [classify] table, is an error."""
    path = rules_copy / "tuning.toml"
    text = path.read_text()
    path.unlink()
    with pytest.raises(RulesError, match=r"tuning\.toml: missing"):
        load_rules(rules_copy)
    path.write_text(text.replace("[classify]", "[classifier]"))
    with pytest.raises(RulesError, match=r"tuning\.toml: \[classify\] must be a table"):
        load_rules(rules_copy)


def test_patterns_are_lower_cased_but_their_escapes_keep_their_case() -> None:
    """Matching is case-insensitive by lower-casing both sides: letters in a pattern are lowered, while
    `\\S`, `\\W`, `\\B`, `\\D` keep the meaning their case gives them."""
    from mailbot.rules import _source

    source = _source([r"Widerspruch\S+", r"ÉTÉ\W\BÜ\\D\d"], "test")
    assert source == r"(?:widerspruch\S+)|(?:été\W\bü\\d\d)".replace(r"\b", r"\B")
    assert re.search(source, "widerspruchs-")
    assert not re.search(source, "widerspruch ")
