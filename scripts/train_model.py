"""Trains the classifier's text model (rules/model/text-model.json) from the labelled corpus and fixtures.

Usage: python scripts/train_model.py [--out FILE] [--exclude SET ...] [--check]

Needs scikit-learn (in the `dev` extra); mailbot itself only reads the file it writes (mailbot.textmodel).
Every labelled .eml under corpus/ (labels.tsv or X-Corpus-Label) and tests/fixtures/messages/<category>/
is read as mailbot reads a message: the subject and the sender's own words (quoted text removed).
--exclude leaves corpus sets out (to measure the model on a set it did not learn from).
--check trains and compares with the bundled file instead of writing it (exit 1 when they differ).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from functools import partial
from pathlib import Path
from typing import Any

from sklearn import __version__ as sklearn_version
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from mailbot.classify import model_text
from mailbot.models import Category
from mailbot.parse import parse
from mailbot.rules import load_rules
from mailbot.textmodel import FILE, terms

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import accuracy  # noqa: E402  (how a corpus set's labels are read, as the benchmarks read them)

OUT = ROOT / "rules" / "model" / FILE
TERMS = ROOT / "rules" / "model" / "terms.toml"
CATEGORIES = {c.value for c in Category} - {"unknown"}
# The options compared on corpus sets the model had not seen (README, "The text model"): word pairs help,
# triples and character n-grams did not; a term in fewer than three messages adds size, not accuracy; C=0.5 sat
# between under- and over-fitting; three decimals of a weight change no verdict.
OPTIONS = {"min_df": 3, "sublinear_tf": True}
C = 0.5
DIGITS = 3


def examples(exclude: set[str], base: Path = ROOT) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, the sets read) from corpus/ and the test fixtures under `base` (a checkout), in a fixed order."""
    ruleset = load_rules()
    texts: list[str] = []
    labels: list[str] = []
    sets: list[str] = []
    roots = sorted(p for p in (base / "corpus").iterdir() if p.is_dir() and p.name not in exclude)
    roots.append(base / "tests" / "fixtures" / "messages")
    for root in roots:
        count = 0
        for path, _, raw, label in accuracy.labelled(root):
            if root.name == "messages":  # fixtures: the folder is the category
                label = path.parent.name
            if label not in CATEGORIES:
                continue
            texts.append(model_text(ruleset, parse(raw), ruleset.tuning.model_text))
            labels.append(label)
            count += 1
        sets.append(f"{root.relative_to(base).as_posix()} ({count})")
    return texts, labels, sets


def fit(texts: list[str], labels: list[str]) -> tuple[TfidfVectorizer, LinearSVC, dict[str, Any]]:
    """The fitted vectorizer and classifier, and the reading of terms (rules/model/terms.toml) they used."""
    reading = tomllib.loads(TERMS.read_text(encoding="utf-8"))
    prefixes = {word: prefix for prefix, words in reading["prefixes"].items() for word in words}
    vectorizer = TfidfVectorizer(analyzer=partial(terms, prefixes=prefixes, scope=reading["scope"]), **OPTIONS)
    svm = LinearSVC(C=C, random_state=0).fit(vectorizer.fit_transform(texts), labels)
    return vectorizer, svm, reading


def export(vectorizer: TfidfVectorizer, svm: LinearSVC, reading: dict[str, Any], sets: list[str]) -> dict[str, Any]:
    """The model file's content: the reading, and per feature its idf and one weight per class."""
    names = vectorizer.get_feature_names_out()
    features = {}
    for j, name in enumerate(names):
        weights = " ".join(f"{w:.{DIGITS}f}" for w in svm.coef_[:, j])
        features[str(name)] = f"{vectorizer.idf_[j]:.{DIGITS + 2}f} {weights}"
    return {
        "about": "mailbot's text model: a linear SVM over tf-idf word and word-pair features. Written by "
        "scripts/train_model.py; do not edit by hand.",
        "trained_on": sets,
        "scikit_learn": sklearn_version,
        "options": {**OPTIONS, "C": C},
        "terms": reading,
        "classes": [str(c) for c in svm.classes_],
        "intercepts": [round(float(b), DIGITS) for b in svm.intercept_],
        "features": dict(sorted(features.items())),
    }


def main() -> None:
    """Train, then write the model file or compare it with the bundled one."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--exclude", nargs="*", default=[], help="corpus sets to leave out")
    ap.add_argument("--check", action="store_true", help="compare with the bundled model instead of writing")
    args = ap.parse_args()
    texts, labels, sets = examples(set(args.exclude))
    text = json.dumps(export(*fit(texts, labels), sets), ensure_ascii=False, indent=0) + "\n"
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("the bundled model is what the corpus trains" if same else f"{OUT} differs from what the corpus trains")
        sys.exit(0 if same else 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(texts)} examples, {len(sets)} sets, {len(json.loads(text)['features'])} features")


if __name__ == "__main__":
    main()
