"""A newcomer's trial: a long scan on a terminal shows its progress through every long phase."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from conftest import config_file

SAMPLE = Path(__file__).parent.parent / "samples" / "Maildir" / "new" / "1745000000.M5P1.sample"  # a rejection


def terminal_output(args: list[str]) -> str:
    """What a command writes to its terminal (stderr on a pseudo-terminal of 40 x 120; stdout elsewhere)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=300) == 0, out
    os.close(leader)
    return out.decode(errors="replace")


def test_a_long_scan_shows_progress_while_it_reads_and_classifies(tmp_path: Path) -> None:
    """The bar showed the triage and the replies, but not the reading (parse and classify of every
    message a platform sent), the longest phase once drafts are quick: 2,800 sample messages gave about
    ten seconds of a silent terminal. Each phase now has its bar."""
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    raw = SAMPLE.read_bytes()
    for n in range(60):  # above the 50 a scan needs before it shows progress
        (box / "new" / f"{n}.trial").write_bytes(raw.replace(b"<fixture-amazon-rejetee-fr@", f"<{n}-rejetee@".encode()))
    config = config_file(tmp_path, "[scan]\nmax_age_days = 0\n")
    shown = terminal_output([sys.executable, "-m", "mailbot", "scan", "--config", str(config), "--maildir", str(box)])
    for phase in ("triage:", "reading:", "replies:"):
        assert f"\r{phase}" in shown or shown.startswith(phase), (phase, shown[-500:])
    assert "mailbot: 60 new" in shown
