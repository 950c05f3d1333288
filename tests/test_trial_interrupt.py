"""A newcomer's trial: Ctrl-C in the middle of a scan reports what was done, loses nothing, writes nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file, wait_until

from mailbot.cli import cli
from mailbot.pipeline import Pipeline

SAMPLE = Path(__file__).parent.parent / "samples" / "Maildir" / "new" / "1745000000.M5P1.sample"  # a rejection
MESSAGES = 300


def mailbox(folder: Path) -> Path:
    """A Maildir of MESSAGES rejections, each from its own thread: each gets its own draft."""
    box = folder / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    raw = SAMPLE.read_bytes()
    assert b"<fixture-amazon-rejetee-fr@mail.example.net>" in raw
    for n in range(MESSAGES):
        (box / "new" / f"{n}.trial").write_bytes(raw.replace(b"<fixture-amazon-rejetee-fr@", f"<{n}-rejetee@".encode()))
    return box


def drafts(box: Path) -> list[bytes]:
    """The Message-ID lines of the drafts written."""
    folder = box / ".Drafts" / "cur"
    if not folder.is_dir():
        return []
    return [
        line
        for path in folder.iterdir()
        for line in path.read_bytes().splitlines()
        if line.lower().startswith(b"message-id:")
    ]


def start_scan(config: Path, box: Path, out: Path, err: Path) -> subprocess.Popen[bytes]:
    """`mailbot scan` in a child (Ctrl-C is SIGINT, not ignored, as in a terminal), its output in files."""
    with out.open("wb") as stdout, err.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "mailbot", "scan", "--config", str(config), "--maildir", str(box)],
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def scan(config: Path, box: Path) -> tuple[int, str, str]:
    """A whole scan."""
    out, err = box.parent / "second.out", box.parent / "second.err"
    code = start_scan(config, box, out, err).wait(timeout=300)
    return code, out.read_text(), err.read_text()


def interrupted(tmp_path: Path) -> tuple[Path, Path, int, str, str]:
    """A scan interrupted by Ctrl-C once it has written its first draft."""
    box = mailbox(tmp_path)
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n[limits]\ndraft_batch = 1\n")
    out, err = tmp_path / "first.out", tmp_path / "first.err"
    proc = start_scan(config, box, out, err)
    wait_until(lambda: drafts(box) or proc.poll() is not None, "a first draft", ceiling=240)
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=300)
    return config, box, code, out.read_text(), err.read_text()


def test_ctrl_c_finishes_the_message_in_hand_and_reports_it(tmp_path: Path) -> None:
    """The first Ctrl-C used to end the scan with click's bare "Aborted!": no row for the drafts already
    written, no summary, exit status 1. Now the scan stops after the message in hand, prints a row per
    message it handled and the summary, says so, and exits 0; the next scan does the rest, and no reply
    is written twice."""
    config, box, code, out, err = interrupted(tmp_path)
    assert code == 0, err
    assert "Aborted" not in err
    assert "Traceback" not in err
    assert "stopped by Ctrl-C; the next scan takes up the rest" in err, err
    first = [row for row in out.splitlines() if row.startswith("privacy@amazon.fr\t")]
    written = drafts(box)
    assert 0 < len(first) < MESSAGES, err
    assert len(first) == len(written)  # a row for every draft written, and only for those
    code, out, err = scan(config, box)
    assert code == 0, err
    second = [row for row in out.splitlines() if row.startswith("privacy@amazon.fr\t")]
    assert len(first) + len(second) == MESSAGES
    assert len(drafts(box)) == len(set(drafts(box))) == MESSAGES


def test_a_second_ctrl_c_stops_at_once_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C that stops a command at once (the second during a scan) is one line on stderr and exit
    status 1, never click's bare "Aborted!"."""
    box = mailbox(tmp_path)
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n")

    def pressed(_self: Pipeline) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Pipeline, "scan", pressed)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        "mailbot: error: interrupted; what was done is recorded, and the next scan continues from there"
    ]


def test_ctrl_c_in_another_command_is_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in `classify` (a long list of files) is `mailbot: error: interrupted`, without the scan's
    promise that a next scan continues."""
    import mailbot.cli

    def pressed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mailbot.cli, "classify", pressed)
    result = CliRunner().invoke(cli, ["classify", str(SAMPLE)])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == ["mailbot: error: interrupted"]
