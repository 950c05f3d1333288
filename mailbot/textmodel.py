"""Scores a text with the bundled linear text model, the classifier's second opinion (pure but for loading)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from mailbot.errors import RulesError
from mailbot.models import Category

# Words, and the punctuation that ends a negation's or a condition's scope.
_TOKEN = re.compile(r"\w+|[.!?;:]")
FILE = "text-model.json"


def terms(text: str, prefixes: dict[str, str], scope: int) -> list[str]:
    """The model's terms of a text (rules/model/terms.toml says how): its words of two or more letters, those in
    a negation's or condition's scope prefixed, then every pair of neighbouring words. Training and scoring both
    read a text with this function, so the model sees at run time what it learnt from."""
    words: list[str] = []
    prefix, left = "", 0
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'").replace("n't", " not")):
        if not (token[0].isalnum() or token[0] == "_"):
            prefix, left = "", 0
            continue
        opens = prefixes.get(token)
        if opens is not None:
            prefix, left = opens, scope
            if len(token) > 1:
                words.append(token)
            continue
        if len(token) < 2:
            continue
        if left:
            words.append(prefix + token)
            left -= 1
        else:
            words.append(token)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True, slots=True)
class Opinion:
    """The model's best category, by how much it beat the runner-up, and that runner-up."""

    category: Category
    margin: float
    runner_up: Category


@dataclass(frozen=True, slots=True)
class TextModel:
    """A linear classifier over tf-idf features of words and word pairs, from rules/model/text-model.json.

    `features` maps a feature to "idf w1 … wN" (one weight per class), parsed only for the features a
    text has: loading stays a single json.load.
    """

    classes: tuple[Category, ...]
    intercepts: tuple[float, ...]
    features: dict[str, str]
    prefixes: dict[str, str]  # a word that opens a scope -> the prefix of the words in it
    scope: int

    def scores(self, text: str) -> list[float]:
        """The decision value of each class for the text (the higher, the likelier)."""
        counts = Counter(terms(text, self.prefixes, self.scope))
        totals = list(self.intercepts)
        weighted: list[tuple[float, list[float]]] = []
        norm = 0.0
        for feature, n in counts.items():
            row = self.features.get(feature)
            if row is None:
                continue
            idf, weights = _row(feature, row, len(self.classes), FILE)
            value = (1.0 + math.log(n)) * idf
            norm += value * value
            weighted.append((value, weights))
        if norm == 0.0:
            return totals
        scale = 1.0 / math.sqrt(norm)
        for value, weights in weighted:
            for i, w in enumerate(weights):
                totals[i] += value * scale * w
        return totals

    def opinion(self, text: str) -> Opinion:
        """The category the model prefers for the text, and its margin over the next."""
        ranked = sorted(zip(self.scores(text), self.classes, strict=True), key=lambda sc: -sc[0])
        (best, category), (second, runner_up) = ranked[0], ranked[1]
        return Opinion(category, round(best - second, 4), runner_up)


def _row(feature: str, row: object, size: int, name: str) -> tuple[float, list[float]]:
    """A feature's idf and its weight for each of `size` classes; a RulesError naming the file when malformed."""
    try:
        idf, *weights = (float(x) for x in row.split())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        raise RulesError(f"model/{name}: feature {feature!r} is not numbers") from None
    # A NaN or an infinity anywhere makes the sum one.
    if len(weights) != size or not idf > 0 or not math.isfinite(idf + sum(weights)):
        raise RulesError(f"model/{name}: feature {feature!r} needs a positive idf and {size} weights")
    return idf, weights


def load_text_model(path: Path, *, check: bool = True) -> TextModel:
    """Load a model file, and with `check` every row of it (~40 ms; `mailbot check` does); errors name the file
    and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RulesError(f"model/{path.name}: unreadable: {exc}") from None
    if not isinstance(data, dict):
        raise RulesError(f"model/{path.name}: not a JSON object")
    try:
        classes = tuple(Category(c) for c in data["classes"])
        intercepts = tuple(float(x) for x in data["intercepts"])
        features = data["features"]
        reading = data["terms"]
        scope = int(reading["scope"])
        if not all(isinstance(words, list) for words in reading["prefixes"].values()):
            raise TypeError("each prefix needs a list of words")
        prefixes = {str(word): str(prefix) for prefix, words in reading["prefixes"].items() for word in words}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesError(f"model/{path.name}: classes, intercepts, terms and features are required: {exc}") from None
    if len(classes) < 2 or len(set(classes)) != len(classes) or len(intercepts) != len(classes):
        raise RulesError(f"model/{path.name}: needs two or more distinct classes, one intercept each")
    if not isinstance(features, dict) or not features:
        raise RulesError(f"model/{path.name}: 'features' must map each feature to its idf and weights")
    for feature, row in features.items() if check else ():
        _row(feature, row, len(classes), path.name)
    if not all(math.isfinite(x) for x in intercepts):
        raise RulesError(f"model/{path.name}: intercepts must be finite numbers")
    if scope < 1:
        raise RulesError(f"model/{path.name}: the terms' scope must be a positive number of words")
    return TextModel(classes, intercepts, features, prefixes, scope)


@cache
def text_model(path: Path) -> TextModel:
    """The model in `path`, loaded once per process; a row is read when a text has its feature."""
    return load_text_model(path, check=False)
