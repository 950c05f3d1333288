"""Learning from the folders Mailbot/<category>: what the person files there is learnt and answered once."""

from __future__ import annotations

import email
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import imap_client, minimal_config, write_config, written_kind
from servers import Dovecot, ImapProxy, make_dovecot
from test_scan_imap import folder_messages, scan

from mailbot import learn
from mailbot.cli import cli

pytestmark = pytest.mark.integration

CATEGORIES = [
    "acceptance",
    "acknowledgement",
    "clarification",
    "identity_check",
    "rejection",
    "request_info",
    "unrelated",
]
# Wording no bundled rule knows: from a platform's privacy team it is `unknown` until taught.
FILED = "Such matters are only dealt with at our head office counter, during opening hours."
LIKE = "such matters are dealt with only at our head office counter during opening hours."
OTHER = "Questions of this kind are settled by our regional desk after a personal appointment only."


def message(name: str, sentence: str, *, dmarc: str = "pass") -> bytes:
    """A message from Google's privacy team, as the person's own server hands it over (DMARC `dmarc`)."""
    return (
        f"Authentication-Results: mx.test.example; dkim={dmarc} header.d=google.com; "
        f"dmarc={dmarc} header.from=google.com\r\n"
        "From: Google Privacy <privacy@google.com>\r\nTo: Ada Lovelace-Smith <ada@example.org>\r\n"
        f"Subject: Re: Your objection ({name})\r\nDate: {format_datetime(datetime.now(UTC))}\r\n"
        f"Message-ID: <{name}@mail.example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hello Ada,\r\n\r\nThank you for your message.\r\n{sentence}\r\n\r\nKind regards,\r\nThe team\r\n"
    ).encode()


def lessons(state_dir: Path) -> list[learn.Lesson]:
    """The lessons in the learned file beside the state database."""
    return learn.load(state_dir / learn.FILE_NAME)


def folders(server: Dovecot) -> dict[str, tuple[bytes, ...]]:
    """Every folder the server lists, with its flags."""
    client = imap_client(server)
    try:
        subscribed = {str(name) for _f, _s, name in client.list_sub_folders()}
        return {
            str(name): (b"subscribed",) if str(name) in subscribed else () for _f, _s, name in client.list_folders()
        }
    finally:
        client.logout()


def file_into(server: Dovecot, folder: str, raw: bytes) -> None:
    """The person files a message into a folder (APPEND, unread)."""
    client = imap_client(server)
    try:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        client.append(folder, raw, flags=[])
    finally:
        client.logout()


@pytest.fixture
def courier() -> Iterator[Dovecot]:
    """A Dovecot laid out like Courier: every folder under "INBOX." with "." between levels."""
    from test_servers_imap import COURIER

    server = make_dovecot(**COURIER)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


