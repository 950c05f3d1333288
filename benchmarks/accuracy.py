"""Classifies every labelled .eml under a directory with the installed mailbot and prints its accuracy.

Usage: python benchmarks/accuracy.py [DIR ...] [--misses] [--json] [--thread header|yes|no] [--model PATH|none]

Without DIR it reads the development corpus only (corpus/real and corpus/written), never the
blind or held-out sets that sit beside them.

The expected category of each file is its X-Corpus-Label header, or the row for it in DIR/labels.tsv
(`file<TAB>category`, file relative to DIR) when that manifest exists; files with neither are skipped.
Accuracy is shown overall, per category, per language (X-Corpus-Language, else the detected one), and
per origin: `real` (published by the person who received it), `written` (an X-Corpus-Source that
starts with "synthetic", as a blind set's "synthetic (blind set …)").
A wrong-reply verdict is one whose category gets a reply but differs from the label; `unknown` is an
abstention, counted as a miss but never as a wrong reply.

--model: `none` classifies by the rules alone (without the text model's second opinion); a PATH uses that model
file instead of the bundled one (one trained by `scripts/train_model.py --exclude SET --out PATH`, to measure the
model on a set it did not learn from).

--thread: `header` (default) classifies a message as inside a case the person opened when it has
`X-Corpus-Case: yes`; `yes` treats every message so; `no` never (as `mailbot classify` does).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from mailbot.classify import classify
from mailbot.parse import parse
from mailbot.rules import bundled_rules

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DEFAULT_DIRS = [CORPUS / "real", CORPUS / "written"]
REPLY_CATEGORIES = frozenset({"request_info", "clarification", "acceptance", "rejection", "identity_check"})
CATEGORIES = REPLY_CATEGORIES | {"acknowledgement", "unrelated"}
OWN_ADDRESSES = frozenset({"jane@example.org"})


def _labels_manifest(root: Path) -> dict[str, str]:
    """file (relative to root) -> category from root/labels.tsv, when present."""
    manifest = root / "labels.tsv"
    labels: dict[str, str] = {}
    if not manifest.is_file():
        return labels
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, category = line.partition("\t")
        labels[name.strip()] = category.strip()
    return labels


def _header(raw: bytes, name: str) -> str:
    """One header of a raw message, unfolded, or ''."""
    msg = BytesHeaderParser(policy=default_policy).parsebytes(raw)
    value = msg.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def labelled(root: Path) -> Iterator[tuple[Path, str, bytes, str]]:
    """(path, path relative to root, raw bytes, label or "") of every .eml under root, in order: the label from
    root/labels.tsv (by relative path or file name), else the file's X-Corpus-Label header."""
    manifest = _labels_manifest(root)
    for path in sorted(root.rglob("*.eml")):
        rel = path.relative_to(root).as_posix()
        raw = path.read_bytes()
        yield path, rel, raw, manifest.get(rel) or manifest.get(path.name) or _header(raw, "X-Corpus-Label")


