"""Tells which language a text is in, from the function words it uses (pure)."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mailbot import startcache
from mailbot.errors import RulesError
from mailbot.resources import data_dir

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class LanguageModel:
    """Function words and distinctive letters per language, from rules/languages.toml."""

    words: dict[str, frozenset[str]]
    letters: dict[str, frozenset[str]]


def load_language_model(path: Path | None = None) -> LanguageModel:
    """Load rules/languages.toml; errors name the file."""
    path = path or data_dir("rules") / "languages.toml"
    try:
        data = startcache.toml(path)
        words = {lang: frozenset(text.split()) for lang, text in data["words"].items()}
        letters = {lang: frozenset(text) for lang, text in data.get("letters", {}).items()}
    except (OSError, tomllib.TOMLDecodeError, KeyError, AttributeError) as exc:
        raise RulesError(f"{path.name}: invalid language data: {exc}") from None
    return LanguageModel(words, letters)


@cache
def bundled_language_model() -> LanguageModel:
    """The bundled model, loaded once."""
    return load_language_model()


def detect(text: str, model: LanguageModel | None = None) -> tuple[str, float]:
    """The ISO 639-1 code of the text's language and a confidence in 0-1 ("" when it cannot be told).

    A word counts for every language that uses it; distinctive letters add half a word.
    """
    model = model or bundled_language_model()
    tokens = _WORD.findall(text[:2000].lower())
    if not tokens:
        return "", 0.0
    counts = Counter(tokens)
    scores: dict[str, float] = {}
    for lang, words in model.words.items():
        scores[lang] = float(sum(n for word, n in counts.items() if word in words))
    for lang, letters in model.letters.items():
        scores[lang] = scores.get(lang, 0.0) + 0.5 * sum(1 for ch in text[:2000] if ch in letters)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < 2 or score == runner_up:
        return "", 0.0
    return best, round(score / (score + runner_up), 3)