def test_filed_message_is_learnt_and_answered_once_and_teaches_later_mail(dovecot: Dovecot, env: Path) -> None:
    """The first scan creates Mailbot/<category> for every category (subscribed); a message filed into
    Mailbot/rejection is learnt and answered as a rejection, stays in its folder unread, and is neither
    learnt nor answered again; a like message arriving later is classified a rejection; a forged one and
    one in a folder of no category teach nothing; --list shows the lesson, --forget removes it."""
    config = write_config(env / "config.toml", dovecot)
    code, _out, err = scan(config)
    assert code == 0, err
    listed = folders(dovecot)
    assert {f"Mailbot/{c}" for c in CATEGORIES} <= set(listed)
    assert all(listed[f"Mailbot/{c}"] == (b"subscribed",) for c in CATEGORIES)
    file_into(dovecot, "Mailbot/rejection", message("filed", FILED))
    file_into(dovecot, "Mailbot/acceptance", message("forged", OTHER, dmarc="fail"))
    file_into(dovecot, "Mailbot/spam", message("elsewhere", OTHER))

    code, out, err = scan(config, "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    (taught,) = lessons(env)
    assert (taught.category, taught.sentences, taught.source) == ("rejection", (FILED,), "folder Mailbot/rejection")
    drafts = folder_messages(dovecot, "Drafts")
    assert [str(m["In-Reply-To"]) for m, _ in drafts] == ["<filed@mail.example.net>"]
    assert written_kind(env / "state.sqlite3", drafts[0][0]) == "rejection"
    forged = [r for r in rows if "forged" in r["subject"]]
    assert [r["action"] for r in forged] == ["learn", "hold"]
    assert "not learnt" in forged[0]["detail"]
    assert "failed verification" in forged[0]["detail"]
    assert not [r for r in rows if "elsewhere" in r["subject"]]
    ((filed, flags),) = folder_messages(dovecot, "Mailbot/rejection")
    assert filed["Message-ID"] == "<filed@mail.example.net>"
    assert b"\\Seen" not in flags

    client = imap_client(dovecot)
    client.append("INBOX", message("later", LIKE), flags=[])
    client.logout()
    code, out, err = scan(config, "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["subject"], r["category"], r["action"]) for r in rows] == [
        ("Re: Your objection (later)", "rejection", "reply")
    ]
    assert len(lessons(env)) == 1
    assert len(folder_messages(dovecot, "Drafts")) == 2

    runner = CliRunner()
    listing = runner.invoke(cli, ["teach", "--list", "--config", str(config)])
    assert f"{taught.id}\trejection\t-\tprivacy@google.com\tfolder Mailbot/rejection\t{FILED[:80]}" in listing.output
    assert runner.invoke(cli, ["teach", "--forget", taught.id, "--config", str(config)]).exit_code == 0
    assert lessons(env) == []


def test_teaching_folders_cost_a_status_each_when_nothing_is_filed(dovecot: Dovecot, env: Path) -> None:
    """A server that refuses CREATE leaves the scan working (the folders are tried again next time); once
    they exist, a scan with nothing newly filed opens none of them (STATUS answers), and a filing is read."""
    config = write_config(env / "config.toml", dovecot)
    refusing = ImapProxy(upstream=dovecot.port, refuse=("CREATE",)).start()
    proxy = ImapProxy(upstream=dovecot.port).start()
    try:
        text = config.read_text()
        config.write_text(text.replace(f"port = {dovecot.port}\n", f"port = {refusing.port}\n"))
        code, _out, err = scan(config)
        assert code == 0, err
        assert not any("Mailbot" in name for name in folders(dovecot))
        config.write_text(text.replace(f"port = {dovecot.port}\n", f"port = {proxy.port}\n"))
        assert scan(config)[0] == 0
        assert {f"Mailbot/{c}" for c in CATEGORIES} <= set(folders(dovecot))
        proxy.commands.clear()
        assert scan(config)[0] == 0
        opened = [c for c in proxy.commands if re.search(rb"^\S+ (SELECT|EXAMINE) .*Mailbot", c)]
        statuses = [c for c in proxy.commands if re.search(rb"^\S+ STATUS .*Mailbot", c)]
        assert (opened, len(statuses)) == ([], len(CATEGORIES))
        file_into(dovecot, "Mailbot/rejection", message("filed", FILED))
        proxy.commands.clear()
        assert scan(config)[0] == 0
        opened = [c for c in proxy.commands if re.search(rb"^\S+ (SELECT|EXAMINE) .*Mailbot", c)]
        assert opened == [b'%s EXAMINE "Mailbot/rejection"' % opened[0].split()[0]]
        assert [x.category for x in lessons(env)] == ["rejection"]
    finally:
        refusing.stop()
        proxy.stop()


def test_courier_layout_folders_are_made_in_the_namespace(courier: Dovecot, env: Path) -> None:
    """Under the "INBOX." namespace the folders are INBOX.Mailbot.<category>; one filed there is learnt."""
    config = write_config(env / "config.toml", courier)
    assert scan(config)[0] == 0
    assert {f"INBOX.Mailbot.{c}" for c in CATEGORIES} <= set(folders(courier))
    file_into(courier, "INBOX.Mailbot.rejection", message("filed", FILED))
    code, _out, err = scan(config)
    assert code == 0, err
    assert [(x.category, x.source) for x in lessons(env)] == [("rejection", "folder INBOX.Mailbot.rejection")]
    (draft,) = folder_messages(courier, "INBOX.Drafts")
    assert draft[0]["In-Reply-To"] == "<filed@mail.example.net>"


def _maildir(root: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    return root


def test_maildir_folders_learn_once_and_forged_mail_teaches_nothing(tmp_path: Path, env: Path) -> None:
    """A Maildir gets the Maildir++ subfolders .Mailbot.<category>; a message filed there is learnt and
    drafted once over two scans, and the file is left as it was; a forged one teaches nothing; a folder
    the person deletes is not made again."""
    maildir = _maildir(tmp_path / "Maildir")
    minimal_config(env / "xdg-config")
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "--maildir", str(maildir)]).exit_code == 0
    for category in CATEGORIES:
        assert (maildir / f".Mailbot.{category}" / "maildirfolder").exists()
    filed = maildir / ".Mailbot.rejection" / "new" / "1700000000.M1P1.test"
    raw = message("filed", FILED)
    filed.write_bytes(raw)
    (maildir / ".Mailbot.acceptance" / "new" / "1700000001.M2P1.test").write_bytes(
        message("forged", OTHER, dmarc="fail")
    )
    for _ in range(2):
        result = runner.invoke(cli, ["scan", "--maildir", str(maildir)])
        assert result.exit_code == 0, result.stderr
    state = env / "xdg-state" / "mailbot"
    assert [(x.category, x.sentences) for x in lessons(state)] == [("rejection", (FILED,))]
    drafts = sorted((maildir / ".Drafts" / "cur").iterdir())
    assert len(drafts) == 1
    draft = email.message_from_bytes(drafts[0].read_bytes())
    assert draft["In-Reply-To"] == "<filed@mail.example.net>"
    assert written_kind(state / "state.sqlite3", draft) == "rejection"
    assert filed.read_bytes() == raw
    shutil.rmtree(maildir / ".Mailbot.unrelated")  # the person does not want this one
    assert runner.invoke(cli, ["scan", "--maildir", str(maildir)]).exit_code == 0
    assert not (maildir / ".Mailbot.unrelated").exists()


def test_dry_run_learns_nothing_and_creates_nothing(tmp_path: Path, env: Path) -> None:
    """A dry run reads an existing teaching folder and says what it would do, but writes no lesson,
    creates no folder and stores no draft."""
    maildir = _maildir(tmp_path / "Maildir")
    _maildir(maildir / ".Mailbot.rejection")
    (maildir / ".Mailbot.rejection" / "new" / "1700000000.M1P1.test").write_bytes(message("filed", FILED))
    result = CliRunner().invoke(cli, ["scan", "--maildir", str(maildir), "--mode", "dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    actions = [json.loads(line)["action"] for line in result.stdout.splitlines()]
    assert actions == ["learn", "reply"]
    assert not (env / "xdg-state" / "mailbot" / learn.FILE_NAME).exists()
    assert not (maildir / ".Mailbot.acceptance").exists()
    assert not (maildir / ".Drafts").exists() or not any((maildir / ".Drafts" / "cur").iterdir())
