"""Learning from the person: `mailbot teach` keeps a message's own sentences as local exemplars."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MESSAGES

from mailbot import learn
from mailbot.classify import classify
from mailbot.cli import cli
from mailbot.errors import RulesError
from mailbot.models import Category
from mailbot.parse import parse
from mailbot.resources import data_dir
from mailbot.rules import Ruleset, load_rules

TAUGHT = b"""From: Service <service@shop.example.com>
To: ada@example.org
Subject: Re: Objection to marketing
Message-ID: <taught-1@shop.example.com>
Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=shop.example.com; dmarc=pass header.from=shop.example.com
Content-Type: text/plain; charset=utf-8

Hello Ada,

Thank you for your message.
Such matters are only dealt with at our head office counter, during opening hours.

Kind regards,
The Shop team
"""
LIKE = b"""From: Service <service@shop.example.com>
To: ada@example.org
Subject: Re: Objection to marketing
Message-ID: <later-2@shop.example.com>
Content-Type: text/plain; charset=utf-8

Dear customer,

such matters are dealt with only at our head office counter during opening hours.

Best regards
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner with its state and configuration in the temporary folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("MAILBOT_CONFIG", raising=False)
    return CliRunner()


def _learned(tmp_path: Path) -> Path:
    return tmp_path / "state" / "mailbot" / learn.FILE_NAME


def test_teach_list_forget(runner: CliRunner, tmp_path: Path, ruleset: Ruleset) -> None:
    """teach stores the operative sentences in the state directory; later like messages get the taught
    category; --list shows the lesson; --forget removes it."""
    eml = tmp_path / "taught.eml"
    eml.write_bytes(TAUGHT)
    before = classify(parse(LIKE), ruleset, known_thread=True)
    assert before.category == Category.UNKNOWN
    result = runner.invoke(cli, ["teach", str(eml), "rejection", "--variant", "medium"])
    assert result.exit_code == 0, result.output
    path = _learned(tmp_path)
    data = json.loads(path.read_text())
    (stored,) = data["lessons"]
    assert stored["sentences"] == ["Such matters are only dealt with at our head office counter, during opening hours."]
    assert path.stat().st_mode & 0o077 == 0
    after = classify(parse(LIKE), ruleset, known_thread=True, learned=learn.exemplars(learn.load(path)))
    assert (after.category, after.variant) == (Category.REJECTION, "medium")
    listed = runner.invoke(cli, ["teach", "--list"])
    assert stored["id"] in listed.output
    assert "rejection" in listed.output
    gone = runner.invoke(cli, ["teach", "--forget", stored["id"]])
    assert gone.exit_code == 0, gone.output
    assert learn.load(path) == []
    assert runner.invoke(cli, ["teach", "--forget", stored["id"]]).exit_code == 1


def test_teaching_again_replaces_the_lesson(runner: CliRunner, tmp_path: Path) -> None:
    """The same message taught twice keeps one lesson, the latest."""
    eml = tmp_path / "taught.eml"
    eml.write_bytes(TAUGHT)
    runner.invoke(cli, ["teach", str(eml), "rejection"])
    runner.invoke(cli, ["teach", str(eml), "clarification"])
    lessons = learn.load(_learned(tmp_path))
    assert [x.category for x in lessons] == ["clarification"]


def test_nothing_is_learnt_from_a_dmarc_failure(runner: CliRunner, tmp_path: Path) -> None:
    """A message whose topmost Authentication-Results says dmarc=fail is refused."""
    eml = tmp_path / "forged.eml"
    eml.write_bytes(TAUGHT.replace(b"dmarc=pass", b"dmarc=fail"))
    result = runner.invoke(cli, ["teach", str(eml), "acceptance"])
    assert result.exit_code == 1
    assert "DMARC" in result.output
    assert not _learned(tmp_path).exists()


