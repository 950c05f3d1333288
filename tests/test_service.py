"""`mailbot run` against a real Dovecot: IDLE reaction, outages, SIGTERM, deadline reminders."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import drafts_count, imap_client, write_config, written_kind
from servers import PASSWORD, Dovecot
from test_scan_imap import REPLY_WORTHY, SEED, folder_messages, seed, seeded_raw

from mailbot.cli import cli
from mailbot.compose import unflow

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

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
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


def wait_drafts(server: Dovecot, count: int, timeout: float) -> float:
    """Seconds until Drafts holds `count` messages (AssertionError after `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if drafts_count(server) >= count:
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"Drafts did not reach {count} in {timeout} s (has {drafts_count(server)})")


def test_message_arriving_during_idle_is_drafted_within_two_seconds(dovecot: Dovecot, env: Path) -> None:
    """A platform message appended while `mailbot run` idles is drafted within 2 seconds; SIGTERM exits 0."""
    config = write_config(env / "config.toml", dovecot)
    service = Service(config)
    try:
        service.wait_for("waiting for new mail")
        for n, name in enumerate(["rejection", "identity_check", "request_info"], 1):
            seed(dovecot, {name: SEED[name]}, n=n)
            assert wait_drafts(dovecot, n, timeout=2.0) <= 2.0
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
        time.sleep(1.0)
        dovecot.start()
        seed(dovecot, {"acceptance": SEED["acceptance"], "clarification": SEED["clarification"]}, n=1)
        wait_drafts(dovecot, 3, timeout=30)
        time.sleep(1.0)
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
    items = {f"{name}-{i}": path for i in range(20) for name, path in SEED.items() if name in REPLY_WORTHY}
    ids = seed(dovecot, items)
    config = write_config(env / "config.toml", dovecot)
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
    """Several [[accounts]]: one whose login is refused is retried with backoff while the other works."""
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
        seed(dovecot, {"rejection": SEED["rejection"]})
        wait_drafts(dovecot, 1, timeout=5)
    finally:
        assert service.stop() == 0
