"""`mailbot scan` end to end against a real Dovecot (IMAP) and a real aiosmtpd (SMTP)."""

from __future__ import annotations

import email
import email.policy
import email.utils
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import (
    MESSAGES,
    RecordingHandler,
    drafts_count,
    imap_client,
    minimal_config,
    write_config,
    written_kind,
)
from servers import PASSWORD, Dovecot

from mailbot.cli import cli

pytestmark = pytest.mark.integration

# label -> fixture; every reply-worthy one is from an address that takes replies.
SEED = {
    "request_info": "request_info/whatsapp-template-en.eml",
    "clarification": "clarification/instagram-more-detail-en.eml",
    "acceptance": "acceptance/meta-honour-en.eml",
    "rejection": "rejection/meta-overriding-en.eml",
    "identity_check": "identity_check/meta-photo-id-en.eml",
    "acknowledgement": "acknowledgement/meta-received-en.eml",
    "unrelated-list": "unrelated/list-post-quotes-meta-en.eml",
    "unrelated-friend": "unrelated/friend-did-you-object-en.eml",
    "unrelated-broadcast": "unrelated/meta-ai-broadcast-en.eml",
    "unknown": "unknown/google-vague-en.eml",
}
REPLY_WORTHY = {"request_info", "clarification", "acceptance", "rejection", "identity_check"}


AUTHSERV = "mx.test.example"