def test_a_filed_message_gets_the_persons_category(ruleset: Ruleset) -> None:
    """The verdict of a filed message is the person's category; platform and language stay the
    classifier's, its variant only where it agrees, and the lesson is named as the rule."""
    found = classify(parse(TAUGHT), ruleset, known_thread=True)
    taught = learn.taught_verdict(replace(found, variant="medium"), Category.ACCEPTANCE, "ab12cd34")
    assert (taught.category, taught.rule, taught.confidence, taught.variant) == (
        Category.ACCEPTANCE,
        "taught:ab12cd34",
        1.0,
        "",
    )
    assert (taught.platform, taught.language) == (found.platform, found.language)
    agreeing = learn.taught_verdict(replace(found, category=Category.REJECTION, variant="medium"), Category.REJECTION)
    assert (agreeing.variant, agreeing.rule) == ("medium", "taught")


def test_where_a_lesson_was_taught_is_kept(tmp_path: Path, ruleset: Ruleset) -> None:
    """A lesson's source (the folder it was filed in) survives saving and loading; the verification
    failure that refuses a lesson is named."""
    path = tmp_path / learn.FILE_NAME
    item = learn.lesson(parse(TAUGHT), Category.REJECTION, ruleset, source="folder Mailbot/rejection")
    learn.add(path, item)
    assert [x.source for x in learn.load(path)] == ["folder Mailbot/rejection"]
    with pytest.raises(learn.TeachError, match=r"dmarc=fail"):
        learn.lesson(parse(TAUGHT.replace(b"dmarc=pass", b"dmarc=fail")), Category.REJECTION, ruleset)


def test_only_greetings_cannot_be_taught(runner: CliRunner, tmp_path: Path) -> None:
    """A message with nothing but greetings and thanks has nothing to learn."""
    eml = tmp_path / "hello.eml"
    eml.write_bytes(TAUGHT.split(b"Hello Ada,")[0] + b"Hello Ada,\n\nThank you for your message.\n\nKind regards\n")
    result = runner.invoke(cli, ["teach", str(eml), "rejection"])
    assert result.exit_code == 1
    assert "no sentence" in result.output


def test_teach_needs_file_and_category(runner: CliRunner) -> None:
    """Without FILE and CATEGORY (and no --list/--forget) teach is a usage error."""
    assert runner.invoke(cli, ["teach"]).exit_code == 1  # usage errors exit 1 (DESIGN.md)


