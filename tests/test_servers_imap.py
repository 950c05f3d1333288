"""`mailbot scan` against IMAP servers that are not a default Dovecot: Courier's and Debian Cyrus's folder
layout, localised folder names, and searches that find nothing (Gmail, Exchange) or answer BAD."""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import imapclient
import pytest
from conftest import imap_client, write_config
from servers import PASSWORD, Dovecot, ImapProxy, make_dovecot
from test_scan_imap import REPLY_WORTHY, SEED, folder_messages, scan, seed, seeded_raw

from mailbot.config import load_config
from mailbot.errors import MailboxError
from mailbot.mailboxes.imap import ImapMailbox, _uid_set, read_fetch_answers

pytestmark = pytest.mark.integration

# Courier and Debian's Cyrus: everything under "INBOX." with "." between levels, no SPECIAL-USE,
# no Drafts or Sent until someone creates them (a top-level CREATE is refused).
PLAIN_CAPABILITY = "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS"
COURIER: dict[str, Any] = {"prefix": "INBOX.", "separator": ".", "special_use": False, "capability": PLAIN_CAPABILITY}

Servers = Callable[..., Dovecot]


@pytest.fixture
def servers() -> Iterator[Servers]:
    """Starts Dovecots with a given folder layout; stops them all afterwards."""
    started: list[Dovecot] = []

    def start(**layout: Any) -> Dovecot:
        server = make_dovecot(**layout)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


def config_for(env: Path, server: Dovecot, port: int | None = None, extra: str = "") -> Path:
    """A mailbot config for `server`, reached on `port` (a proxy) when given."""
    config = write_config(env / "config.toml", server)
    text = config.read_text()
    if port:
        text = text.replace(f"port = {server.port}\n", f"port = {port}\n")
    config.write_text(text + extra)
    return config


def lose_state(env: Path) -> None:
    """Delete the state file, as after a lost disk or a fresh install."""
    for path in env.glob("state.sqlite3*"):
        path.unlink()


def folder_names(server: Dovecot) -> set[str]:
    """Every folder the server lists."""
    client = imap_client(server)
    try:
        return {str(name) for _flags, _sep, name in client.list_folders()}
    finally:
        client.logout()


def drafts_in(server: Dovecot, folder: str) -> list[tuple[str, str]]:
    """(In-Reply-To, Message-ID) of each message in the folder, sorted."""
    return sorted((str(m["In-Reply-To"]), str(m["Message-ID"])) for m, _flags in folder_messages(server, folder))


@pytest.fixture(scope="module")
def reference() -> Iterator[list[tuple[str, str]]]:
    """The drafts a default Dovecot gets for SEED: what every other server must get too."""
    server = make_dovecot()
    server.start()
    work = Path(server.root) / "work"
    work.mkdir()
    old = os.environ.get("MAILBOT_TEST_PASSWORD")
    os.environ["MAILBOT_TEST_PASSWORD"] = PASSWORD
    try:
        seed(server, SEED)
        code, _out, err = scan(config_for(work, server))
        assert code == 0, err
        yield drafts_in(server, "Drafts")
    finally:
        if old is None:
            os.environ.pop("MAILBOT_TEST_PASSWORD", None)
        else:
            os.environ["MAILBOT_TEST_PASSWORD"] = old
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


