"""Measures parse + classify throughput on the labelled corpus, repeated to N messages (one process).

Usage: python benchmarks/classify.py [N]   (default 2000)
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from mailbot.classify import classify
from mailbot.parse import parse
from mailbot.rules import bundled_rules

ROUNDS = 5
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "messages"


def main() -> None:
    """Print messages per second for parse+classify, and for classify alone."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    raws = [p.read_bytes() for p in sorted(CORPUS.glob("*/*.eml"))]
    # Distinct Message-IDs so nothing can be cached per message.
    batch = [raws[i % len(raws)].replace(b"Message-ID: <", f"Message-ID: <{i}.".encode(), 1) for i in range(n)]
    ruleset = bundled_rules()
    classify(parse(batch[0]), ruleset)  # load the rules and the fuzzy tables once
    gc.freeze()  # as the CLI does once the rules are loaded
    rounds = []
    for _ in range(ROUNDS):
        # Streamed one message at a time, as `mailbot scan` does: nothing is kept between messages.
        parse_time = classify_time = 0.0
        for raw in batch:
            t0 = time.perf_counter()
            message = parse(raw)
            t1 = time.perf_counter()
            classify(message, ruleset)
            t2 = time.perf_counter()
            parse_time += t1 - t0
            classify_time += t2 - t1
        rounds.append((parse_time, classify_time, parse_time + classify_time))
    rounds.sort(key=lambda r: r[2])
    p, c, total = rounds[ROUNDS // 2]  # the median round
    print(f"messages:                 {n} ({len(raws)} distinct fixtures, all categories, 5 languages)")
    print(f"rounds:                   {ROUNDS} (median shown; best and worst in brackets)")
    print(f"parse:                    {p:.3f} s  ({n / p:,.0f} msg/s)")
    print(f"classify:                 {c:.3f} s  ({n / c:,.0f} msg/s)")
    print(
        f"parse + classify:         {total:.3f} s  ({n / total:,.0f} msg/s)"
        f"  [{n / rounds[0][2]:,.0f} .. {n / rounds[-1][2]:,.0f}]"
    )


if __name__ == "__main__":
    main()
