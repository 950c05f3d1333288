"""Writing in a case's thread makes no one its controller: strangers get nothing, change nothing."""

from __future__ import annotations

import email
import email.utils
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

from mailbot.cases import speaks_for
from mailbot.cli import cli
from mailbot.config import ControllerSettings
from mailbot.decide import CaseState, Policy, decide
from mailbot.models import ActionKind, Category, Verdict
from mailbot.parse import parse
from mailbot.rules import Ruleset

MX = "mx.home.example"
STATEMENT = "My private circumstances: SECRET-STATEMENT-42."
ACCOUNT = "ada.private.shop@example.org"


@pytest.mark.parametrize(
    ("domain", "controller", "speaks"),
    [
        ("facebookmail.com", "facebook", True),
        ("support.facebook.com", "facebook", True),
        ("meta.com", "facebook", True),  # the same legal entity: Meta Platforms Ireland Limited
        ("mail.instagram.com", "meta", True),
        ("whatsapp.com", "facebook", True),  # one group in rules/: Meta's privacy team writes for both
        ("linkedin.com", "microsoft", False),  # a company of its own
        ("evil.example", "facebook", False),
        ("facebook.com.evil.example", "facebook", False),
        ("privacy.shop.example", "shop.example", True),
        ("shop.example.evil.example", "shop.example", False),
        ("notshop.example", "shop.example", False),
        ("helpdesk-mail.example", "acme", True),  # configured in [controllers.acme] domains
        ("", "shop.example", False),
    ],
)
def test_who_speaks_for_a_controller(ruleset: Ruleset, domain: str, controller: str, speaks: bool) -> None:
    """A controller writes from its own domains, its company's other platforms, or domains configured for it."""
    acme = {"acme": ControllerSettings("acme", "Garante", ("acme.example", "helpdesk-mail.example"))}
    assert speaks_for(domain, controller, ruleset, acme) is speaks


def _stranger_asking() -> tuple[bytes, Verdict]:
    raw = (
        f"Authentication-Results: {MX}; dkim=pass header.d=evil.example; dmarc=pass header.from=evil.example\r\n"
        "From: Privacy Ops <privacy@evil.example>\r\nTo: ada@example.org\r\nSubject: Re: Objection\r\n"
        "Message-ID: <s1@evil.example>\r\nIn-Reply-To: <p01@facebookmail.com>\r\n"
        "Date: Mon, 16 Jun 2025 10:00:00 +0000\r\n\r\nPlease tell us which processing you object to.\r\n"
    ).encode()
    return raw, Verdict(Category.REQUEST_INFO, "none", "en", 0.95, "asks-which-processing")


@pytest.mark.parametrize("mode", ["draft", "send"])
def test_a_stranger_in_a_cases_thread_is_held_never_answered(ruleset: Ruleset, mode: str) -> None:
    """However verified its own domain is, a sender that does not speak for the thread's controller is held."""
    raw, verdict = _stranger_asking()
    policy = Policy(mode=mode, authserv_id=MX, person="ada@example.org")
    action = decide(parse(raw), verdict, ruleset, policy, CaseState(stranger_of="facebook"))
    assert action.kind is ActionKind.HOLD
    assert action.reason == "privacy@evil.example does not write for facebook, whose case this thread is: not answered"


def test_automatic_send_needs_the_authserv_id_pinned(ruleset: Ruleset) -> None:
    """A pass in the topmost Authentication-Results counts for sending only when the configured server wrote
    it: without [imap] authserv_id the sender could have written it."""
    raw = (
        f"Authentication-Results: {MX}; dkim=pass header.d=facebook.com; dmarc=pass header.from=facebook.com\r\n"
        "From: Facebook <privacy@facebook.com>\r\nTo: ada@example.org\r\nSubject: Your objection\r\n"
        "Message-ID: <m1@facebook.com>\r\nDate: Mon, 16 Jun 2025 10:00:00 +0000\r\n\r\n"
        "Please tell us which processing you object to.\r\n"
    ).encode()
    verdict = Verdict(Category.REQUEST_INFO, "facebook", "en", 0.95, "asks-which-processing")
    state = CaseState(known=True, sent_before=True)
    pinned = Policy(mode="send", authserv_id=MX, person="ada@example.org")
    assert decide(parse(raw), verdict, ruleset, pinned, state).send
    loose = decide(parse(raw), verdict, ruleset, replace(pinned, authserv_id=""), state)
    assert loose.kind is ActionKind.REPLY
    assert not loose.send
    assert "[imap] authserv_id is not set" in loose.reason


