"""Measures the second opinion fairly: old rules and a model trained on what existed then, on sets added later.

Usage: python benchmarks/time_split.py [--commit REV] [--model-too]

The rules at REV (default: the commit before tuning round 9, whose sets blind-2026-11-27i … and heldout-real-6 …
it never saw) classify every set added to corpus/ after REV. A model is trained by scripts/train_model.py's
code on the corpus and fixtures as they were at REV, and today's second opinion (mailbot.classify.reviewed,
with today's tuning) is applied to the old rules' verdicts. Neither the old rules nor that model saw the later
sets, so both figures are fair: the rules alone, and the rules with the second opinion.
Needs git and scikit-learn (the `test` extra). Thread mode: `header` (X-Corpus-Case), as accuracy.py's default; the
second opinion is told "in a case" from that header only (today's rules also read a team's reply under a request's
subject as in a case; the old code does not report it), which can only leave the model less to decide.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import accuracy  # noqa: E402
import train_model  # noqa: E402

from mailbot.classify import reviewed  # noqa: E402
from mailbot.models import Category, RuleScore, Verdict  # noqa: E402
from mailbot.parse import parse  # noqa: E402
from mailbot.rules import bundled_rules  # noqa: E402

ROUND_8 = "f7f8736^1"
# Run by the old code (PYTHONPATH = its source): its verdict on each file, and what its rules found.
OLD = """
import json, sys
from pathlib import Path
from typing import Any
from mailbot.classify import classify
from mailbot.parse import parse
from mailbot.rules import bundled_rules
rules = bundled_rules()
for line in sys.stdin:
    path, case = json.loads(line)
    own = frozenset({"jane@example.org"})
    v = classify(parse(Path(path).read_bytes()), rules, own_addresses=own, known_thread=case)
    found = [[str(s.category), s.rule, s.score] for s in v.scores if s.score > 0]
    print(json.dumps([path, str(v.category), v.rule, v.gate, found, v.platform]))
"""


def _later_files(old_sets: set[str]) -> list[tuple[str, Path, str, bool]]:
    """(set, path, label, in a case) of every labelled file in a set that did not exist at the old commit."""
    out = []
    for root in sorted(p for p in (ROOT / "corpus").iterdir() if p.is_dir() and p.name not in old_sets):
        for path, _, raw, label in accuracy.labelled(root):
            if label in accuracy.CATEGORIES:
                case = accuracy._header(raw, "X-Corpus-Case").lower() == "yes"
                out.append((root.name, path, label, case))
    return out


def main() -> None:
    """Classify the later sets with the old rules, alone and with a second opinion trained on older sets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--commit", default=ROUND_8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mailbot-old-") as tmp:
        old = Path(tmp)
        git = ["git", "-C", str(ROOT), "archive", args.commit]
        archive = subprocess.run(git, capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(old, filter="data")
        old_sets = {p.name for p in (old / "corpus").iterdir() if p.is_dir()}
        files = _later_files(old_sets)
        feed = "".join(json.dumps([str(path), case]) + "\n" for _, path, _, case in files)
        env = {**os.environ, "PYTHONPATH": tmp, "XDG_CACHE_HOME": str(old / "cache")}
        done = subprocess.run(
            [sys.executable, "-c", OLD], input=feed, capture_output=True, text=True, check=True, env=env, cwd=tmp
        )
        old_verdicts = [json.loads(line) for line in done.stdout.splitlines()]
        # The model learns from the corpus and fixtures as they were at REV (corpus/written has grown since).
        texts, labels, sets = train_model.examples(set(), base=old)
        model = Path(tmp) / "model.json"
        model.write_text(json.dumps(train_model.export(*train_model.fit(texts, labels), sets)), encoding="utf-8")
        _report(args.commit, old_sets, len(texts), files, old_verdicts, model)


def _report(
    commit: str,
    old_sets: set[str],
    trained: int,
    files: list[tuple[str, Path, str, bool]],
    old_verdicts: list[Any],
    model: Path,
) -> None:
    """The figures of each later set: the old rules alone, and with the second opinion."""
    print(f"old rules:    {commit} ({len(old_sets)} corpus sets then)")
    print(f"model:        trained on {trained} messages of those sets and the fixtures")
    rules = replace(bundled_rules(), model=model)
    results: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for (name, path, label, case), (_, got, rule, gate, found, platform) in zip(files, old_verdicts, strict=True):
        after = got
        if not gate:  # a gate's verdict is final
            verdict = Verdict(Category(got), platform, "", 0.0, rule)
            scores = [RuleScore(rule_id, Category(category), score) for category, rule_id, score in found]
            after = str(reviewed(verdict, scores, case, parse(path.read_bytes()), rules).category)
        results[name].append((label, got, after))
        results["all " + ("real" if "real" in name else "paraphrases")].append((label, got, after))
    print(f"\n{'set':<24} {'n':>4}  {'rules alone: acc / wrong / unknown':>36}  {'with the second opinion':>26}")
    for name, rows in sorted(results.items(), key=lambda kv: kv[0].startswith("all ")):
        shown = []
        for i in (1, 2):
            right = sum(r[0] == r[i] for r in rows)
            wrong = sum(r[i] in accuracy.REPLY_CATEGORIES and r[i] != r[0] for r in rows)
            unknown = sum(r[i] == "unknown" for r in rows)
            shown.append(f"{right / len(rows):.3f} / {wrong:>2} / {unknown:>2}")
        print(f"{name:<24} {len(rows):>4}  {shown[0]:>36}  {shown[1]:>26}")


if __name__ == "__main__":
    main()