def authenticated(raw: bytes, result: str = "pass") -> bytes:
    """The message as the person's own server would hand it over after a DMARC check of its From."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"(?im)^From:[^\r\n]*@([A-Za-z0-9.-]+)", head)
    domain = found.group(1).decode() if found else "invalid"
    line = f"Authentication-Results: {AUTHSERV}; dkim={result} header.d={domain}; dmarc={result} header.from={domain}"
    return line.encode() + b"\r\n" + raw


def seeded_raw(
    name: str, path: str, n: int = 0, *, when: datetime | None = None, verified: str | None = "pass"
) -> bytes:
    """A fixture with its own Message-ID and its own thread (so each is a separate case), dated now
    (freshly arrived mail: no Art. 12(3) deadline has passed), with the receiving server's DMARC
    result for its From (`verified=None`: a server that writes none)."""
    raw = (MESSAGES / path).read_bytes()
    if verified is not None:
        raw = authenticated(raw, verified)
    date = email.utils.format_datetime(when or datetime.now(UTC)).encode()
    raw = re.sub(rb"Date: [^\r\n]+", b"Date: " + date, raw, count=1)
    raw = re.sub(rb"Message-ID: <[^>]+>", f"Message-ID: <seed-{name}-{n}@mail.example.net>".encode(), raw, count=1)
    return re.sub(rb"<objection-(\w+)@example\.org>", f"<objection-{name}-{n}@example.org>".encode(), raw)


def seed(server: Dovecot, items: dict[str, str], n: int = 0) -> dict[str, str]:
    """APPEND the fixtures to INBOX; returns label -> Message-ID."""
    client = imap_client(server)
    ids = {}
    for name, path in items.items():
        raw = seeded_raw(name, path, n)
        client.append("INBOX", raw, flags=[])
        ids[name] = f"<seed-{name}-{n}@mail.example.net>"
    client.logout()
    return ids


def folder_messages(server: Dovecot, folder: str) -> list[tuple[email.message.Message, tuple[bytes, ...]]]:
    """Every message in a folder with its flags."""
    client = imap_client(server)
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"]) if uids else {}
    client.logout()
    return [
        (email.message_from_bytes(d[b"BODY[]"], policy=email.policy.default), tuple(d[b"FLAGS"]))
        for _, d in sorted(data.items())
    ]


def scan(config: Path, *args: str) -> tuple[int, str, str]:
    """Run `mailbot scan` in-process."""
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), *args])
    return result.exit_code, result.stdout, result.stderr


def test_scan_twice_drafts_each_reply_once_and_leaves_inbox_unread(dovecot: Dovecot, env: Path) -> None:
    """Two scans give exactly one threaded \\Draft per reply-worthy message, nothing else; INBOX stays unread."""
    ids = seed(dovecot, SEED)
    config = write_config(env / "config.toml", dovecot)
    for _ in range(2):
        code, _out, err = scan(config)
        assert code == 0, err
    drafts = folder_messages(dovecot, "Drafts")
    assert len(drafts) == len(REPLY_WORTHY)
    by_original = {msg["In-Reply-To"]: (msg, flags) for msg, flags in drafts}
    assert set(by_original) == {ids[name] for name in REPLY_WORTHY}
    for name in REPLY_WORTHY:
        msg, flags = by_original[ids[name]]
        assert b"\\Draft" in flags
        assert written_kind(env / "state.sqlite3", msg) == name
        assert ids[name] in msg["References"]
        assert msg["Subject"].startswith("Re: ")
        assert msg["Auto-Submitted"] is None
        assert msg["From"] == "Ada Lovelace-Smith <ada@example.org>"
    inbox = folder_messages(dovecot, "INBOX")
    assert len(inbox) == len(SEED)
    assert all(b"\\Seen" not in flags for _, flags in inbox)


def test_scan_prints_one_row_per_processed_message(dovecot: Dovecot, env: Path) -> None:
    """The summary has a row per platform message with sender, subject, category and action; --json too."""
    seed(dovecot, {"request_info": SEED["request_info"], "acknowledgement": SEED["acknowledgement"]})
    config = write_config(env / "config.toml", dovecot)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.stderr
    rows = [__import__("json").loads(line) for line in result.stdout.splitlines()]
    assert sorted((r["category"], r["action"]) for r in rows) == [
        ("acknowledgement", "record"),
        ("request_info", "reply"),
    ]
    assert all(r["sender"] and r["subject"] for r in rows)


def test_send_mode_sends_once_and_keeps_copies_in_sent(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """In send mode the SMTP server receives exactly the replies to verified, non-automatic mail, Sent
    holds copies, answers to automatic mail (Auto-Submitted) are drafts, a second run sends nothing."""
    handler, port = smtpd
    ids = seed(dovecot, SEED)
    automatic = {name for name in REPLY_WORTHY if b"\nAuto-Submitted:" in (MESSAGES / SEED[name]).read_bytes()}
    assert automatic  # the fixture set covers both kinds
    assert automatic != REPLY_WORTHY
    # Several answers come from one Meta address: allow that many sends to one recipient.
    config = write_config(
        env / "config.toml", dovecot, smtp_port=port, mode="send", reply="max_sends_per_recipient_per_day = 5\n"
    )
    code, out, err = scan(config)
    assert code == 0, err
    sent_to = {email.message_from_bytes(raw)["In-Reply-To"] for raw in handler.received}
    assert sent_to == {ids[name] for name in REPLY_WORTHY - automatic}, out
    for raw in handler.received:
        assert email.message_from_bytes(raw)["Auto-Submitted"] == "auto-replied"
    assert "automatic mail (Auto-Submitted: auto-generated)" in out
    code, _, err = scan(config)
    assert code == 0, err
    assert len(handler.received) == len(sent_to)
    sent = folder_messages(dovecot, "Sent")
    assert {m["In-Reply-To"] for m, _ in sent} == sent_to
    assert len(sent) == len(sent_to)
    drafts = folder_messages(dovecot, "Drafts")
    assert {m["In-Reply-To"] for m, _ in drafts} == {ids[name] for name in automatic}
    assert all(m["Auto-Submitted"] is None for m, _ in drafts)


def test_smtp_5xx_keeps_reply_as_draft(dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]) -> None:
    """A permanent 5xx answer is recorded and the reply is kept as a draft instead; nothing is retried."""
    handler, port = smtpd
    handler.fail_codes = ["554 5.7.1 rejected"]
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    code, out, err = scan(config)
    assert code == 0, err
    assert handler.received == []
    drafts = folder_messages(dovecot, "Drafts")
    assert len(drafts) == 1
    assert drafts[0][0]["Auto-Submitted"] is None
    assert "554" in out
    scan(config)
    assert handler.received == []
    assert len(folder_messages(dovecot, "Drafts")) == 1


def test_smtp_4xx_is_retried(dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]) -> None:
    """A temporary 4xx answer is retried with backoff and then succeeds."""
    handler, port = smtpd
    handler.fail_codes = ["451 4.3.0 try later"]
    seed(dovecot, {"clarification": SEED["clarification"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    code, _, err = scan(config)
    assert code == 0, err
    assert len(handler.received) == 1


def test_one_answer_per_thread(dovecot: Dovecot, env: Path) -> None:
    """When a thread has several new platform messages, only the newest is answered; older ones are superseded."""
    client = imap_client(dovecot)
    first = seeded_raw("thread", SEED["request_info"]).replace(b"seed-thread-0@", b"first@")
    later = seeded_raw("thread", SEED["acceptance"], when=datetime.now(UTC) + timedelta(hours=1))
    later = later.replace(b"seed-thread-0@", b"later@")
    later = later.replace(b"Subject:", b"References: <objection-thread-0@example.org>\r\nSubject:", 1)
    client.append("INBOX", first)
    client.append("INBOX", later)
    client.logout()
    config = write_config(env / "config.toml", dovecot)
    code, out, err = scan(config)
    assert code == 0, err
    drafts = folder_messages(dovecot, "Drafts")
    assert [written_kind(env / "state.sqlite3", m) for m, _ in drafts] == ["acceptance"]
    assert "superseded" in out


def test_new_message_later_is_answered_old_ones_not_again(dovecot: Dovecot, env: Path) -> None:
    """A later scan answers only what arrived since; what was answered stays answered once."""
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot)
    scan(config)
    seed(dovecot, {"identity_check": SEED["identity_check"]}, n=1)
    code, out, _ = scan(config)
    assert code == 0
    assert len(out.strip().splitlines()) == 1
    assert len(folder_messages(dovecot, "Drafts")) == 2


def test_refused_login_is_one_clear_line(dovecot: Dovecot, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong password gives one line naming the user and host, exit 1, no traceback, no password."""
    monkeypatch.setenv("MAILBOT_TEST_PASSWORD", "wrong-password-123")
    config = write_config(env / "config.toml", dovecot)
    code, out, err = scan(config)
    assert code == 1
    assert err.strip().splitlines() == ["mailbot: error: IMAP login refused for ada at 127.0.0.1"]
    assert "wrong-password-123" not in out + err


