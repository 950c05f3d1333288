"""A message's thread is looked up once, and a thread that a message of the same scan opened still counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file
from test_cases_scan import ADA, ago, mail

from mailbot.cli import cli
from mailbot.store import Store


def _write(maildir: Path, raws: list[bytes]) -> None:
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(raws, 1):
        (maildir / "new" / f"{i}.M{i}P1.test").write_bytes(raw)


def _team_then_agent() -> list[bytes]:
    """The privacy team opens a thread with a question; an agent of the same platform, not the privacy team's
    address, answers in that thread a day later. Both arrive before one scan."""
    question = mail(
        "Facebook Privacy <privacy@facebook.com>",
        ADA,
        "Your objection",
        "Hello,\n\nPlease tell us which processing you object to and how it impacts you.\n\nFacebook Privacy",
        ago(3),
        "<q1@facebook.com>",
    )
    agent = mail(
        "Jo <jo.agent@facebook.com>",
        ADA,
        "Re: Your objection",
        "Hello,\n\nWe have reviewed your request and we will honour your objection.\n\nJo",
        ago(2),
        "<a1@facebook.com>",
        reply_to="<q1@facebook.com>",
    )
    return [question, agent]


def test_a_reply_in_a_thread_opened_earlier_in_the_same_scan_is_filed_into_its_case(tmp_path: Path) -> None:
    """The agent's message is in the thread of the case that the team's message opened in this very scan: it is
    filed there and answered (the question it supersedes is not), as if the two had come in two scans."""
    _write(tmp_path / "Maildir", _team_then_agent())
    config = config_file(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(tmp_path / "Maildir"), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["sender"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows["privacy@facebook.com"]["action"] == "superseded"
    assert rows["jo.agent@facebook.com"]["action"] == "reply", rows
    assert rows["jo.agent@facebook.com"]["category"] == "acceptance"
    listed = runner.invoke(cli, ["cases", "--config", str(config), "--json"])
    cases = [json.loads(x) for x in listed.stdout.splitlines()]
    assert len(cases) == 1
    assert cases[0]["status"] == "closed"


def test_each_message_is_looked_up_in_the_cases_threads_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Classifying in context and filing need the same answer: the store is asked once per message."""
    raws = [
        mail(
            "Facebook Privacy <privacy@facebook.com>",
            ADA,
            f"Your objection {i}",
            "Hello,\n\nPlease tell us which processing you object to and how it impacts you.\n",
            ago(3),
            f"<q{i}@facebook.com>",
        )
        for i in range(4)
    ]
    _write(tmp_path / "Maildir", raws)
    calls: list[list[str]] = []
    lookup = Store.case_for_thread

    def counted(self: Store, ids: list[str]) -> object:
        calls.append([i for i in ids if i])
        return lookup(self, ids)

    monkeypatch.setattr(Store, "case_for_thread", counted)
    config = config_file(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    assert "4 replies" in result.stderr
    per_message = [sum(1 for ids in calls if f"<q{i}@facebook.com>" in ids) for i in range(4)]
    assert per_message == [1, 1, 1, 1], calls
