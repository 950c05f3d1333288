"""Worst-case CPU time of parse + classify for one message, over the known hostile bodies.

Usage: python benchmarks/hostile.py

Each body is measured in this process (best of two runs, CPU time); the peak RSS of the whole run is
printed at the end. Budget: a few seconds of CPU per message, whatever the sender wrote.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

from mailbot.classify import classify
from mailbot.parse import parse
from mailbot.rules import bundled_rules

HEAD = "From: Privacy <privacy@facebookmail.com>\r\nTo: ada@example.org\r\nSubject: {subject}\r\nMessage-ID: <h@x>\r\n"


def plain(body: str, subject: str = "Re: your objection") -> bytes:
    """A text/plain message from a platform sender."""
    return (HEAD.format(subject=subject) + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()


def html(body: str) -> bytes:
    """A text/html message from a platform sender."""
    return (HEAD.format(subject="Re") + "Content-Type: text/html; charset=utf-8\r\n\r\n" + body).encode()


def fill(unit: str, size: int) -> str:
    """`unit` repeated to exactly `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def many_parts(count: int) -> bytes:
    """`count` empty MIME parts (a million make 8.5 MB)."""
    head = HEAD.format(subject="parts") + 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
    return head.encode() + b"--b\r\n\r\n" * count + b"--b--\r\n"


def nested(depth: int) -> bytes:
    """`depth` nested multiparts around one text part."""
    head = HEAD.format(subject="nested") + "MIME-Version: 1.0\r\n"
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    closing = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    return (head + opening + "Content-Type: text/plain\r\n\r\nPlease send your ID.\r\n" + closing).encode()


def huge_headers() -> bytes:
    """Four 2 MB header lines."""
    huge = "A" * 2_000_000
    return (
        f"From: {huge} <privacy@facebookmail.com>\r\nSubject: {huge}\r\nReferences: <{huge}@x>\r\n"
        f"X-Junk: {huge}\r\n\r\nPlease send a copy of your passport.\r\n"
    ).encode()


def bodies() -> dict[str, Callable[[], bytes]]:
    """The hostile messages, built on demand."""
    attribution = "Am 17.04.2025 um 10 Uhr schrieb Am Ada Am "  # no colon: nothing is cut as history
    mix = "On Am Le El Il giorno wrote schrieb a écrit ha scritto\n"
    styled = "<span style='color:#333;background:#fff;font-size:12px'>we need more detail</span> "
    return {
        "attribution 3.4 KB (one line)": lambda: plain(fill(attribution, 3_400)),
        "attribution 12 KB (one line)": lambda: plain(fill(attribution, 12_000)),
        "attribution 100 KB (one line)": lambda: plain(fill(attribution, 100_000)),
        "attribution 100 KB (lines)": lambda: plain(fill("Am Am schrieb Am\n", 100_000)),
        "attribution mix 100 KB": lambda: plain(fill(mix, 100_000)),
        "outlook headers 100 KB": lambda: plain(fill("From: x\nFrom: y\n\n", 100_000)),
        "ticket bait 100 KB": lambda: plain(fill("ticket-", 100_000), subject=fill("[ref:", 8_000)),
        "ticket words 100 KB": lambda: plain(fill("ticket number is ", 100_000)),
        "negations 100 KB": lambda: plain(fill("we will not no longer if you ", 100_000)),
        "newlines 1 MB": lambda: plain(fill("\n", 1_000_000) + "x"),
        "million empty MIME parts": lambda: many_parts(1_000_000),
        "499 MIME parts (within the cap)": lambda: many_parts(499),
        "deep nesting 100,000": lambda: nested(100_000),
        "deep nesting 240 (within the cap)": lambda: nested(240),
        "huge header lines 4 x 2 MB": huge_headers,
        "hidden HTML 1 MB": lambda: html(fill("<div style='color:#fff;font-size:0;display:block'>x", 1_000_000)),
        "styled spans 1 MB": lambda: html(fill(styled, 1_000_000)),
        "hidden spans 1 MB": lambda: html(fill("<span style='display:none'>x</span>", 1_000_000)),
        "unclosed tags 1 MB": lambda: html(fill("<b", 1_000_000)),
        "stylesheet bomb 1 MB": lambda: html("<style>" + fill("{.x", 1_000_000) + "</style>x"),
        "10 MB at the size cap": lambda: plain(fill("Please send a copy of your passport. ", 9_900_000)),
    }


def main() -> None:
    """Print parse + classify CPU time per hostile body and the worst of them."""
    ruleset = bundled_rules()
    classify(parse(plain("warm up")), ruleset)
    results: list[tuple[float, str]] = []
    for name, build in bodies().items():
        raw = build()
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            classify(parse(raw), ruleset)
            best = min(best, time.process_time() - start)
        results.append((best, name))
        print(f"{name:36s} {len(raw) / 1e6:7.2f} MB  {best:7.3f} s CPU", flush=True)
    worst, name = max(results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"worst per-message parse + classify: {worst:.3f} s CPU ({name})")
    print(f"peak RSS of the whole run (the 10 MB bodies built here included): {peak:.0f} MB")


if __name__ == "__main__":
    main()
