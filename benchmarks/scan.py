"""Measures `mailbot scan` on a 10,000-message IMAP inbox (2 % platform mail) against a real Dovecot.

Side by side in one run, each scan a whole `mailbot scan` process (the installed command, start-up included):
  1. the first scan vs a bare imapclient FETCH of every full body (target: scan <= 0.5x), with the
     start-up cache of earlier runs (as after `mailbot check`) and on the very first run ever;
  2. a scan when nothing is new vs a scan of an empty inbox (target: <= 1.25x);
  3. peak memory of a first scan in its own process (target: <= 150 MB).
In-process figures (no interpreter start-up) are printed too.

Usage: python benchmarks/scan.py [N]   (default 10000; needs dovecot-imapd)
"""

from __future__ import annotations

import gc
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import imapclient  # noqa: E402
from servers import PASSWORD, make_dovecot  # noqa: E402

from mailbot import startcache  # noqa: E402
from mailbot.config import load_config  # noqa: E402
from mailbot.mailboxes.imap import ImapMailbox  # noqa: E402
from mailbot.pipeline import Pipeline, PipelineSettings  # noqa: E402
from mailbot.rules import bundled_rules  # noqa: E402
from mailbot.store import Store  # noqa: E402

ROUNDS = 5  # each figure is the median of this many runs: single runs vary by ±5 % on a small machine
PLATFORM = sorted((ROOT / "tests" / "fixtures" / "messages").glob("[!u]*/*.eml"))
WORDS = [
    "meeting",
    "report",
    "invoice",
    "weekend",
    "photos",
    "project",
    "update",
    "family",
    "garden",
    "train",
    "concert",
    "budget",
    "review",
    "library",
    "recipe",
    "football",
    "holiday",
    "schedule",
    "draft",
    "minutes",
    "offer",
    "newsletter",
    "team",
]


def ordinary(i: int, rng: random.Random) -> bytes:
    """An everyday message of realistic size: text and HTML alternatives (~12-20 KB)."""
    msg = EmailMessage()
    msg["From"] = f"Person {i % 300} <person{i % 300}@example.net>"
    msg["To"] = "ada@example.org"
    msg["Subject"] = " ".join(rng.choice(WORDS) for _ in range(5))
    msg["Date"] = format_datetime(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=i))
    msg["Message-ID"] = f"<bench-{i}@example.net>"
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(120)) for _ in range(rng.randint(6, 10))]
    msg.set_content("\n\n".join(paragraphs))
    msg.add_alternative("<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>", subtype="html")
    return msg.as_bytes()


def platform(i: int) -> bytes:
    """A platform message from the corpus, with its own Message-ID and thread, dated today (fresh mail
    is answered; older mail on a first scan is only filed)."""
    raw = PLATFORM[i % len(PLATFORM)].read_bytes()
    today = format_datetime(datetime.now(UTC) - timedelta(minutes=i)).encode()
    raw = re.sub(rb"(?m)^Date: [^\r\n]+", b"Date: " + today, raw, count=1)
    raw = re.sub(rb"Message-ID: <[^>]+>", f"Message-ID: <bench-p{i}@mail.example.net>".encode(), raw, count=1)
    return re.sub(rb"<objection-(\w+)@example\.org>", f"<objection-{i}@example.org>".encode(), raw)


def fill(port: int, folder: str, messages: list[bytes]) -> None:
    """APPEND the messages in batches (MULTIAPPEND)."""
    client = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False, timeout=60)
    client.login("ada", PASSWORD)
    for start in range(0, len(messages), 200):
        client.multiappend(folder, messages[start : start + 200])
    client.logout()


def clear_drafts(port: int) -> None:
    """Empty the Drafts folder, so that the next first scan writes every draft again."""
    client = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login("ada", PASSWORD)
    client.select_folder("Drafts")
    uids = client.search(["ALL"])
    if uids:
        client.delete_messages(uids)
        client.expunge()
    client.logout()


