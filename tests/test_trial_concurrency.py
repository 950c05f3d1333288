"""A newcomer's trial: a second mailbot on the same state (cron over a scan by hand, a scan beside
`mailbot run`) is refused, having done nothing; two at once never write a reply twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file, drafts_count, write_config
from servers import Dovecot
from test_scan_imap import SEED, seed
from test_service import Service

from mailbot.cli import cli
from mailbot.store import Store, exclusive

SAMPLE = Path(__file__).parent.parent / "samples" / "Maildir" / "new" / "1745000000.M5P1.sample"  # a rejection
BUSY = "another mailbot is working with this state (a scan, or 'mailbot run'); nothing was done"


def mailbox(folder: Path, messages: int) -> Path:
    """A Maildir of rejections, each from its own thread: each gets its own draft."""
    box = folder / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    raw = SAMPLE.read_bytes()
    for n in range(messages):
        (box / "new" / f"{n}.trial").write_bytes(raw.replace(b"<fixture-amazon-rejetee-fr@", f"<{n}-rejetee@".encode()))
    return box


def draft_ids(box: Path) -> list[bytes]:
    """The Message-ID lines of the drafts written."""
    folder = box / ".Drafts" / "cur"
    return [
        line
        for path in (folder.iterdir() if folder.is_dir() else [])
        for line in path.read_bytes().splitlines()
        if line.lower().startswith(b"message-id:")
    ]


def test_a_scan_while_another_works_is_refused_and_does_nothing(tmp_path: Path) -> None:
    """While another mailbot holds the state, a scan says so in one line, exit 1, and writes nothing; a dry
    run (which changes no state) still works; once the other is done, the scan does its work."""
    box = mailbox(tmp_path, 3)
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n")
    state = tmp_path / "state.sqlite3"
    with exclusive(state):
        result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
        assert result.exit_code == 1, result.output
        assert result.output.strip() == f"mailbot: error: {state}: {BUSY}: try again once it is finished"
        assert draft_ids(box) == []
        assert not state.exists()
        dry = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box), "--mode", "dry-run"])
        assert dry.exit_code == 0, dry.output
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
    assert result.exit_code == 0, result.output
    assert len(draft_ids(box)) == 3


def test_two_scans_at_once_never_write_a_reply_twice(tmp_path: Path) -> None:
    """Two scans started together on one Maildir and state both answered the same new messages: 64
    duplicate drafts out of 302 on 900 sample messages. Now one works and the other is refused (or, when
    they do not overlap, the second finds nothing new): every reply once."""
    messages = 200
    box = mailbox(tmp_path, messages)
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n")
    command = [sys.executable, "-m", "mailbot", "scan", "--config", str(config), "--maildir", str(box)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(proc.wait(timeout=300), *proc.communicate()) for proc in procs]
    for code, _out, err in results:
        assert code == 0 or (code == 1 and BUSY in err), err
    ids = draft_ids(box)
    assert len(ids) == len(set(ids)) == messages
    store = Store(tmp_path / "state.sqlite3")
    try:
        assert sum(len(store.written(case.id)) for case in store.cases()) == messages
    finally:
        store.close()


@pytest.mark.integration
def test_a_scan_beside_the_service_is_refused(dovecot: Dovecot, env: Path) -> None:
    """`mailbot run` holds its state while it runs: a scan by hand beside it is refused, not run twice."""
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot)
    service = Service(config)
    try:
        service.wait_for("waiting for new mail")
        result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
        assert result.exit_code == 1, result.output
        assert BUSY in result.output
    finally:
        assert service.stop() == 0
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output


@pytest.mark.integration
def test_the_service_waits_for_a_scan_rather_than_exit(dovecot: Dovecot, env: Path) -> None:
    """`mailbot run` started while a scan holds the state waits for it, and then works: exit status 1 would
    keep systemd from ever restarting it (RestartPreventExitStatus=1)."""
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot)
    with exclusive(env / "state.sqlite3"):
        service = Service(config)
        try:
            service.wait_for("another mailbot is working with this state; waiting until it is finished")
            assert service.proc.poll() is None
        except BaseException:
            service.stop()
            raise
    try:
        service.wait_for("waiting for new mail")
        assert drafts_count(dovecot) == 1
    finally:
        assert service.stop() == 0
