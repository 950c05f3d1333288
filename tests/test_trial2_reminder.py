"""A second newcomer's trial of reminders: a case whose request has no known date."""

from __future__ import annotations

import email
import email.policy
import email.utils
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner
from conftest import config_file

from mailbot.cli import cli


def test_a_reminder_for_a_request_of_unknown_date_states_no_empty_date(tmp_path: Path) -> None:
    """A case opened by the controller's acknowledgement (no request in Sent, none quoted) has no request
    date. Its English reminder began "On  I sent you my objection": an empty date in the person's draft.
    It now says "I sent you …", as the other four languages did."""
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    ack = EmailMessage()
    ack["From"] = "WhatsApp <privacy@whatsapp.com>"
    ack["To"] = "ada@example.org"
    ack["Subject"] = "Your objection"
    ack["Date"] = email.utils.format_datetime(datetime.now(UTC) - timedelta(days=40))
    ack["Message-ID"] = "<ack-40-days@mail.example.net>"
    ack.set_content(
        "Hi,\n\nWe have received your objection and will get back to you. "
        "Your ticket number is 123-456-789.\n\nWhatsApp Privacy Operations\n"
    )
    (box / "new" / "1").write_bytes(ack.as_bytes())
    config = config_file(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
    assert result.exit_code == 0, result.output
    assert "1 reminders" in result.stderr, result.output
    (draft,) = (box / ".Drafts" / "cur").iterdir()
    body = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default).get_content()
    first = " ".join(body.split("\n\n")[1].split())  # the paragraph after the greeting, unwrapped
    assert first.startswith("I sent you my objection under Art. 21(1) GDPR (ref. 123-456-789)."), first


def mail(sender: str, to: str, subject: str, days: int, msgid: str, body: str, in_reply_to: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(datetime.now(UTC) - timedelta(days=days))
    msg["Message-ID"] = msgid
    if in_reply_to:
        msg["In-Reply-To"] = msg["References"] = in_reply_to
    msg.set_content(body)
    return msg.as_bytes()


def test_an_overdue_case_whose_last_word_came_from_a_no_reply_address_is_reminded_where_the_request_went(
    tmp_path: Path,
) -> None:
    """The person asked privacy@shop.example for erasure 45 days ago; the shop acknowledged from
    noreply@shop.example ("do not reply to this email") and fell silent. The case was overdue, yet no
    reminder was ever drafted (`noreply@shop.example takes no replies`), with nothing said. The reminder now
    goes to the address the request went to, threaded under the acknowledgement."""
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
        (box / ".Sent" / sub).mkdir(parents=True)
    request = "Hello,\nI ask you to erase all my personal data under Art. 17 GDPR.\nAda\n"
    (box / ".Sent" / "cur" / "1:2,S").write_bytes(
        mail(
            "Ada Lovelace-Smith <ada@example.org>",
            "privacy@shop.example",
            "Erasure request",
            45,
            "<req@example.org>",
            request,
        )
    )
    ack = (
        "Hi,\n\nWe have received your request and will get back to you. Please do not reply to this email; "
        "this mailbox is not monitored.\n\nShop Support\n"
    )
    (box / "new" / "1").write_bytes(
        mail(
            "Shop <noreply@shop.example>",
            "ada@example.org",
            "Re: Erasure request",
            40,
            "<ack@shop.example>",
            ack,
            "<req@example.org>",
        )
    )
    config = config_file(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
    assert result.exit_code == 0, result.output
    assert "1 reminders" in result.stderr, result.output
    (draft,) = (box / ".Drafts" / "cur").iterdir()
    reminder = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert reminder["To"] == "privacy@shop.example"
    assert reminder["In-Reply-To"] == "<ack@shop.example>"
    assert reminder["Cc"] is None