def evaluate(root: Path, thread: str, model: str = "") -> list[dict[str, Any]]:
    """One result row per labelled file under root (model: "" the bundled one, "none", or a model file)."""
    ruleset = bundled_rules()
    if model:
        ruleset = replace(ruleset, model=None if model == "none" else Path(model))
    rows: list[dict[str, Any]] = []
    for _, rel, raw, label in labelled(root):
        if not label:
            continue
        if label not in CATEGORIES:
            print(f"warning: {rel}: unknown label {label!r}, skipped", file=sys.stderr)
            continue
        source = _header(raw, "X-Corpus-Source")
        if thread == "yes":
            known = True
        elif thread == "no":
            known = False
        else:
            known = _header(raw, "X-Corpus-Case").lower() == "yes"
        message = parse(raw)
        verdict = classify(message, ruleset, own_addresses=OWN_ADDRESSES, known_thread=known)
        got = str(verdict.category)
        rows.append(
            {
                "file": rel,
                "label": label,
                "got": got,
                "ok": got == label,
                "wrong_reply": got in REPLY_CATEGORIES and got != label,
                "abstained": got == "unknown",
                "language": _header(raw, "X-Corpus-Language") or verdict.language or "-",
                "origin": "written" if source.lower().startswith("synthetic") else ("real" if source else "-"),
                "platform": verdict.platform,
                "rule": verdict.rule,
                "confidence": verdict.confidence,
                "source": source,
            }
        )
    return rows


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Accuracy per value of key."""
    out: dict[str, dict[str, Any]] = {}
    buckets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        buckets[row[key]].append(row)
    for name in sorted(buckets):
        group = buckets[name]
        right = sum(r["ok"] for r in group)
        out[name] = {
            "n": len(group),
            "right": right,
            "accuracy": round(right / len(group), 3),
            "wrong_reply": sum(r["wrong_reply"] for r in group),
            "abstained": sum(r["abstained"] for r in group),
        }
    return out


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures: overall, per category (by label), per language, per origin, and the confusions."""
    right = sum(r["ok"] for r in rows)
    return {
        "n": len(rows),
        "right": right,
        "accuracy": round(right / len(rows), 3) if rows else 0.0,
        "wrong_reply": sum(r["wrong_reply"] for r in rows),
        "abstained": sum(r["abstained"] for r in rows),
        "per_category": _group(rows, "label"),
        "per_language": _group(rows, "language"),
        "per_origin": _group(rows, "origin"),
        "confusion": {
            f"{label} -> {got}": n
            for (label, got), n in sorted(Counter((r["label"], r["got"]) for r in rows if not r["ok"]).items())
        },
    }


def _table(title: str, groups: dict[str, dict[str, Any]]) -> None:
    print(f"\n{title:<16} {'n':>4} {'right':>6} {'acc':>6} {'wrong-reply':>12} {'unknown':>8}")
    for name, g in groups.items():
        n, right, acc, wrong, unknown = g["n"], g["right"], g["accuracy"], g["wrong_reply"], g["abstained"]
        print(f"{name:<16} {n:>4} {right:>6} {acc:>6.2f} {wrong:>12} {unknown:>8}")


def main() -> None:
    """Parse the arguments, classify, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("directory", nargs="*", type=Path, default=DEFAULT_DIRS)
    ap.add_argument("--misses", action="store_true", help="list every file classified differently from its label")
    ap.add_argument("--json", action="store_true", help="print the figures (and with --misses the misses) as JSON")
    ap.add_argument("--thread", choices=("header", "yes", "no"), default="header")
    ap.add_argument(
        "--model", default="", help="'none' for the rules alone, or a model file instead of the bundled one"
    )
    args = ap.parse_args()
    roots: list[Path] = args.directory
    rows: list[dict[str, Any]] = []
    for root in roots:
        if not root.is_dir():
            sys.exit(f"not a directory: {root}")
        rows += [{**r, "file": f"{root.name}/{r['file']}"} for r in evaluate(root, args.thread, args.model)]
    figures = summary(rows)
    misses = [r for r in rows if not r["ok"]]
    if args.json:
        if args.misses:
            figures["misses"] = misses
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    print(f"directory:    {', '.join(str(r) for r in roots)}")
    print(f"thread mode:  {args.thread}")
    print(f"text model:   {args.model or 'bundled'}")
    print(f"messages:     {figures['n']}")
    print(f"accuracy:     {figures['accuracy']:.3f} ({figures['right']}/{figures['n']})")
    print(f"wrong-reply:  {figures['wrong_reply']}  (a reply-worthy verdict that differs from the label)")
    print(f"abstentions:  {figures['abstained']}  (unknown)")
    _table("category", figures["per_category"])
    _table("language", figures["per_language"])
    _table("origin", figures["per_origin"])
    if figures["confusion"]:
        print("\nconfusions (label -> verdict):")
        for pair, n in figures["confusion"].items():
            print(f"  {n:>3}  {pair}")
    if args.misses:
        print("\nmisses:")
        for r in misses:
            flag = "WRONG-REPLY " if r["wrong_reply"] else ""
            print(f"  {flag}{r['file']}: label {r['label']}, got {r['got']} (rule {r['rule'] or '-'}, {r['language']})")


if __name__ == "__main__":
    main()
