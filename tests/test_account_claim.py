"""An identity reply says the request came from the account's registered address only where the case's facts agree."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import case_row, config_file

from mailbot import cases
from mailbot.checks import SAMPLE_IDENTITY, sample_context
from mailbot.cli import cli
from mailbot.compose import ReplyOptions, claims_account, render
from mailbot.decide import SUPPORTED_LANGUAGES
from mailbot.models import CaseInfo
from mailbot.rules import Ruleset

EMAIL = SAMPLE_IDENTITY.email
PHONE = "+39 333 000 0000"


@pytest.mark.parametrize(
    ("flag", "channel", "account", "claimed"),
    [
        (True, "email", "", True),
        (True, "email", EMAIL, True),
        (True, "email", f"  {EMAIL.upper()} ", True),
        (False, "email", EMAIL, False),  # the person does not say so
        (True, "form", EMAIL, False),  # a web form has no sender
        (True, "", EMAIL, False),  # how the request was made is not known
        (True, "email", PHONE, False),  # the account is a phone number (WhatsApp)
        (True, "email", "ada.shop@example.org", False),  # the account is another address
    ],
)
def test_the_claim_follows_the_cases_facts(flag: bool, channel: str, account: str, claimed: bool) -> None:
    case = CaseInfo(account=account, request_channel=channel)
    assert claims_account(ReplyOptions(sent_from_account=flag), SAMPLE_IDENTITY, case) is claimed


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize(("channel", "account"), [("form", ""), ("", ""), ("email", PHONE)])
def test_identity_reply_makes_no_claim_the_case_contradicts(
    lang: str, channel: str, account: str, ruleset: Ruleset
) -> None:
    """With `sent_from_account` set, a request made through a form, one of unknown origin, or an account known
    by a phone number gets no "sent from the registered address" sentence; the account is named instead."""
    context = sample_context(
        "identity_check",
        lang,
        ruleset.platform("whatsapp"),
        sent_from_account=True,
        channel=channel,
        account=account,
        ruleset=ruleset,
    )
    text = render(f"identity_check.{lang}", context)
    assert text.count(EMAIL) == 1  # the signature only
    claimed = render(f"identity_check.{lang}", {**context, "sent_from_account": True})
    assert claimed.count(EMAIL) == 2  # what the claim would have added
    if account:
        assert account in text


@pytest.mark.parametrize(
    ("basis", "channel"),
    [
        (cases.BASIS_SENT, "email"),
        (cases.BASIS_QUOTED, "email"),
        (cases.BASIS_MANUAL, "form"),
        (cases.BASIS_CONTROLLER, ""),
    ],
)
def test_case_info_says_how_the_request_was_made(basis: str, channel: str) -> None:
    assert cases.case_info(case_row(due_basis=basis), date(2025, 5, 1)).request_channel == channel


def _identity_check(sender: str, msgid: str, answers: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ada@example.org"
    msg["Subject"] = "Re: Objection"
    msg["Date"] = email.utils.format_datetime(datetime.now(UTC) - timedelta(hours=2))
    msg["Message-ID"] = msgid
    if answers:
        msg["In-Reply-To"] = answers
        msg["References"] = answers
    msg.set_content("To proceed we need to verify your identity. Please send us a copy of your ID document.\n")
    return msg


def _reply_text(config: Path, eml: Path) -> str:
    result = CliRunner().invoke(cli, ["reply", "--config", str(config), str(eml)])
    assert result.exit_code == 0, result.output
    reply = email.message_from_string(result.stdout, policy=email.policy.default)
    body = reply.get_body(("plain",))
    assert body is not None, result.stdout
    return " ".join(body.get_content().split())


CLAIM = "My request was sent from ada@example.org, the address registered with my account."


def test_a_form_request_gets_no_claim_an_emailed_one_does(tmp_path: Path) -> None:
    """`sent_from_account = true`. WhatsApp's case was opened for a web form (`case open`): its identity check
    is answered with the account, not with "my request was sent from …". A shop's case began with the
    person's e-mail in Sent: there the claim is made."""
    config = config_file(tmp_path, "sent_from_account = true\n")
    runner = CliRunner()
    day = (datetime.now(UTC) - timedelta(days=5)).date().isoformat()
    args = ["--controller", "whatsapp", "--type", "objection", "--date", day]
    opened = runner.invoke(cli, ["case", "open", "--config", str(config), *args])
    assert opened.exit_code == 0, opened.output
    whatsapp = tmp_path / "whatsapp.eml"
    whatsapp.write_bytes(_identity_check("WhatsApp <noreply@support.whatsapp.com>", "<w1@whatsapp.com>").as_bytes())
    text = _reply_text(config, whatsapp)
    assert "The account concerned is ada@example.org." in text
    assert CLAIM not in text

    maildir = tmp_path / "Maildir"
    for folder in (maildir, maildir / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    request = EmailMessage()
    request["From"] = "Ada Lovelace-Smith <ada@example.org>"
    request["To"] = "privacy@shop.example"
    request["Subject"] = "Objection"
    request["Date"] = email.utils.format_datetime(datetime.now(UTC) - timedelta(days=6))
    request["Message-ID"] = "<req1@example.org>"
    request.set_content("I object to the processing of my personal data under Art. 21 GDPR.\nAda\n")
    (maildir / ".Sent" / "cur" / "1.M1P1.test:2,S").write_bytes(request.as_bytes())
    assert runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)]).exit_code == 0
    shop = tmp_path / "shop.eml"
    question = _identity_check("Privacy <privacy@shop.example>", "<s1@shop.example>", "<req1@example.org>")
    shop.write_bytes(question.as_bytes())
    assert CLAIM in _reply_text(config, shop)
