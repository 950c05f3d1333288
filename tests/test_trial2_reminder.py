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