def bare_fetch(port: int) -> tuple[float, int]:
    """Time a plain imapclient FETCH of every full body (in chunks of 500)."""
    start = time.perf_counter()
    client = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False, timeout=60)
    client.login("ada", PASSWORD)
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["ALL"])
    total = 0
    for i in range(0, len(uids), 500):
        for data in client.fetch(uids[i : i + 500], ["BODY.PEEK[]"]).values():
            total += len(data[b"BODY[]"])
    client.logout()
    return time.perf_counter() - start, total


def config_file(folder: Path, port: int, mailbox: str, state: Path) -> Path:
    """A config for the benchmark account."""
    path = folder / f"config-{mailbox}.toml"
    path.write_text(
        '[identity]\nname = "Ada"\nemail = "ada@example.org"\n'
        f'[imap]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nusername = "ada"\n'
        f'password_env = "MAILBOT_BENCH_PASSWORD"\nmailbox = "{mailbox}"\n'
        f'[state]\npath = "{state}"\n' + os.environ.get("BENCH_EXTRA_CONFIG", "").replace("\\n", "\n")
    )
    path.chmod(0o600)
    return path


def timed_scan(config: Path) -> tuple[float, int]:
    """One in-process scan (no interpreter start-up), returning seconds and replies written."""
    settings = load_config(config)
    assert settings.imap is not None
    store = Store(settings.state_path)
    mailbox = ImapMailbox(settings.imap)
    pipeline = Pipeline(
        PipelineSettings(identity=settings.identity, mode="draft", progress=False), bundled_rules(), store, mailbox
    )
    start = time.perf_counter()
    report = pipeline.scan()
    mailbox.close()
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, sum(1 for o in report.outcomes if o.action == "reply")


def mailbot_command() -> list[str]:
    """The installed `mailbot` command, as the README has people run it (else `python -m mailbot`)."""
    script = Path(sys.executable).parent / "mailbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mailbot"]