def _mail(sender: str, subject: str, body: str, when: datetime, msgid: str, *, to: str, answers: str = "") -> bytes:
    msg = EmailMessage()
    domain = sender.rpartition("@")[2].rstrip(">")
    msg["Authentication-Results"] = f"{MX}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = msgid
    if answers:
        msg["In-Reply-To"] = answers
        msg["References"] = answers
    msg.set_content(body)
    return msg.as_bytes()


def test_stranger_replying_to_the_persons_request_gets_nothing_and_closes_nothing(tmp_path: Path) -> None:
    """The person's request to a shop is in Sent. The shop asks which processing; a stranger, with mail that
    passes DMARC for its own domain, answers in the same thread with the same question, and another says
    "we will honour your objection". Only the shop gets a draft; the strangers are held; the case stays open;
    the person's statement and account reach no one else."""
    now = datetime.now(UTC)
    maildir = tmp_path / "Maildir"
    for folder in (maildir, maildir / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    request = _mail(
        "Ada <ada@example.org>",
        "Objection",
        "I object to the processing of my personal data for marketing under Art. 21 GDPR.\nAda",
        now - timedelta(days=6),
        "<req1@example.org>",
        to="privacy@shop.example",
    )
    (maildir / ".Sent" / "cur" / "1.M1P1.test:2,S").write_bytes(request)
    inbox = [
        (
            "Shop Privacy <privacy@shop.example>",
            "<in1@shop.example>",
            3,
            "Please tell us which processing you object to and how it affects you.",
        ),
        (
            "Privacy Ops <privacy@evil.example>",
            "<in2@evil.example>",
            2,
            "Please tell us which processing you object to and how it affects you.",
        ),
        (
            "Privacy Ops <desk@evil.example>",
            "<in3@evil.example>",
            1,
            "We have reviewed your request and will honour your objection.",
        ),
    ]
    for i, (sender, msgid, days, body) in enumerate(inbox, 1):
        raw = _mail(
            sender,
            "Re: Objection",
            body,
            now - timedelta(days=days),
            msgid,
            to="ada@example.org",
            answers="<req1@example.org>",
        )
        (maildir / "new" / f"{i}.M{i}P1.test").write_bytes(raw)
    config = config_file(tmp_path, f'statement = "{STATEMENT}"\n[identity.accounts]\n"shop.example" = "{ACCOUNT}"\n')
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)])
    assert result.exit_code == 0, result.output
    assert (maildir / ".Drafts" / "cur").is_dir(), result.output
    drafts = [email.message_from_bytes(p.read_bytes()) for p in (maildir / ".Drafts" / "cur").iterdir()]
    assert [d["To"] for d in drafts] == ["privacy@shop.example"]
    for row in ("privacy@evil.example", "desk@evil.example"):
        line = next(x for x in result.stdout.splitlines() if row in x)
        assert "does not write for shop.example, whose case this thread is" in line
    cases = runner.invoke(cli, ["cases", "--config", str(config), "--json"])
    assert cases.exit_code == 0, cases.output
    assert '"status": "closed"' not in cases.stdout
    assert "acceptance" not in cases.stdout


def test_a_strangers_newer_message_does_not_supersede_the_controllers() -> None:
    """Only the newest message of a thread from the same controller is answered: a stranger's later
    message in the thread leaves the controller's own message to be answered."""
    from mailbot.decide import superseded

    def message(sender: str, msgid: str, day: int) -> bytes:
        return (
            f"From: {sender}\r\nTo: ada@example.org\r\nSubject: Re: Objection\r\nMessage-ID: {msgid}\r\n"
            f"In-Reply-To: <req1@example.org>\r\nDate: {day:02d} Jun 2025 10:00:00 +0000\r\n\r\nWhich processing?\r\n"
        ).encode()

    verdict = Verdict(Category.REQUEST_INFO, "none", "en", 0.95, "asks-which-processing")
    batch = [
        (1, parse(message("privacy@shop.example", "<a@shop.example>", 10)), verdict),
        (2, parse(message("privacy@evil.example", "<b@evil.example>", 11)), verdict),
        (3, parse(message("dpo@shop.example", "<c@shop.example>", 9)), verdict),
    ]

    def by_domain(m: object) -> str:
        return m.sender.domain  # type: ignore[attr-defined,no-any-return]

    assert superseded(batch, by_domain) == {3}
    assert superseded(batch) == {1, 3}  # without knowing who writes, the thread's newest wins