def test_learned_sentences_skip_quotes_and_greetings(ruleset: Ruleset) -> None:
    """Quoted history and sign-offs are not learnt."""
    raw = (MESSAGES / "request_info/whatsapp-template-en.eml").read_bytes()
    item = learn.lesson(parse(raw), Category.REQUEST_INFO, ruleset)
    assert item.sentences
    assert not any(s.lower().startswith(("hi", "thanks", "i object")) for s in item.sentences)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled rules."""
    target = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), target)
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("tuning.toml", "tie = 0.051", "tie = 5", "'tie' must be in"),
        ("tuning.toml", "tie = 0.051", "tye = 0.051", "unknown tuning value 'tye'"),
        ("tuning.toml", "acknowledgement = 1\n", "", "does not rank acknowledgement"),
        ("tuning.toml", "negation_window = 40", "negation_window = 4.5", "whole number"),
        (
            "tuning.toml",
            "ticket_text = 20000",
            "ticket_text = -1",
            r"tuning\.toml: 'ticket_text' must be a non-negative number",
        ),
        (
            "tuning.toml",
            "evidence_quote = 80",
            'evidence_quote = "80"',
            r"tuning\.toml: 'evidence_quote' must be a non-negative",
        ),
        (
            "tuning.toml",
            "contained_discount = 0.95",
            "contained_discount = 0",
            r"tuning\.toml: 'contained_discount' must be in \(0, 1\]",
        ),
        (
            "tuning.toml",
            "contained_discount = 0.95",
            "contained_discount = 1.5",
            r"tuning\.toml: 'contained_discount' must be in \(0, 1\]",
        ),
        (
            "tuning.toml",
            "contained_ratio = 1.2",
            "contained_ratio = 0",
            r"tuning\.toml: 'contained_ratio' must be in \(0, ∞\)",
        ),
        (
            "tuning.toml",
            "sentence_cutoff = 86.0",
            "sentence_cutoff = 100",
            r"tuning\.toml: 'sentence_cutoff' must be in \[0, 100\)",
        ),
        (
            "tuning.toml",
            "fuzzy_floor = 60.0",
            "fuzzy_floor = 101",
            r"tuning\.toml: 'fuzzy_floor' must be in \[0, 100\)",
        ),
        ("tuning.toml", "learned_cutoff = 85.0", "learned_cutoff = 95", None),
        ("tuning.toml", "fuzzy_text = 4000", "fuzzy_text = nan", r"tuning\.toml: 'fuzzy_text' must be a non-negative"),
        (
            "tuning.toml",
            "contained_ratio = 1.2",
            "contained_ratio = inf",
            r"tuning\.toml: 'contained_ratio' must be in",
        ),
        (
            "tuning.toml",
            "sentence_min = 12",
            "sentence_min = 12.0",
            r"tuning\.toml: 'sentence_min' must be a whole number",
        ),
        (
            "tuning.toml",
            "contained_discount = 0.95",
            "contained_discount = 0.85",
            "times 100 must reach 'sentence_cutoff'",
        ),
        ("tuning.toml", "contained_discount = 0.95", "contained_discount = 0.86", None),
        ("tuning.toml", "fuzzy_probe = 20", "", r"tuning\.toml: \[classify\] lacks 'fuzzy_probe'$"),
        ("exemplars/rejection.toml", 'source = "https://github.com/mozilla', 'sauce = "x', "'source' is required"),
        ("exemplars/rejection.toml", 'variant = "dead_mailbox"', 'variant = "ghost"', "unknown variant"),
        ("categories/rejection.toml", 'variant = "medium"', 'variant = "ghost"', "'variant' must be one of"),
    ],
)
def test_tuning_and_exemplars_are_validated(
    rules_copy: Path, file: str, old: str, new: str, expected: str | None
) -> None:
    """Tuning values, precedence and exemplar provenance are checked when the rules load; errors name the file.
    (None: the edge of a range, which loads.)"""
    path = rules_copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    if expected is None:
        load_rules(rules_copy)
        return
    with pytest.raises(RulesError, match=expected):
        load_rules(rules_copy)


def test_every_exemplar_has_provenance() -> None:
    """Every bundled exemplar names its source; written-here ones say 'synthetic'."""
    ruleset = load_rules()
    assert len(ruleset.exemplars) >= 40
    assert {e.language for e in ruleset.exemplars} == {"en", "it", "de", "fr", "es"}
    assert all(e.source for e in ruleset.exemplars)
    assert any(e.source.startswith("synthetic") for e in ruleset.exemplars)
    assert {e.category for e in ruleset.exemplars} >= {c for c in Category if c.gets_reply}


def test_classify_and_reply_use_what_was_taught(runner: CliRunner, tmp_path: Path) -> None:
    """`mailbot classify` and `mailbot reply` on a file count the person's lessons, as a scan does."""
    eml = tmp_path / "taught.eml"
    eml.write_bytes(TAUGHT)
    before = runner.invoke(cli, ["classify", str(eml)])
    assert before.exit_code == 0
    assert "\trejection\t" not in before.output
    assert runner.invoke(cli, ["teach", str(eml), "rejection", "--variant", "medium"]).exit_code == 0
    after = runner.invoke(cli, ["classify", str(eml)])
    assert after.exit_code == 0
    assert "\trejection\t" in after.output
    reply = runner.invoke(cli, ["reply", str(eml)])
    assert reply.exit_code == 0
    # No case is open with the shop, so no reply; the reason names the taught category.
    assert "no reply: rejection:" in reply.stderr
