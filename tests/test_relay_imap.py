"""mailbot is never a relay: forged senders, strangers' Reply-To, bursts and two instances (Dovecot + aiosmtpd)."""

from __future__ import annotations

import email
import email.utils
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import RecordingHandler, imap_client, write_config
from servers import Dovecot, free_port, make_dovecot
from test_scan_imap import AUTHSERV, folder_messages

from mailbot.cli import cli

pytestmark = pytest.mark.integration

STATEMENT = "I live at 7 Hidden Lane under a protection order; my children attend Elm School."
PHISH = "Verify your account at https://evil.example/verify?u=victim before we close it."
TEMPLATE = (
    "Thanks for your message. In order for us to review your objection, please reply to this email "
    "with the following information: What information processing you are objecting to, and how the "
    "processing of this information impacts you."
)


def mail(
    n: int,
    *,
    sender: str = "Facebook Privacy <privacy@facebook.com>",
    results: tuple[str, ...] = (),
    reply_to: str = "",
    body: str = TEMPLATE,
) -> bytes:
    """A privacy-team style message with its own Message-ID (so its own case)."""
    head = [f"Authentication-Results: {r}" for r in results]
    head += [
        f"From: {sender}",
        "To: ada@example.org",
        "Subject: Your objection",
        f"Date: {email.utils.format_datetime(datetime.now(UTC))}",
        f"Message-ID: <burst-{n}@facebook.com>",
    ]
    if reply_to:
        head.append(f"Reply-To: {reply_to}")
    return ("\r\n".join(head) + "\r\n\r\n" + body + "\r\n").encode()


def dmarc(result: str, domain: str = "facebook.com", server: str = AUTHSERV) -> str:
    return (
        f"{server}; spf={result} smtp.mailfrom={domain}; dkim={result} header.d={domain}; "
        f"dmarc={result} (p=reject) header.from={domain}"
    )


def append(server: Dovecot, *raws: bytes) -> None:
    client = imap_client(server)
    for raw in raws:
        client.append("INBOX", raw, flags=[])
    client.logout()


def scan(config: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    return result.exit_code, result.stdout, result.stderr


def _send_config(env: Path, server: Dovecot, port: int, **kw: Any) -> Path:
    identity = f'name = "Ada Lovelace-Smith"\nemail = "ada@example.org"\nstatement = "{STATEMENT}"\n'
    return write_config(env / "config.toml", server, smtp_port=port, mode="send", identity=identity, **kw)


def test_forged_sender_with_a_strangers_reply_to_gets_nothing(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """The exfiltration attempt: From privacy@facebook.com, our server says dmarc=fail (a forged pass
    below it), Reply-To the attacker. Nothing is sent, no draft is written, the reason is shown."""
    handler, port = smtpd
    forged = (dmarc("fail"), "mx.facebook.com; dmarc=pass header.from=facebook.com")
    append(dovecot, mail(1, results=forged, reply_to="exfil@evil.example"))
    append(dovecot, mail(2, sender="privacy@facebook.com <attacker@evil.example>", results=(dmarc("pass"),)))
    code, out, err = scan(_send_config(env, dovecot, port))
    assert code == 0, err
    assert handler.received == []
    assert folder_messages(dovecot, "Drafts") == []
    assert "failed verification" in out
    assert "sender cannot be trusted" in out
    # In draft mode too: no draft addressed to the attacker, or at all.
    shutil.rmtree(env / "state.sqlite3", ignore_errors=True)
    (env / "state.sqlite3").unlink(missing_ok=True)
    code, out, err = scan(write_config(env / "config.toml", dovecot))
    assert code == 0, err
    assert folder_messages(dovecot, "Drafts") == []


def test_relay_burst_reaches_no_third_party(dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]) -> None:
    """Eight verified-looking mails with fresh Message-IDs, Reply-To third parties and a phishing text:
    no envelope to a third party, no more sends than the per-recipient cap, the stranger's text is never
    quoted in what is sent, the rest are drafts for the person."""
    handler, port = smtpd
    append(
        dovecot,
        *(
            mail(n, results=(dmarc("pass"),), reply_to=f"victim{n}@target.example", body=f"{TEMPLATE}\r\n\r\n{PHISH}")
            for n in range(8)
        ),
    )
    code, out, err = scan(_send_config(env, dovecot, port))
    assert code == 0, err
    recipients = [rcpt for _, rcpts in handler.envelopes for rcpt in rcpts]
    assert recipients == ["privacy@facebook.com"] * 2
    for raw in handler.received:
        assert b"evil.example" not in raw
        assert b"target.example" not in raw
    drafts = folder_messages(dovecot, "Drafts")
    assert len(drafts) == 6
    assert {m["To"] for m, _ in drafts} == {"privacy@facebook.com"}
    assert "daily send limit for privacy@facebook.com reached" in out


def test_daily_send_cap_across_cases(dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]) -> None:
    """Twelve verified requests, each its own case: at most the global daily cap (10) is sent by itself."""
    handler, port = smtpd
    append(dovecot, *(mail(n, results=(dmarc("pass"),)) for n in range(12)))
    config = _send_config(env, dovecot, port, reply="max_sends_per_recipient_per_day = 100\n")
    code, out, err = scan(config)
    assert code == 0, err
    assert len(handler.received) == 10
    assert len(folder_messages(dovecot, "Drafts")) == 2
    assert "daily send limit reached" in out