def process_scan(config: Path, cache: Path | None = None) -> float:
    """Wall-clock seconds of a whole `mailbot scan` process; with `cache`, that (empty) folder as the
    user's cache folder, as on mailbot's very first run."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)} if cache else None
    start = time.perf_counter()
    subprocess.run(
        [*mailbot_command(), "scan", "--config", str(config)],
        cwd=config.parent,  # not the checkout: the installed package, as `mailbot` runs it
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def peak_memory_mb(command: list[str], cwd: Path) -> float:
    """The peak resident memory (VmHWM) of a command, sampled until it exits.

    ru_maxrss of a child is no use here: it counts the memory of the forked benchmark process
    (with its 150 MB of generated mail) before the exec.
    """
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_kb = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            text = status.read_text()
        except OSError:
            break
        match = re.search(r"VmHWM:\s+(\d+) kB", text)
        # Only once the child has become `mailbot scan` (not while it is still a fork of us).
        if match and "mailbot\0scan\0" in Path(f"/proc/{proc.pid}/cmdline").read_text():
            peak_kb = max(peak_kb, int(match.group(1)))
        time.sleep(0.005)
    if proc.wait() != 0:
        raise RuntimeError("the scan failed")
    return peak_kb / 1024


def main() -> None:
    """Run the three comparisons and print the figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ["MAILBOT_BENCH_PASSWORD"] = PASSWORD
    os.environ.setdefault("CI", "")
    rng = random.Random(7)
    server = make_dovecot()
    server.start()
    work = Path(tempfile.mkdtemp(prefix="mbbench-"))
    try:
        every = 50  # 2 % platform mail
        messages = [platform(i) if i % every == every - 1 else ordinary(i, rng) for i in range(n)]
        t0 = time.perf_counter()
        fill(server.port, "INBOX", messages)
        client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False)
        client.login("ada", PASSWORD)
        client.create_folder("Empty")
        client.logout()
        print(
            f"inbox:                         {n} messages, {n // every} from platforms "
            f"({sum(map(len, messages)) / 1e6:.0f} MB), filled in {time.perf_counter() - t0:.1f} s"
        )
        # Its own cache folder, warmed by one untimed first scan, as any run after `mailbot check` finds it.
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        process_scan(config_file(work, server.port, "INBOX", work / "warm-up.sqlite3"))
        startcache.load()  # as the command line does
        bundled_rules()  # rules loaded before timing, as in a running service
        gc.freeze()  # as the CLI does once the rules are loaded

        fetches: list[float] = []
        firsts, agains, empties, colds = [], [], [], []  # whole processes
        in_firsts, in_agains, in_empties = [], [], []  # in-process
        replies = 0
        for r in range(ROUNDS):
            fetch_s, fetched = bare_fetch(server.port)
            fetches.append(fetch_s)
            clear_drafts(server.port)
            state = work / f"state-{r}.sqlite3"
            firsts.append(process_scan(config_file(work, server.port, "INBOX", state)))
            agains.append(process_scan(config_file(work, server.port, "INBOX", state)))
            empties.append(process_scan(config_file(work, server.port, "Empty", work / f"empty-{r}.sqlite3")))
            clear_drafts(server.port)
            cold_config = config_file(work, server.port, "INBOX", work / f"cold-{r}.sqlite3")
            colds.append(process_scan(cold_config, cache=Path(tempfile.mkdtemp(prefix="cache-", dir=work))))
            clear_drafts(server.port)
            state = work / f"in-state-{r}.sqlite3"
            first_s, replies = timed_scan(config_file(work, server.port, "INBOX", state))
            in_firsts.append(first_s)
            in_agains.append(timed_scan(config_file(work, server.port, "INBOX", state))[0])
            in_empties.append(timed_scan(config_file(work, server.port, "Empty", work / f"in-empty-{r}.sqlite3"))[0])
        fetch_s, first_s, again_s, empty_s, cold_s = map(statistics.median, (fetches, firsts, agains, empties, colds))
        in_first_s, in_again_s, in_empty_s = map(statistics.median, (in_firsts, in_agains, in_empties))

        # Peak memory of a complete first scan in its own process (fresh state, Drafts emptied).
        clear_drafts(server.port)
        config = config_file(work, server.port, "INBOX", work / "mem.sqlite3")
        peak_mb = peak_memory_mb([*mailbot_command(), "scan", "--config", str(config)], work)

        print(f"rounds:                        {ROUNDS} (medians)")
        print(f"scan command:                  {' '.join(mailbot_command())}")
        print(f"bare FETCH of every body:      {fetch_s:7.3f} s  ({fetched / 1e6:.0f} MB)")
        print(
            f"first scan (process):          {first_s:7.3f} s  ({replies} drafts)  "
            f"ratio {first_s / fetch_s:.2f}x  (target <= 0.5x)"
        )
        print(
            f"first scan, first run ever:    {cold_s:7.3f} s  ratio {cold_s / fetch_s:.2f}x  "
            "(empty cache folder: patterns compiled, Babel loaded)"
        )
        print(f"scan, nothing new (process):   {again_s * 1000:7.1f} ms")
        print(
            f"scan, empty inbox (process):   {empty_s * 1000:7.1f} ms  "
            f"ratio {again_s / empty_s:.2f}x  (target <= 1.25x)"
        )
        print(f"first scan (in-process):       {in_first_s:7.3f} s  ratio {in_first_s / fetch_s:.2f}x")
        print(
            f"nothing new / empty (in-proc): {in_again_s * 1000:7.1f} / {in_empty_s * 1000:.1f} ms  "
            f"ratio {in_again_s / in_empty_s:.2f}x"
        )
        print(f"peak memory, first scan:       {peak_mb:7.1f} MB  (target <= 150 MB; whole process)")
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
