"""`classify` and `reply` say when a scan would hold a message for the person, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

from click.testing import CliRunner
from conftest import ALL_EML, config_file

from mailbot.cli import cli
from mailbot.mailboxes import Mailbox
from mailbot.models import ActionKind
from mailbot.parse import parse
from mailbot.pipeline import Pipeline, pipeline_settings
from mailbot.rules import Ruleset
from mailbot.store import Store

MX = "mx.home.example"
QUESTION = "Please tell us which processing you object to and how it impacts you."


def _eml(
    folder: Path,
    name: str,
    sender: str,
    *,
    dmarc: str = "pass",
    msgid: str = "",
    answers: str = "",
    body: str = QUESTION,
) -> Path:
    domain = sender.rpartition("@")[2]
    head = (
        f"Authentication-Results: {MX}; dkim={dmarc} header.d={domain}; dmarc={dmarc} header.from={domain}\r\n"
        f"From: Privacy <{sender}>\r\nTo: ada@example.org\r\nSubject: Re: Objection\r\n"
        f"Message-ID: {msgid or f'<{name}@{domain}>'}\r\nDate: Mon, 16 Jun 2025 10:00:00 +0000\r\n"
    )
    if answers:
        head += f"In-Reply-To: {answers}\r\nReferences: {answers}\r\n"
    path = folder / f"{name}.eml"
    path.write_bytes(f"{head}\r\n{body}\r\n".encode())
    return path


def _classify(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["classify", "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_classify_says_a_sender_that_failed_verification_is_held(tmp_path: Path) -> None:
    """The verdict on the text stays; `held` says what a scan would do with it: nothing, and why."""
    failed = _eml(tmp_path, "failed", "privacy@facebook.com", dmarc="fail")
    passed = _eml(tmp_path, "passed", "privacy@facebook.com")
    rows = _classify(str(failed), str(passed))
    assert [r["category"] for r in rows] == ["request_info", "request_info"]
    held = str(rows[0]["held"])
    assert held.startswith("sender failed verification: facebook.com failed verification"), held
    assert rows[1]["held"] is None
    text = CliRunner().invoke(cli, ["classify", str(failed), str(passed)])
    assert text.exit_code == 0, text.output
    first, second = text.stdout.splitlines()
    assert first.split("\t")[1:3] == ["request_info", "facebook"]
    assert first.split("\t")[6].startswith("held: sender failed verification"), first
    assert len(second.split("\t")) == 6  # not held: the six columns as before


def test_classify_and_reply_say_a_stranger_in_a_cases_thread_is_held(tmp_path: Path) -> None:
    """With the state of a case opened by the person's request, a stranger answering in its thread is held,
    in `classify` (text and JSON) and in `reply`."""
    maildir = tmp_path / "Maildir"
    for folder in (maildir, maildir / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    request = (
        "From: Ada <ada@example.org>\r\nTo: privacy@shop.example\r\nSubject: Objection\r\n"
        "Message-ID: <req1@example.org>\r\nDate: Mon, 09 Jun 2025 10:00:00 +0000\r\n\r\n"
        "I object to the processing of my personal data for marketing under Art. 21 GDPR.\r\nAda\r\n"
    )
    (maildir / ".Sent" / "cur" / "1.M1P1.test:2,S").write_bytes(request.encode())
    config = config_file(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)]).exit_code == 0
    stranger = _eml(tmp_path, "s1", "privacy@evil.example", answers="<req1@example.org>")
    shop = _eml(tmp_path, "p1", "privacy@shop.example", answers="<req1@example.org>")
    rows = _classify("--config", str(config), str(stranger), str(shop))
    why = "privacy@evil.example does not write for shop.example, whose case this thread is: not answered"
    assert rows[0]["held"] == why
    assert rows[1]["held"] is None
    reply = runner.invoke(cli, ["reply", "--config", str(config), str(stranger)])
    assert reply.exit_code == 0, reply.output
    assert reply.stdout == ""
    assert f"mailbot: no reply: request_info: held for you: {why}" in reply.stderr


def test_each_file_is_judged_on_its_own(tmp_path: Path) -> None:
    """Files classified together do not file into each other's cases: a platform's message that answers
    another platform's file is judged as it would be alone."""
    first = _eml(tmp_path, "f1", "privacy@facebook.com", msgid="<x1@facebook.com>")
    second = _eml(tmp_path, "g1", "privacy@google.com", answers="<x1@facebook.com>")
    together = _classify(str(first), str(second))
    alone = _classify(str(first)) + _classify(str(second))
    assert together == alone
    assert together[1]["held"] is None


def test_held_says_what_the_scans_decision_says(ruleset: Ruleset) -> None:
    """`held` (which files nothing) gives, for every fixture, exactly the hold reason of the scan's own decision
    (`preview`, which files the message into a copy of the state)."""

    def pipeline() -> Pipeline:
        settings = pipeline_settings(None, mode="dry-run", progress=False)
        return Pipeline(settings, ruleset, Store(":memory:"), cast(Mailbox, None))

    holds = 0
    for path in ALL_EML:
        message = parse(path.read_bytes())
        _, action, _ = pipeline().preview(message)
        expected = action.reason if action.kind is ActionKind.HOLD else ""
        assert pipeline().held(message) == expected, path.name
        holds += bool(expected)
    assert 0 < holds < len(ALL_EML)
