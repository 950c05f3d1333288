"""Self-check: loads the rules and renders every template with sample data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from mailbot.compose import ReplyOptions, render, template_context
from mailbot.decide import SUPPORTED_LANGUAGES
from mailbot.errors import MailbotError
from mailbot.models import REPLY_CATEGORIES, Category, Identity, Verdict
from mailbot.resources import data_dir
from mailbot.rules import Platform, load_rules

SAMPLE_IDENTITY = Identity(name="Ada Example", email="ada@example.org", language="en")


def sample_context(
    category: str,
    lang: str,
    platform: Platform | None,
    *,
    erasure: bool = False,
    ticket: str = "",
    received: date = date(2025, 1, 31),
) -> dict[str, Any]:
    """The variables of a template rendered with sample data (for `check` and the tests)."""
    kind = Category.ACKNOWLEDGEMENT if category == "reminder" else Category(category)
    verdict = Verdict(kind, platform.id if platform else "none", lang, 1.0, "check", ticket=ticket)
    return template_context(
        identity=SAMPLE_IDENTITY,
        platform=platform,
        verdict=verdict,
        lang=lang,
        received=received,
        options=ReplyOptions(ask_erasure=erasure),
        request_date=date(2025, 1, 2) if category == "reminder" else None,
    )


def run_checks(rules: Path | None = None, templates: Path | None = None) -> list[str]:
    """Every problem found in rules/ and templates/ (an empty list when all is well)."""
    problems: list[str] = []
    try:
        ruleset = load_rules(rules)
    except MailbotError as exc:
        return [str(exc)]
    platform = ruleset.platform("whatsapp") or ruleset.platforms[0]
    for category in [*sorted(REPLY_CATEGORIES), "reminder"]:
        for lang in SUPPORTED_LANGUAGES:
            for erasure in (False, True):
                context = sample_context(category, lang, platform, erasure=erasure, ticket="T-1")
                try:
                    text = render(f"{category}.{lang}", context, templates)
                except MailbotError as exc:
                    problems.append(str(exc))
                    continue
                if "{{" in text or "{%" in text:
                    problems.append(f"template {category}.{lang}: unrendered template syntax in output")
    root = templates or data_dir("templates")
    known = {f"{c}.{lang}" for c in REPLY_CATEGORIES for lang in SUPPORTED_LANGUAGES}
    for path in sorted(root.glob("*.txt.j2")):
        stem = path.name.removesuffix(".txt.j2")
        if (
            not stem.startswith("_")
            and stem not in known
            and stem not in {f"reminder.{x}" for x in SUPPORTED_LANGUAGES}
        ):
            problems.append(f"template {path.name}: no category uses it")
    return problems
