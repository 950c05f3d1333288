"""`mailbot run` against a real Dovecot: IDLE reaction, outages, SIGTERM, deadline reminders."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MESSAGES, config_file, drafts_count, imap_client, wait_until, write_config, written_kind
from servers import PASSWORD, Dovecot
from test_scan_imap import REPLY_WORTHY, SEED, folder_messages, seed, seeded_raw

from mailbot.cli import cli
from mailbot.compose import unflow
from mailbot.config import PLACEHOLDER_IDENTITY
from mailbot.mailboxes.maildir import MaildirMailbox
from mailbot.models import DeliveryMode, DeliveryStatus
from mailbot.pipeline import Pipeline, PipelineSettings
from mailbot.rules import Ruleset
from mailbot.store import Store

pytestmark = pytest.mark.integration


class Service:
    """`mailbot run` in its own process, its stderr read line by line."""

    def __init__(self, config: Path, *args: str) -> None:
        env = {**os.environ, "MAILBOT_TEST_PASSWORD": PASSWORD}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mailbot", "run", "--config", str(config), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 60) -> str:
        """Block until a log line (read so far, or still to come) matches."""
        for line in self.log:
            if re.search(pattern, line):
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.log.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no log line matched {pattern!r}; log so far:\n{''.join(self.log)}")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM and the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


def wait_drafts(server: Dovecot, count: int, timeout: float = 60) -> None:
    """Poll until Drafts holds `count` messages; AssertionError after the (generous) `timeout`."""
    wait_until(lambda: drafts_count(server) >= count, f"{count} drafts", ceiling=timeout)


def test_message_arriving_during_idle_is_drafted_without_waiting_for_a_poll(dovecot: Dovecot, env: Path) -> None:
    """A platform message appended while `mailbot run` idles is drafted by the IDLE wake-up: the poll
    interval is set far beyond the generous ceiling, so only IDLE can have woken it. SIGTERM exits 0.
    (How fast it reacts is measured by benchmarks/latency.py, not asserted here.)"""
    config = write_config(env / "config.toml", dovecot)
    config.write_text(config.read_text() + "[service]\npoll_interval = 3600\n")
    service = Service(config)
    try:
        service.wait_for("waiting for new mail")
        for n, name in enumerate(["rejection", "identity_check", "request_info"], 1):
            seed(dovecot, {name: SEED[name]}, n=n)
            wait_drafts(dovecot, n, timeout=60)
    finally:
        assert service.stop() == 0


def test_dovecot_restart_loses_nothing_duplicates_nothing(dovecot: Dovecot, env: Path) -> None:
    """Stopping and starting Dovecot under a running service: it reconnects, misses nothing, repeats nothing."""
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot)
    service = Service(config)
    try:
        service.wait_for("waiting for new mail")
        assert drafts_count(dovecot) == 1
        dovecot.stop()
        service.wait_for("reconnecting in")
        dovecot.start()
        seed(dovecot, {"acceptance": SEED["acceptance"], "clarification": SEED["clarification"]}, n=1)
        wait_drafts(dovecot, 3)
        # The rounds that drafted them are over (a duplicate would have been written by then).
        service.wait_for(r"reply from .*: acceptance")
        service.wait_for(r"reply from .*: clarification")
    finally:
        assert service.stop() == 0
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(written_kind(env / "state.sqlite3", m) for m, _ in drafts) == [
        "acceptance",
        "clarification",
        "rejection",
    ]


def test_sigterm_mid_work_exits_zero_and_next_start_finishes(dovecot: Dovecot, env: Path) -> None:
    """SIGTERM while work is in hand exits 0 promptly; the next start finishes exactly what was left."""
    items = {f"{name}-{i}": path for i in range(40) for name, path in SEED.items() if name in REPLY_WORTHY}
    ids = seed(dovecot, items)
    # Small batches of drafts, and 200 of them (with 100 a loaded machine once drafted all before the signal
    # landed): the signal lands while most of the work is still in hand.
    config = write_config(env / "config.toml", dovecot, reply="[limits]\ndraft_batch = 2\n")
    service = Service(config)
    wait_drafts(dovecot, 1, timeout=30)
    assert service.stop(timeout=30) == 0
    stopped_at = drafts_count(dovecot)
    assert stopped_at < len(items), "the service finished before the signal: nothing was interrupted"
    service = Service(config)
    try:
        wait_drafts(dovecot, len(items), timeout=60)
        service.wait_for("waiting for new mail")
    finally:
        assert service.stop() == 0
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(m["In-Reply-To"] for m, _ in drafts) == sorted(ids.values())


def test_overdue_case_gets_one_reminder_and_a_later_reply_cancels_more(dovecot: Dovecot, env: Path) -> None:
    """An acknowledged request past its Art. 12(3) date yields exactly one reminder draft (12(3), 12(4),
    the authority); the platform's later reply is answered and no further reminder follows."""
    client = imap_client(dovecot)
    ack = seeded_raw("late", SEED["acknowledgement"], when=datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
    ack = ack.replace(b"Subject:", b"References: <objection-late@example.org>\r\nSubject:", 1)
    client.append("INBOX", ack)
    client.logout()
    config = write_config(env / "config.toml", dovecot)
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(cli, ["scan", "--config", str(config)])
        assert result.exit_code == 0, result.stderr
    drafts = folder_messages(dovecot, "Drafts")
    assert len(drafts) == 1
    reminder = drafts[0][0]
    assert written_kind(env / "state.sqlite3", reminder) == "reminder"
    body = unflow(reminder.get_content())  # format=flowed: soft line breaks joined
    assert "Art. 12(3) GDPR" in body
    assert "Art. 12(4) GDPR" in body
    assert "with the Data Protection Commission in Ireland" in body
    assert "10 February 2025" in body
    # The platform answers later, in the same thread.
    later = seeded_raw("late", SEED["request_info"]).replace(b"seed-late-0@", b"later-late@")
    later = later.replace(b"<objection-late-0@example.org>", b"<objection-late@example.org>")
    client = imap_client(dovecot)
    client.append("INBOX", later)
    client.logout()
    for _ in range(2):
        result = runner.invoke(cli, ["scan", "--config", str(config)])
        assert result.exit_code == 0, result.stderr
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(written_kind(env / "state.sqlite3", m) for m, _ in drafts) == ["reminder", "request_info"]


def test_extension_moves_the_due_date_to_three_months(dovecot: Dovecot, env: Path) -> None:
    """An extension announced within the first month makes the case due three months after receipt."""
    client = imap_client(dovecot)
    ack = seeded_raw("ext", SEED["acknowledgement"], when=datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
    ack = ack.replace(b"Subject:", b"References: <objection-ext@example.org>\r\nSubject:", 1)
    client.append("INBOX", ack)
    notice = seeded_raw("ext2", SEED["acknowledgement"], when=datetime(2025, 1, 20, 9, 0, tzinfo=UTC)).replace(
        b"Subject:", b"References: <objection-ext@example.org>\r\nSubject:", 1
    )
    notice = notice.replace(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: 8bit")
    notice = re.sub(
        rb"\r?\n\r?\n[\s\S]*$",
        b"\r\n\r\nWe have received your request. Due to its complexity we need to extend the response period "
        b"by two further months.\r\n",
        notice,
        count=1,
    )
    client.append("INBOX", notice)
    client.logout()
    config = write_config(env / "config.toml", dovecot)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    cases = CliRunner().invoke(cli, ["cases", "--config", str(config), "--json"])
    assert '"due": "2025-04-10"' in cases.stdout


def test_one_failing_account_does_not_stop_the_others(
    dovecot: Dovecot, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several [[accounts]]: one whose login is refused stops after 3 tries while the other works on;
    the service then exits 1, since an account could not run."""
    config = write_config(env / "config.toml", dovecot)
    text = config.read_text()
    imap = text[text.index("[imap]") : text.index("[reply]")]
    good = imap.replace("[imap]", "[accounts.imap]")
    bad = good.replace('password_env = "MAILBOT_TEST_PASSWORD"', 'password_env = "MAILBOT_WRONG_PASSWORD"')
    state = env / "state.sqlite3"
    config.write_text(
        text.replace(imap, "").replace(f'[state]\npath = "{state}"\n', "")
        + f'\n[[accounts]]\nname = "broken"\n{bad}[accounts.state]\npath = "{env / "b.sqlite3"}"\n'
        + f'\n[[accounts]]\nname = "working"\n{good}[accounts.state]\npath = "{env / "w.sqlite3"}"\n'
    )
    monkeypatch.setenv("MAILBOT_WRONG_PASSWORD", "nope")
    service = Service(config)
    try:
        service.wait_for(r"login refused.*account=broken")
        service.wait_for(r"waiting for new mail.*account=working")
        service.wait_for(r"3 times in a row.*account stopped.*account=broken", timeout=60)
        seed(dovecot, {"rejection": SEED["rejection"]})
        wait_drafts(dovecot, 1, timeout=30)
    finally:
        assert service.stop() == 1


def _auth_failures(server: Dovecot) -> int:
    return server.log.read_text().count("auth failed") if server.log.exists() else 0


def test_refused_login_ends_run_with_exit_1_after_three_tries(
    dovecot: Dovecot, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password: `mailbot run` tries 3 times (no more: a provider may lock the account), says why in
    one line, and exits 1."""
    config = write_config(env / "config.toml", dovecot)
    config.write_text(config.read_text().replace("MAILBOT_TEST_PASSWORD", "MAILBOT_WRONG_PASSWORD"))
    monkeypatch.setenv("MAILBOT_WRONG_PASSWORD", "not the password")
    service = Service(config)
    assert service.proc.wait(timeout=90) == 1
    line = service.wait_for(r"account stopped")
    assert "IMAP login refused for ada at 127.0.0.1 (3 times in a row)" in line
    assert not any("Traceback" in entry for entry in service.log)
    wait_until(lambda: _auth_failures(dovecot) >= 3, "3 failures in Dovecot's log")
    assert _auth_failures(dovecot) == 3
    assert drafts_count(dovecot) == 0


def test_failed_message_is_retried_on_a_timed_backoff_then_shown_in_cases(
    tmp_path: Path, ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message whose draft cannot be written is tried again only when its delay (1, 4, 16, 64 minutes) has
    passed, never counted as new mail; after the fifth failure it is given up and listed with its reason."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    shutil.copy(MESSAGES / "rejection/meta-overriding-en.eml", maildir / "new" / "1.M1P1.test")
    (maildir / ".Drafts").write_text("a file where the Drafts folder should be")
    clock = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    store = Store(tmp_path / "state.sqlite3")
    pipeline = Pipeline(
        PipelineSettings(identity=PLACEHOLDER_IDENTITY, progress=False, max_age_days=0),
        ruleset,
        store,
        MaildirMailbox(maildir),
        now=lambda: clock[0],
        echo=lambda line: None,
    )
    first = pipeline.scan()
    assert (first.examined, first.retried, first.errors) == (1, 0, 1)
    assert "attempt 1 of 5" in first.outcomes[0].detail
    tries = 1
    for wait in (60, 240, 960, 3840):
        clock[0] += timedelta(seconds=wait - 1)
        early = pipeline.scan()
        assert (early.examined, early.errors) == (0, 0), f"retried before {wait} s had passed"
        clock[0] += timedelta(seconds=1)
        again = pipeline.scan()
        tries += 1
        assert (again.examined, again.retried, again.errors) == (1, 1, 1)
    assert tries == 5
    assert "gave up after 5 attempts" in again.outcomes[0].detail
    clock[0] += timedelta(days=30)
    assert pipeline.scan().examined == 0
    [given_up] = store.given_up()
    assert given_up.attempts == 5
    assert "NotADirectoryError" in (given_up.error or "")
    store.close()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    config = config_file(tmp_path)
    cases = CliRunner().invoke(cli, ["cases", "--config", str(config)])
    assert cases.exit_code == 0, cases.output
    failed = [line for line in cases.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    assert "5 attempts" in failed[0]
    assert "NotADirectoryError" in failed[0]


def test_failed_reminder_attempt_does_not_hold_the_reminder_back(tmp_path: Path) -> None:
    """Only delivered replies count as recent correspondence: a reminder whose draft failed is tried again."""
    store = Store(":memory:")
    case = store.open_case(
        platform="meta",
        thread_key="<t@example.org>",
        subject="s",
        ticket="",
        opened=date(2025, 1, 1),
        due=date(2025, 2, 1),
    )
    today = datetime.now(UTC).date()
    store.begin_reply("<r1@example.org>", "<m@example.org>", case.id, "reminder.en", DeliveryMode.DRAFT)
    assert not store.replied_since(case.id, today)
    store.finish_reply("<r1@example.org>", DeliveryStatus.FAILED, "server said no")
    assert not store.replied_since(case.id, today)
    store.finish_reply("<r1@example.org>", DeliveryStatus.DELIVERED)
    assert store.replied_since(case.id, today)


def test_the_service_counts_a_retry_as_no_new_mail_and_wakes_for_it(tmp_path: Path, ruleset: Ruleset) -> None:
    """A round that only retried a failed message reports no new mail (so the service waits instead of
    scanning again at once), and the store names when the retry is due (so the wait ends then)."""
    from mailbot.config import parse_config
    from mailbot.service import AccountWorker

    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    shutil.copy(MESSAGES / "rejection/meta-overriding-en.eml", maildir / "new" / "1.M1P1.test")
    (maildir / ".Drafts").write_text("a file where the Drafts folder should be")
    start = datetime.now(UTC).replace(microsecond=0)
    clock = [start]
    store = Store(tmp_path / "state.sqlite3")
    pipeline = Pipeline(
        PipelineSettings(identity=PLACEHOLDER_IDENTITY, progress=False, max_age_days=0),
        ruleset,
        store,
        MaildirMailbox(maildir),
        now=lambda: clock[0],
        echo=lambda line: None,
    )
    settings = parse_config({"identity": {"name": "A", "email": "a@example.org"}}, "test")
    worker = AccountWorker(settings, ruleset, threading.Event())
    assert worker._round(pipeline) is True
    assert store.next_retry(after=start) == start + timedelta(seconds=60)
    assert worker._round(pipeline) is False
    clock[0] += timedelta(seconds=60)
    assert worker._round(pipeline) is False
    [(attempts,)] = store.db.execute("SELECT attempts FROM messages WHERE status='failed'").fetchall()
    assert attempts == 2
    store.close()
