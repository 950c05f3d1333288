"""A dry run announces exactly what the real scan then writes (replies and reminders), on Dovecot and a Maildir."""

from __future__ import annotations

import email
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import config_file, drafts_count, imap_client, write_config, written
from servers import Dovecot
from test_cases_scan import ADA, Scenario, ago, mail, maildir_with, scenario

from mailbot.cli import cli

Draft = tuple[str, str, str, str]  # recipient, In-Reply-To, Message-ID, template


def superseding() -> Scenario:
    """The cases scenario (an overdue request gets a reminder; an expired case answered today gets none)
    with a second bank message in its thread, which supersedes the first."""
    data = scenario()
    data.inbox.append(
        mail(
            "Data Protection <privacy@examplebank.example>",
            ADA,
            "Re: Richiesta di accesso",
            "Hello,\n\nWe are still waiting for your answer. Please tell us which account your request concerns: "
            "the e-mail address linked to your account.\n\nKind regards,\nExample Bank Data Protection Team",
            ago(4),
            "<in-bank-2@examplebank.example>",
            reply_to="<in-bank@examplebank.example>",
            refs=("<req-access@example.org>",),
        )
    )
    return data


def announced(result: Any) -> tuple[set[Draft], list[dict[str, Any]]]:
    """The drafts a `scan --json` run reports, after checking its summary counts against its rows."""
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    found = re.search(r"(\d+) replies, (\d+) reminders", result.stderr)
    assert found, result.stderr
    assert int(found.group(1)) == sum(1 for r in rows if r["action"] == "reply")
    assert int(found.group(2)) == sum(1 for r in rows if r["action"] == "reminder")
    drafts = [r for r in rows if r["action"] in ("reply", "reminder")]
    return {(r["to"], r["in_reply_to"], r["reply_message_id"], r["template"]) for r in drafts}, drafts


def on_disk(raws: list[bytes], state: Path) -> set[Draft]:
    """The drafts in the mailbox, with the template mailbot recorded for each."""
    templates = {mid: row["template"] for mid, row in written(state).items()}
    out = set()
    for raw in raws:
        msg = email.message_from_bytes(raw)
        out.add((str(msg["To"]), str(msg["In-Reply-To"]), str(msg["Message-ID"]), templates[str(msg["Message-ID"])]))
    return out


def expect(drafts: set[Draft]) -> None:
    """The scenario's three drafts: the bank's newer message, the expired shop case, the gym reminder."""
    assert sorted(d[1] for d in drafts) == [
        "<in-bank-2@examplebank.example>",
        "<in-negozio@negozio.example>",
        "<req-gym@example.org>",
    ]
    assert {d[3].split(".")[0] for d in drafts} == {"request_info", "identity_check", "reminder"}


def test_dry_run_equals_real_scan_dovecot(dovecot: Dovecot, env: Path) -> None:
    data = superseding()
    client = imap_client(dovecot)
    for raw in data.sent:
        client.append("Sent", raw, flags=[b"\\Seen"])
    for raw in data.inbox:
        client.append("INBOX", raw, flags=[])
    client.logout()
    config = write_config(env / "config.toml", dovecot)
    runner = CliRunner()
    dry, dry_rows = announced(runner.invoke(cli, ["scan", "--config", str(config), "--mode", "dry-run", "--json"]))
    expect(dry)
    assert len(dry_rows) == len(dry)
    # Nothing was written and nothing remembered: the real scan sees the same mail as new.
    assert drafts_count(dovecot) == 0
    assert runner.invoke(cli, ["cases", "--config", str(config), "--json"]).stdout.strip() == ""
    real, real_rows = announced(runner.invoke(cli, ["scan", "--config", str(config), "--json"]))
    assert real == dry
    assert len(real_rows) == len(dry_rows)
    client = imap_client(dovecot)
    client.select_folder("Drafts", readonly=True)
    raws = [bytes(v[b"BODY[]"]) for v in client.fetch(client.search(["ALL"]), ["BODY.PEEK[]"]).values()]
    client.logout()
    assert on_disk(raws, env / "state.sqlite3") == dry


def test_dry_run_equals_real_scan_maildir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    maildir = maildir_with(tmp_path, superseding())
    config = config_file(tmp_path)
    runner = CliRunner()
    args = ["scan", "--config", str(config), "--maildir", str(maildir), "--json"]
    dry, _ = announced(runner.invoke(cli, [*args, "--mode", "dry-run"]))
    expect(dry)
    assert not (maildir / ".Drafts" / "cur").exists() or not list((maildir / ".Drafts" / "cur").iterdir())
    # Twice: a dry run leaves no trace that would change the next one.
    again, _ = announced(runner.invoke(cli, [*args, "--mode", "dry-run"]))
    assert again == dry
    real, _ = announced(runner.invoke(cli, args))
    assert real == dry
    raws = [p.read_bytes() for p in sorted((maildir / ".Drafts" / "cur").iterdir())]
    assert on_disk(raws, tmp_path / "state.sqlite3") == dry
    assert len(raws) == len(dry)
