"""The scan's summary counts what it passed over as what it is, and says which failed messages wait for a retry."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from conftest import MESSAGES, config_file
from test_cases_scan import ADA, ago, mail

from mailbot.cli import cli


def _maildir(folder: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder


def test_list_mail_and_bounces_are_counted_as_what_they_are(tmp_path: Path) -> None:
    """A platform's mailing-list post (List-Id), the bounce of a mail to a platform and a stranger's mail are
    passed over, each counted under its own name; only the stranger's is "not from a platform"."""
    maildir = _maildir(tmp_path / "Maildir")
    question = "Hello,\n\nPlease tell us which processing you object to and how it impacts you.\n"
    listed = mail("Facebook <privacy@facebook.com>", ADA, "Your objection", question, ago(1), "<l1@facebook.com>")
    listed = b"List-Id: Privacy news <news.facebook.com>\n" + listed
    failed = "Delivery to privacy@facebook.com failed."
    bounce = mail("MAILER-DAEMON@example.org", ADA, "Undelivered Mail", failed, ago(1), "<b1@example.org>")
    bounce = b"X-Failed-Recipients: privacy@facebook.com\n" + bounce
    stranger = mail("Bob <bob@example.net>", ADA, "Lunch", "See you at noon.", ago(1), "<s1@example.net>")
    team = mail("Facebook <privacy@facebook.com>", ADA, "Your objection", question, ago(1), "<t1@facebook.com>")
    for i, raw in enumerate([listed, bounce, stranger, team], 1):
        (maildir / "new" / f"{i}.M{i}P1.test").write_bytes(raw)
    config = config_file(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)])
    assert result.exit_code == 0, result.output
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("mailbot: 4 new, 1 not from a platform, "), summary
    assert ", 1 from mailing lists, " in summary
    assert ", 1 bounced mail, " in summary
    assert ", 1 replies, " in summary


def test_a_scan_says_which_failed_messages_wait_for_a_retry_and_when(tmp_path: Path) -> None:
    """A message whose draft could not be written waits for its retry: the scan that failed and every later one
    before it is due say so, with the time of the next try; a scan with no failure pending says nothing."""
    maildir = _maildir(tmp_path / "Maildir")
    shutil.copy(MESSAGES / "rejection/meta-overriding-en.eml", maildir / "new" / "1.M1P1.test")
    (maildir / ".Drafts").write_text("a file where the Drafts folder should be")
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n")
    runner = CliRunner()
    args = ["scan", "--config", str(config), "--maildir", str(maildir)]
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    first = runner.invoke(cli, args)
    assert first.exit_code == 2, first.output
    second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "mailbot: 0 new," in second.stderr
    for result in (first, second):
        found = re.search(r"1 failed message\(s\) wait to be tried again, the next after (\S+ \S+) UTC", result.stderr)
        assert found, result.stderr
        due = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        assert before < due <= datetime.now(UTC) + timedelta(minutes=1)
    other = tmp_path / "other"
    other.mkdir()
    quiet = runner.invoke(cli, ["scan", "--config", str(config_file(other)), "--maildir", str(_maildir(other / "M"))])
    assert quiet.exit_code == 0, quiet.output
    assert "tried again" not in quiet.stderr