VARIANTS: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    # name: (Dovecot layout, proxy behaviour or {} for none, the folder the drafts must land in)
    "courier-layout": (COURIER, {}, "INBOX.Drafts"),
    "courier-localised-bozze": ({**COURIER, "mailboxes": {"Bozze": ""}}, {}, "INBOX.Bozze"),
    "courier-concepten-gmail-search": (
        {**COURIER, "mailboxes": {"Concepten": ""}},
        {"search": "empty"},
        "INBOX.Concepten",
    ),
    "marked-rascunhos-over-brouillons": (
        {"special_use": False, "mailboxes": {"Brouillons": "", "Rascunhos": "\\Drafts"}},
        {},
        "Rascunhos",
    ),
    "entwuerfe-unmarked": ({"special_use": False, "mailboxes": {"Entwürfe": ""}}, {}, "Entwürfe"),
    "search-finds-nothing": ({}, {"search": "empty"}, "Drafts"),
    "search-answers-bad": ({}, {"search": "bad"}, "Drafts"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_same_drafts_as_default_dovecot_none_lost_none_duplicated(
    variant: str,
    servers: Servers,
    proxies: Callable[..., ImapProxy],
    env: Path,
    reference: list[tuple[str, str]],
) -> None:
    """Each server gets exactly the drafts a default Dovecot gets, in its own drafts folder; after the
    state is lost, a second scan finds them by Message-ID and writes none again."""
    layout, behaviour, folder = VARIANTS[variant]
    server = servers(**layout)
    proxy = proxies(server, **behaviour) if behaviour else None
    ids = seed(server, SEED)
    folders_before = folder_names(server)
    config = config_for(env, server, proxy.port if proxy else None)
    if proxy:
        # The proxy really answers header searches as Gmail (nothing) or a stricter server (BAD) does.
        client = imapclient.IMAPClient("127.0.0.1", port=proxy.port, ssl=False, timeout=10)
        client.login(server.user, server.password)
        client.select_folder("INBOX", readonly=True)
        if behaviour["search"] == "bad":
            with pytest.raises(imapclient.exceptions.IMAPClientError):
                client.search(["FROM", "facebookmail.com"])
        else:
            assert client.search(["FROM", "facebookmail.com"]) == []
            assert client.search(["HEADER", "Message-ID", "seed"]) == []
        assert len(client.search(["ALL"])) == len(SEED)
        client.logout()
    code, _out, err = scan(config)
    assert code == 0, err
    drafts = drafts_in(server, folder)
    assert drafts == reference
    assert sorted(irt for irt, _ in drafts) == sorted(ids[name] for name in REPLY_WORTHY)
    # Besides the drafts folder, only the teaching folders Mailbot/<category> are created.
    assert {f for f in folder_names(server) - folders_before if "Mailbot" not in f} <= {folder}
    lose_state(env)
    code, _out, err = scan(config)
    assert code == 0, err
    assert drafts_in(server, folder) == reference, "a draft was written twice after the state was lost"


def test_courier_layout_refuses_top_level_folders(servers: Servers) -> None:
    """The Courier-like test server is what it claims to be: no SPECIAL-USE, a top-level CREATE is refused."""
    server = servers(**COURIER)
    client = imap_client(server)
    try:
        assert not client.has_capability("SPECIAL-USE")
        assert client.namespace().personal[0] == ("INBOX.", ".")
        with pytest.raises(imapclient.exceptions.IMAPClientError):
            client.create_folder("Drafts")
    finally:
        client.logout()


def test_created_drafts_folder_is_marked_where_the_server_offers_create_special_use(
    servers: Servers, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """With CREATE-SPECIAL-USE, the folder mailbot creates is created with USE (\\Drafts), in the namespace."""
    server = servers(**{**COURIER, "capability": PLAIN_CAPABILITY + " CREATE-SPECIAL-USE"})
    proxy = proxies(server)
    seed(server, {"rejection": SEED["rejection"]})
    code, _out, err = scan(config_for(env, server, proxy.port))
    assert code == 0, err
    creates = [c for c in proxy.commands if re.match(rb"\S+ CREATE ", c) and b"Mailbot" not in c]
    assert [c.split(b" ", 1)[1] for c in creates] == [b'CREATE "INBOX.Drafts" (USE (\\Drafts))']
    assert len(folder_messages(server, "INBOX.Drafts")) == 1


def test_server_refusing_to_create_drafts_gets_one_line_naming_the_setting(
    servers: Servers, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """No drafts folder and CREATE refused: the message fails with one line that names the `drafts`
    setting (no traceback), is retried on the next scan, and is drafted once the setting is given."""
    server = servers(**COURIER)
    proxy = proxies(server, refuse=("CREATE",))
    ids = seed(server, {"rejection": SEED["rejection"]})
    config = config_for(env, server, proxy.port)
    _code, out, err = scan(config)
    assert "Traceback" not in out + err
    line = next(x for x in (out + err).splitlines() if "refused to create" in x)
    assert "'INBOX.Drafts'" in line
    assert 'set drafts = "<folder>" in [imap]' in line
    client = imap_client(server)
    client.create_folder("INBOX.Mine")
    client.logout()
    config.write_text(config.read_text().replace("[imap]\n", '[imap]\ndrafts = "INBOX.Mine"\n'))
    # The failed message is retried on a timed backoff (a minute after the first failure): let it be due.
    db = sqlite3.connect(config.parent / "state.sqlite3")
    with db:
        db.execute("UPDATE messages SET retry_at = '2000-01-01T00:00:00+00:00' WHERE status = 'failed'")
    db.close()
    code, _out, err = scan(config)
    assert code == 0, err
    assert drafts_in(server, "INBOX.Mine")[0][0] == ids["rejection"]


@pytest.mark.parametrize("answer", ["BAD", "NO", "EMPTY"])
def test_unreadable_drafts_folder_never_gives_a_second_draft(
    answer: str, dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """When the Message-IDs of Drafts cannot be read (BAD, NO, or OK with no data), mailbot writes no
    draft: the messages fail and are retried; once the server answers, nothing is duplicated."""
    seed(dovecot, {name: SEED[name] for name in ("rejection", "identity_check")})
    direct = config_for(env, dovecot)
    code, _out, err = scan(direct)
    assert code == 0, err
    before = drafts_in(dovecot, "Drafts")
    assert len(before) == 2
    lose_state(env)
    proxy = proxies(dovecot, fail_fetch=(rb"HEADER\.FIELDS \(MESSAGE-ID\)", answer))
    _code, out, err = scan(config_for(env, dovecot, proxy.port))
    assert any(re.search(rb"HEADER\.FIELDS \(MESSAGE-ID\)", c) for c in proxy.commands)
    assert drafts_in(dovecot, "Drafts") == before
    assert out.count("error") >= 2, out
    assert "Traceback" not in out + err
    code, out, err = scan(config_for(env, dovecot))
    assert code == 0, err
    assert drafts_in(dovecot, "Drafts") == before
    assert out.count("already in Drafts") == 2, out


def test_triage_reads_every_new_message_even_past_many_ordinary_ones(dovecot: Dovecot, env: Path) -> None:
    """Platform mail among hundreds of ordinary messages, in two arrivals, is all drafted: triage
    looks at every UID's own headers, and the next scan starts right after the last one."""
    client = imap_client(dovecot)
    ordinary = textwrap.dedent("""\
        From: Friend {i} <friend{i}@example.net>\r
        To: ada@example.org\r
        Subject: lunch {i}?\r
        Message-ID: <ordinary-{i}@example.net>\r
        \r
        See you at noon.\r
        """).encode()
    names = sorted(REPLY_WORTHY)
    for batch in range(2):
        messages = [ordinary.replace(b"{i}", str(batch * 1000 + i).encode()) for i in range(300)]
        for k, name in enumerate(names):
            messages.insert(60 * k + 7, seeded_raw(name, SEED[name], n=batch))
        client.multiappend("INBOX", messages)
        code, _out, err = scan(config_for(env, dovecot))
        assert code == 0, err
        assert len(folder_messages(dovecot, "Drafts")) == len(names) * (batch + 1)
    client.logout()


def test_forty_messages_of_ten_megabytes_stay_within_150_mb(dovecot: Dovecot, env: Path) -> None:
    """`mailbot scan` of 40 platform messages of 10 MB each (over the default size cap, so the cap is
    raised) peaks under 150 MB of resident memory: bodies are fetched and parsed one at a time."""
    base = email.message_from_bytes(seeded_raw("big", SEED["request_info"]), policy=email.policy.default)
    msg = EmailMessage()
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        msg[name] = base[name]
    body = base.get_body(("plain",))
    assert body is not None
    msg.set_content(body.get_content())
    msg.add_attachment(os.urandom(7_500_000), maintype="application", subtype="octet-stream", filename="scan.bin")
    raw = msg.as_bytes()
    assert len(raw) > 10_000_000
    client = imap_client(dovecot)
    for i in range(40):
        # Each its own Message-ID and thread (one answer per thread would otherwise supersede them).
        client.append("INBOX", raw.replace(b"big-0@", f"big-{i}@".encode()), flags=[])
    client.logout()
    config = config_for(env, dovecot, extra="[limits]\nmax_message_bytes = 20000000\n")
    measure = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, sys.executable, "-m", "mailbot", "scan", "--config", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "MAILBOT_TEST_PASSWORD": PASSWORD},
        check=True,
    )
    code, peak_kb = map(int, result.stdout.split())
    assert code == 0, result.stderr
    assert len(folder_messages(dovecot, "Drafts")) == 40
    print(f"peak RSS of the scan: {peak_kb / 1024:.0f} MB")
    assert peak_kb < 150 * 1024, f"peak RSS {peak_kb / 1024:.0f} MB"


@pytest.mark.parametrize("answer", ["NO", "EMPTY"])
def test_failed_header_fetch_loses_nothing(
    answer: str, dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """When the server fails the triage FETCH (NO, or OK with no data), the scan says so and moves
    no further; the next scan, with a working server, drafts every message."""
    ids = seed(dovecot, SEED)
    proxy = proxies(dovecot, fail_fetch=(rb"HEADER\.FIELDS \(FROM ", answer))
    code, out, err = scan(config_for(env, dovecot, proxy.port))
    assert code != 0
    assert "headers" in err or "FETCH" in err, out + err
    assert "Traceback" not in out + err
    assert folder_messages(dovecot, "Drafts") == []
    code, _out, err = scan(config_for(env, dovecot))
    assert code == 0, err
    assert sorted(irt for irt, _ in drafts_in(dovecot, "Drafts")) == sorted(ids[name] for name in REPLY_WORTHY)


def test_fetch_answers_in_any_order_with_literal_nil_and_unsolicited_lines() -> None:
    """The triage FETCH reader takes items in any order, a header as a literal, NIL or "", skips
    unsolicited responses, and stops at its own tagged completion."""
    header = b"From: a@example.org\r\nSubject: hi\r\n\r\n"
    stream = io.BytesIO(
        b"* 1 FETCH (UID 10 RFC822.SIZE 120 BODY[HEADER.FIELDS (FROM SUBJECT)] {%d}\r\n%s)\r\n" % (len(header), header)
        + b"* 3 EXISTS\r\n"
        + b"* 2 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] {%d}\r\n%s UID 11 RFC822.SIZE 7)\r\n" % (len(header), header)
        + b"* 3 FETCH (UID 12 RFC822.SIZE 9 BODY[HEADER.FIELDS (FROM SUBJECT)] NIL)\r\n"
        + b'* 4 FETCH (RFC822.SIZE 5 UID 13 BODY[HEADER.FIELDS (FROM SUBJECT)] "")\r\n'
        + b"* 5 FETCH (FLAGS (\\Seen))\r\n"
        + b"* 6 FETCH (UID 14 BODY[HEADER.FIELDS (FROM SUBJECT)] {2}\r\n\r\n)\r\n"  # no size: asked again
        + b"mb1 OK Fetch completed\r\n"
        + b"* 7 FETCH (UID 99 RFC822.SIZE 1 BODY[HEADER.FIELDS (FROM)] NIL)\r\n"
    )
    answers = read_fetch_answers(stream, b"mb1")
    assert answers == {10: (header, 120), 11: (header, 7), 12: (b"", 9), 13: (b"", 5)}
    with pytest.raises(MailboxError, match="FETCH failed: mb2 NO"):
        read_fetch_answers(io.BytesIO(b"* 1 FETCH (UID 1 RFC822.SIZE 1 BODY[HEADER] NIL)\r\nmb2 NO busy\r\n"), b"mb2")
    with pytest.raises(MailboxError, match="closed"):
        read_fetch_answers(io.BytesIO(b"* 1 FETCH (UID 1 BODY[HEADER] {50}\r\nshort"), b"mb3")


def test_uid_sets_fold_runs() -> None:
    """UID lists become short sequence sets: runs folded, order and duplicates ignored."""
    assert _uid_set([7, 1, 2, 3, 3, 9, 10]) == "1:3,7,9:10"
    assert _uid_set([5]) == "5"


def test_a_background_append_holds_the_connection_and_hands_back_its_failure(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """While start_append_many() stores drafts on its own thread, behind a server slow to take them,
    the next use of the connection waits for it: has_message_id() then finds the new drafts, and the
    commands reach the server one after the other. A refused APPEND reaches the caller through the
    returned wait(), and the connection stays usable."""
    raws = [f"From: ada@example.org\r\nMessage-ID: <bg.{i}@example.org>\r\n\r\nHi\r\n".encode() for i in range(3)]
    slow = proxies(dovecot, slow=(rb"^\S+ APPEND ", 0.5))
    mailbox = ImapMailbox(load_config(config_for(env, dovecot, slow.port)).imap)  # type: ignore[arg-type]
    mailbox.open()
    assert not mailbox.has_message_id("drafts", "<bg.0@example.org>")
    wait = mailbox.start_append_many("drafts", raws, draft=True)
    mailbox.close()  # logs out only once the append has ended
    wait()
    mailbox.open()
    assert all(mailbox.has_message_id("drafts", f"<bg.{i}@example.org>") for i in range(3))
    wait = mailbox.start_append_many("drafts", raws[:1], draft=True)
    assert mailbox.has_message_id("drafts", "<bg.0@example.org>")
    wait()
    mailbox.close()
    assert len(folder_messages(dovecot, "Drafts")) == 4
    assert [c.split()[1] for c in slow.commands if c.split()[1:2] in ([b"APPEND"], [b"LOGOUT"])] == [
        b"APPEND",
        b"LOGOUT",
        b"APPEND",
        b"LOGOUT",
    ]
    refusing = proxies(dovecot, refuse=("APPEND",))
    mailbox = ImapMailbox(load_config(config_for(env, dovecot, refusing.port)).imap)  # type: ignore[arg-type]
    mailbox.open()
    wait = mailbox.start_append_many("drafts", [raws[0].replace(b"bg.0", b"bg.9")], draft=True)
    with pytest.raises(MailboxError, match="APPEND"):
        wait()
    assert not mailbox.has_message_id("drafts", "<bg.9@example.org>")
    assert mailbox.has_message_id("drafts", "<bg.1@example.org>")
    mailbox.close()


def test_logging_in_while_the_rules_load_still_logs_in_once(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scan` logs in on a thread of its own while it loads the rules, behind a server slow to answer:
    a good login serves the whole scan, and a refused one is tried once and ends the scan with one line
    and exit 1, as when logging in came first."""
    seed(dovecot, {"rejection": SEED["rejection"]})
    slow = proxies(dovecot, slow=(rb"^\S+ (LOGIN|AUTHENTICATE) ", 0.3))
    code, out, err = scan(config_for(env, dovecot, slow.port))
    assert code == 0, out + err
    assert len(folder_messages(dovecot, "Drafts")) == 1
    monkeypatch.setenv("MAILBOT_TEST_PASSWORD", "wrong-password-123")
    code, out, err = scan(config_for(env, dovecot, slow.port))
    assert code == 1
    assert err.strip().splitlines() == ["mailbot: error: IMAP login refused for ada at 127.0.0.1"]
    logins = [c for c in slow.commands if c.split()[1:2] in ([b"LOGIN"], [b"AUTHENTICATE"])]
    assert len(logins) == 2, logins


def test_drafts_the_server_refuses_are_retried_and_then_written_once(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """A scan whose batches of drafts are all refused (each stored in the background while the next is
    made) exits 2 and records none of their messages as done; once the server takes them, each draft
    is written exactly once."""
    items = {f"{name}-{i}": path for i in range(2) for name, path in SEED.items() if name in REPLY_WORTHY}
    ids = seed(dovecot, items)
    refusing = proxies(dovecot, refuse=("APPEND",))
    code, out, err = scan(config_for(env, dovecot, refusing.port, "[limits]\ndraft_batch = 2\n"))
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert sum(1 for c in refusing.commands if c.split()[1:2] == [b"APPEND"]) >= len(items) // 2
    assert folder_messages(dovecot, "Drafts") == []
    db = sqlite3.connect(env / "state.sqlite3")
    with db:
        assert db.execute("SELECT count(*) FROM messages WHERE status = 'failed'").fetchone()[0] == len(items)
        db.execute("UPDATE messages SET retry_at = '2000-01-01T00:00:00+00:00' WHERE status = 'failed'")
    db.close()
    for _ in range(2):
        code, out, err = scan(config_for(env, dovecot, None, "[limits]\ndraft_batch = 2\n"))
        assert code == 0, out + err
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(m["In-Reply-To"] for m, _ in drafts) == sorted(ids.values())


def test_folder_paths_follow_the_namespace_and_multiappend_is_one_command(
    servers: Servers, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """folder_path() builds names under the personal namespace; append_many() stores several drafts in
    one MULTIAPPEND, flagged \\Draft, and has_message_id() then finds each by its Message-ID."""
    courier = servers(**{**COURIER, "capability": PLAIN_CAPABILITY})
    default = servers()
    proxy = proxies(courier)
    found = {}
    for name, server, port in (("courier", courier, proxy.port), ("default", default, None)):
        mailbox = ImapMailbox(load_config(config_for(env, server, port)).imap)  # type: ignore[arg-type]
        mailbox.open()
        found[name] = (mailbox.namespace(), mailbox.folder_path("Mailbot", "acceptance"))
        if name == "courier":
            raws = [
                f"From: ada@example.org\r\nMessage-ID: <mailbot.{i}@example.org>\r\n\r\nHi\r\n".encode()
                for i in range(3)
            ]
            mailbox.append_many("drafts", raws, draft=True)
            assert mailbox.has_message_id("drafts", "<mailbot.2@example.org>")
        mailbox.close()
    assert found == {
        "courier": (("INBOX.", "."), "INBOX.Mailbot.acceptance"),
        "default": (("", "/"), "Mailbot/acceptance"),
    }
    assert sum(1 for c in proxy.commands if re.match(rb"\S+ APPEND ", c)) == 1
    drafts = folder_messages(courier, "INBOX.Drafts")
    assert sorted(str(m["Message-ID"]) for m, _ in drafts) == [f"<mailbot.{i}@example.org>" for i in range(3)]
    assert all(b"\\Draft" in flags for _, flags in drafts)
    lose_state(env)
    fresh = ImapMailbox(load_config(config_for(env, courier)).imap)  # type: ignore[arg-type]
    fresh.open()
    assert fresh.has_message_id("drafts", "<mailbot.0@example.org>")
    assert not fresh.has_message_id("drafts", "<mailbot.9@example.org>")
    fresh.close()


def test_own_message_ids_are_read_once_then_only_for_new_uids(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """Drafts' Message-IDs are fetched once; a later scan with nothing new in Drafts fetches nothing,
    and one with a new draft fetches only its UID."""
    proxy = proxies(dovecot)
    mailbox = ImapMailbox(load_config(config_for(env, dovecot, proxy.port)).imap)  # type: ignore[arg-type]
    client = imap_client(dovecot)
    client.append("Drafts", b"Message-ID: <first@example.org>\r\n\r\nHi\r\n")
    seen = []
    for _ in range(2):
        mailbox.open()
        seen.append(mailbox.has_message_id("drafts", "<first@example.org>"))
    client.append("Drafts", b"Message-ID: <second@example.org>\r\n\r\nHi\r\n")
    client.logout()
    mailbox.open()
    seen.append(mailbox.has_message_id("drafts", "<second@example.org>"))
    mailbox.close()
    assert seen == [True, True, True]
    fetches = [c.split()[3] for c in proxy.commands if b"HEADER.FIELDS (MESSAGE-ID)" in c]
    assert fetches == [b"1", b"2"]
