"""A second newcomer's trial: after Ctrl-C the summary counts only the messages the scan finished."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

import mailbot.cli
from mailbot.cli import cli

SAMPLE = Path(__file__).parent.parent / "samples" / "Maildir" / "new" / "1745000000.M5P1.sample"  # a rejection
MESSAGES = 20


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


def drafts(box: Path) -> int:
    folder = box / ".Drafts" / "cur"
    return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0


def test_after_ctrl_c_the_summary_counts_only_the_messages_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan stopped by Ctrl-C after three drafts used to say `20 new`: every message looked at, though
    seventeen were left for the next scan. Now `N new` counts the messages it finished, so the two scans'
    counts add up to the mail there was."""
    box = mailbox(tmp_path)
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n[limits]\ndraft_batch = 1\n")

    @contextlib.contextmanager
    def ctrl_c_after_three_drafts() -> Iterator[object]:
        yield lambda: drafts(box) >= 3  # Ctrl-C pressed once the third draft is in Drafts

    monkeypatch.setattr(mailbot.cli, "_first_ctrl_c_stops", ctrl_c_after_three_drafts)
    first = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
    assert first.exit_code == 0, first.stderr
    assert "stopped by Ctrl-C" in first.stderr
    rows = [row for row in first.stdout.splitlines() if row.startswith("privacy@amazon.fr\t")]
    assert len(rows) == drafts(box) == 3
    assert "mailbot: 3 new, 0 not from a platform, 3 replies" in first.stderr, first.stderr
    monkeypatch.undo()
    second = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)])
    assert second.exit_code == 0, second.stderr
    assert f"mailbot: {MESSAGES - 3} new, 0 not from a platform, {MESSAGES - 3} replies" in second.stderr
    assert drafts(box) == MESSAGES
