"""Measures the reaction latency of `mailbot run`: platform message delivered → draft appended.

Starts Dovecot and `mailbot run` (IMAP IDLE), delivers N platform messages one at a time with
APPEND, and times until each draft shows in Drafts (polled every 5 ms). Prints median and worst.

Usage: python benchmarks/latency.py [N]   (default 25; needs dovecot-imapd)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import imapclient  # noqa: E402
from scan import config_file, platform  # noqa: E402
from servers import PASSWORD, make_dovecot  # noqa: E402

from mailbot.classify import classify  # noqa: E402
from mailbot.decide import Policy, decide  # noqa: E402
from mailbot.models import ActionKind  # noqa: E402
from mailbot.parse import parse  # noqa: E402
from mailbot.rules import bundled_rules  # noqa: E402


def reply_worthy(n: int) -> list[bytes]:
    """N corpus messages (each in its own thread) that mailbot answers with a draft."""
    ruleset = bundled_rules()
    chosen: list[bytes] = []
    i = 0
    while len(chosen) < n:
        raw = platform(i)
        message = parse(raw)
        action = decide(message, classify(message, ruleset), ruleset, Policy())
        if action.kind is ActionKind.REPLY:
            chosen.append(raw)
        i += 1
    return chosen


def main() -> None:
    """Deliver N messages and print the latency figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    server = make_dovecot()
    server.start()
    work = Path(tempfile.mkdtemp(prefix="mblat-"))
    service = None
    try:
        config = config_file(work, server.port, "INBOX", work / "state.sqlite3")
        env = {**os.environ, "MAILBOT_BENCH_PASSWORD": PASSWORD}
        service = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mailbot",
                *os.environ.get("MAILBOT_BENCH_ARGS", "").split(),
                "run",
                "--config",
                str(config),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert service.stderr is not None
        for line in service.stderr:
            if "waiting for new mail" in line:
                break
        client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False)
        client.login("ada", PASSWORD)
        latencies = []
        for raw in reply_worthy(n):
            before = int(client.folder_status("Drafts", [b"MESSAGES"])[b"MESSAGES"])
            client.append("INBOX", raw)
            start = time.perf_counter()
            while time.perf_counter() - start < float(os.environ.get("BENCH_WAIT", "10")):
                if int(client.folder_status("Drafts", [b"MESSAGES"])[b"MESSAGES"]) > before:
                    latencies.append(time.perf_counter() - start)
                    break
                time.sleep(0.005)
            else:
                service.terminate()
                raise RuntimeError("no draft within 10 s: " + service.stderr.read()[-6000:])
        client.logout()
        print(f"deliveries timed:     {len(latencies)} (one platform message at a time, each answered)")
        print(f"median latency:       {statistics.median(latencies) * 1000:.0f} ms")
        print(f"worst latency:        {max(latencies) * 1000:.0f} ms  (target: within 2 s)")
    finally:
        if service is not None:
            service.terminate()
            service.wait(30)
        server.stop()


if __name__ == "__main__":
    main()