def test_unverified_sender_gets_a_draft_never_a_send(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """A server that writes no Authentication-Results: the reply is a draft, unless the person opted in."""
    handler, port = smtpd
    append(dovecot, mail(1))
    code, out, err = scan(_send_config(env, dovecot, port))
    assert code == 0, err
    assert handler.received == []
    assert len(folder_messages(dovecot, "Drafts")) == 1
    assert "sender not verified" in out


def test_other_addresses_of_a_platform_are_not_answered(dovecot: Dovecot, env: Path) -> None:
    """A verified calendar invitation from google.com that reads like a request is not the privacy team."""
    append(
        dovecot,
        mail(1, sender="Google Calendar <calendar-notification@google.com>", results=(dmarc("pass", "google.com"),)),
    )
    code, out, err = scan(write_config(env / "config.toml", dovecot))
    assert code == 0, err
    assert folder_messages(dovecot, "Drafts") == []
    assert "not google's privacy team" in out


@dataclass
class Postman:
    """An SMTP sink that delivers mail for the two test people into their own Dovecot inboxes."""

    boxes: dict[str, Dovecot]
    delivered: list[tuple[str, bytes]] = field(default_factory=list)
    elsewhere: list[tuple[str, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        for rcpt in envelope.rcpt_tos:
            box = self.boxes.get(rcpt.lower())
            if box is None:
                self.elsewhere.append((rcpt, raw))
                continue
            append(box, raw)
            self.delivered.append((rcpt, raw))
        return "250 OK"


@pytest.fixture
def two_people(env: Path) -> Iterator[tuple[Dovecot, Dovecot, Postman, int]]:
    from aiosmtpd.controller import Controller

    servers = [make_dovecot(), make_dovecot()]
    for server in servers:
        server.start()
    postman = Postman({"ada@example.org": servers[0], "bob@example.net": servers[1]})
    port = free_port()
    controller = Controller(postman, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield servers[0], servers[1], postman, port
    finally:
        controller.stop()
        for server in servers:
            server.stop()
            shutil.rmtree(server.root, ignore_errors=True)


@pytest.mark.parametrize("allow_unverified", [False, True])
def test_two_instances_fed_forged_mail_exchange_nothing(
    env: Path, two_people: tuple[Dovecot, Dovecot, Postman, int], allow_unverified: bool
) -> None:
    """Two people's mailbots in send mode, each fed a forged 'privacy team' mail whose Reply-To is the
    other person, their SMTP delivering into each other's inbox, run for several rounds: neither
    person's statement ever reaches the other, and nothing goes to the other at all."""
    ada_box, bob_box, postman, port = two_people
    statements = {"ada": "Ada's statement: a confidential address, 1 Secret Row.", "bob": "Bob's: health data."}
    configs = {}
    for who, box, address, other in (
        ("ada", ada_box, "ada@example.org", "bob@example.net"),
        ("bob", bob_box, "bob@example.net", "ada@example.org"),
    ):
        folder = env / who
        folder.mkdir()
        identity = f'name = "{who.title()}"\nemail = "{address}"\nstatement = "{statements[who]}"\n'
        reply = f"allow_unverified_send = {'true' if allow_unverified else 'false'}\n"
        configs[who] = write_config(
            folder / "config.toml", box, smtp_port=port, mode="send", identity=identity, reply=reply
        )
        append(box, mail(1 if who == "ada" else 2, reply_to=other).replace(b"ada@example.org", address.encode()))
    for _ in range(4):
        for who in ("ada", "bob"):
            code, _, err = scan(configs[who])
            assert code == 0, err
    assert postman.delivered == []
    for box, other in ((ada_box, "bob"), (bob_box, "ada")):
        for msg, _ in folder_messages(box, "INBOX"):
            assert statements[other] not in msg.get_content()
    # Whatever left went only to the claimed privacy team (and at most once per person).
    assert {rcpt for rcpt, _ in postman.elsewhere} <= {"privacy@facebook.com"}
    assert len(postman.elsewhere) == (2 if allow_unverified else 0)