def test_unreachable_server_is_one_clear_line(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that does not answer gives one clear line, not a traceback."""
    monkeypatch.setenv("MAILBOT_TEST_PASSWORD", PASSWORD)
    server = Dovecot(root=env, port=1)
    config = write_config(env / "config.toml", server)
    code, _out, err = scan(config)
    assert code == 1
    assert "127.0.0.1:1 refused the connection" in err
    assert "Traceback" not in err


def test_failing_password_command_is_one_clear_line(dovecot: Dovecot, env: Path) -> None:
    """A password command that fails is reported in one line."""
    config = write_config(env / "config.toml", dovecot)
    config.write_text(
        config.read_text().replace('password_env = "MAILBOT_TEST_PASSWORD"', 'password_command = "false"')
    )
    code, _, err = scan(config)
    assert code == 1
    assert "password command failed with exit status 1" in err


def test_cases_lists_what_scan_opened(dovecot: Dovecot, env: Path) -> None:
    """`mailbot cases` lists one case per platform thread, with its due date; acceptance closes it."""
    seed(dovecot, {"rejection": SEED["rejection"]})
    # In a thread of its own (a message outside any thread would join the platform's open case).
    client = imap_client(dovecot)
    raw = seeded_raw("acceptance", SEED["acceptance"])
    client.append("INBOX", raw.replace(b"Subject:", b"References: <objection-other@example.org>\r\nSubject:", 1))
    client.logout()
    config = write_config(env / "config.toml", dovecot)
    scan(config)
    result = CliRunner().invoke(cli, ["cases", "--config", str(config), "--json"])
    assert result.exit_code == 0
    cases = [__import__("json").loads(line) for line in result.stdout.splitlines()]
    assert sorted(c["status"] for c in cases) == ["closed", "open"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", c["due"]) for c in cases)


def _scan_process(config: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MAILBOT_TEST_PASSWORD": PASSWORD}
    return subprocess.Popen(
        [sys.executable, "-m", "mailbot", "scan", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def _kill_when(proc: subprocess.Popen[bytes], server: Dovecot, drafts_at_least: int, timeout: float = 60) -> bool:
    """SIGKILL the scan as soon as Drafts holds `drafts_at_least` messages; False if it finished first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if drafts_count(server) >= drafts_at_least:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            return True
        time.sleep(0.002)
    proc.wait(timeout)
    return False


def test_sigkill_during_delivery_never_duplicates_or_loses(dovecot: Dovecot, env: Path) -> None:
    """Killing scan with SIGKILL at many points of delivery and restarting it gives no duplicate and no
    missing draft, and no message answered by two different replies."""
    items = {f"{name}-{i}": path for i in range(12) for name, path in SEED.items() if name in REPLY_WORTHY}
    ids = seed(dovecot, items)
    config = write_config(env / "config.toml", dovecot)
    # Drafts are stored a few at a time here (50 by default), so that kills land between many batches.
    config.write_text(config.read_text() + "[limits]\ndraft_batch = 3\n")
    # A first kill before anything is delivered (during start-up, triage or classification).
    proc = _scan_process(config)
    time.sleep(0.3)  # a kill point early in the run, not a wait for an event: any moment before delivery will do
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    counts = [drafts_count(dovecot)]
    kills = 1
    step = 1
    while counts[-1] < len(items) and kills < 40:
        # Kill as soon as a few more drafts have landed: between an APPEND and the state's record
        # of it, or between two messages, wherever the process happens to be.
        if _kill_when(_scan_process(config), dovecot, counts[-1] + step):
            kills += 1
        counts.append(drafts_count(dovecot))
        step = step % 4 + 1
    proc = _scan_process(config)
    assert proc.wait(60) == 0
    drafts = folder_messages(dovecot, "Drafts")
    originals = [m["In-Reply-To"] for m, _ in drafts]
    assert sorted(originals) == sorted(ids.values()), "a draft is missing or duplicated"
    assert len({m["Message-ID"] for m, _ in drafts}) == len(drafts)
    print("drafts after each killed run:", counts)
    # Several kills landed between the first and the last draft, i.e. in the middle of delivery.
    assert len({c for c in counts if 0 < c < len(items)}) >= 3, counts


def test_uidvalidity_change_does_not_reanswer_old_mail(dovecot: Dovecot, env: Path) -> None:
    """When the server renumbers the mailbox (new UIDVALIDITY), old mail is not answered again and
    new mail still is."""
    seed(dovecot, {"rejection": SEED["rejection"], "identity_check": SEED["identity_check"]})
    config = write_config(env / "config.toml", dovecot)
    scan(config)
    assert len(folder_messages(dovecot, "Drafts")) == 2
    client = imap_client(dovecot)
    client.select_folder("INBOX", readonly=True)
    before = client.folder_status("INBOX", [b"UIDVALIDITY"])[b"UIDVALIDITY"]
    client.logout()
    dovecot.stop()
    maildir = dovecot.root / "mail" / dovecot.user
    for path in maildir.glob("dovecot*"):
        path.unlink()
    time.sleep(1.1)  # Dovecot derives UIDVALIDITY from the clock
    dovecot.start()
    client = imap_client(dovecot)
    after = client.folder_status("INBOX", [b"UIDVALIDITY"])[b"UIDVALIDITY"]
    client.logout()
    assert after != before
    seed(dovecot, {"clarification": SEED["clarification"]}, n=1)
    code, _, err = scan(config)
    assert code == 0, err
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(written_kind(env / "state.sqlite3", m) for m, _ in drafts) == [
        "clarification",
        "identity_check",
        "rejection",
    ]


def test_maildir_scan_drafts_once_and_leaves_mail_unread(tmp_path: Path, env: Path) -> None:
    """`scan --maildir`: drafts go to .Drafts (flags D and S), a second run writes nothing, and the
    inbox's files keep their names and flags."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for i, name in enumerate(["rejection", "acknowledgement", "unrelated-list", "request_info"]):
        (maildir / "new" / f"17000000{i}.M{i}P1.test").write_bytes(seeded_raw(name, SEED[name]))
    before = sorted(p.name for p in (maildir / "new").iterdir())
    minimal_config(env / "xdg-config")
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(cli, ["scan", "--maildir", str(maildir)])
        assert result.exit_code == 0, result.stderr
    drafts = sorted((maildir / ".Drafts" / "cur").iterdir())
    assert len(drafts) == 2
    assert all(p.name.endswith(":2,DS") for p in drafts)
    state = env / "xdg-state" / "mailbot" / "state.sqlite3"
    categories = sorted(written_kind(state, email.message_from_bytes(p.read_bytes())) for p in drafts)
    assert categories == ["rejection", "request_info"]
    assert sorted(p.name for p in (maildir / "new").iterdir()) == before
