"""Self-check: loads the rules, renders every template with sample data, and warns about weak settings."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from mailbot.complaint import CaseFacts, Complaint, Event, build_complaint
from mailbot.compose import VARIANTS, ReplyOptions, lead_authority, render, template_context, template_for
from mailbot.decide import SUPPORTED_LANGUAGES
from mailbot.errors import MailbotError
from mailbot.models import REPLY_CATEGORIES, CaseInfo, Category, Identity, RequestType, Verdict
from mailbot.resources import data_dir
from mailbot.rules import Platform, Ruleset, bundled_rules, load_rules
from mailbot.textmodel import load_text_model

SAMPLE_IDENTITY = Identity(name="Ada Example", email="ada@example.org", language="en")
# Templates that answer a variant rather than a category, and the reminder (see compose.template_for).


def sample_context(
    category: str,
    lang: str,
    platform: Platform | None,
    *,
    erasure: bool = False,
    ticket: str = "",
    received: date = date(2025, 1, 31),
    request: RequestType = RequestType.OBJECTION,
    variant: str = "",
    account: str = "",
    sent_from_account: bool = False,
    ruleset: Ruleset | None = None,
    channel: str = "email",
) -> dict[str, Any]:
    """The variables of a template rendered with sample data (for `check` and the tests); the sample request
    was e-mailed (`channel`)."""
    kind = Category(category) if category in {str(c) for c in Category} else Category.ACKNOWLEDGEMENT
    verdict = Verdict(kind, platform.id if platform else "none", lang, 1.0, "", ticket=ticket, variant=variant)
    ruleset = ruleset or bundled_rules()
    return template_context(
        identity=SAMPLE_IDENTITY,
        platform=platform,
        verdict=verdict,
        lang=lang,
        received=received,
        options=ReplyOptions(ask_erasure=erasure, sent_from_account=sent_from_account),
        case=CaseInfo(types=(request,), request_date=date(2025, 1, 2), account=account, request_channel=channel),
        authority=lead_authority(platform, ruleset.authorities),
    )


def all_templates() -> list[tuple[str, str]]:
    """Every (template, variant) pair a reply can use, without the language."""
    pairs = {(str(c), "") for c in REPLY_CATEGORIES} | {("reminder", "")}
    for variant in VARIANTS:
        pairs.add((template_for(Category.REJECTION, variant, "x").removesuffix(".x"), variant))
    return sorted(pairs)


def run_checks(rules: Path | None = None, templates: Path | None = None) -> list[str]:
    """Every problem found in rules/ and templates/ (an empty list when all is well)."""
    problems: list[str] = []
    try:
        ruleset = load_rules(rules)
    except MailbotError as exc:
        return [str(exc)]
    if ruleset.model is not None:
        try:
            load_text_model(ruleset.model, check=True)
        except MailbotError as exc:
            problems.append(str(exc))
    for platform in ruleset.platforms:
        if not (platform.privacy_contact or platform.privacy_form):
            problems.append(f"platforms/{platform.id}.toml: no privacy_contact or privacy_form")
    platform = ruleset.platform("whatsapp") or ruleset.platforms[0]
    for name, variant in all_templates():
        category = name if name in {str(c) for c in Category} else "rejection"
        for lang in SUPPORTED_LANGUAGES:
            for request in RequestType:
                for erasure in (False, True):
                    context = sample_context(
                        category,
                        lang,
                        platform,
                        erasure=erasure,
                        ticket="T-1",
                        request=request,
                        variant=variant,
                        ruleset=ruleset,
                    )
                    try:
                        text = render(f"{name}.{lang}", context, templates)
                    except MailbotError as exc:
                        problems.append(str(exc))
                        break
                    if "{{" in text or "{%" in text:
                        problems.append(f"template {name}.{lang}: unrendered template syntax in output")
    for lang in SUPPORTED_LANGUAGES:
        try:
            text = sample_complaint(lang, ruleset, templates).text
        except MailbotError as exc:
            problems.append(str(exc))
            continue
        if "{{" in text or "{%" in text:
            problems.append(f"template complaint.{lang}: unrendered template syntax in output")
    root = templates or data_dir("templates")
    known = {f"{name}.{lang}" for name, _ in [*all_templates(), ("complaint", "")] for lang in SUPPORTED_LANGUAGES}
    for path in sorted(root.glob("*.txt.j2")):
        stem = path.name.removesuffix(".txt.j2")
        if not stem.startswith("_") and stem not in known:
            problems.append(f"template {path.name}: no category uses it")
    return sorted(set(problems))


def sample_complaint(
    lang: str, ruleset: Ruleset, templates: Path | None = None, request: RequestType = RequestType.OBJECTION
) -> Complaint:
    """A complaint about a sample refused, overdue case, written in `lang` (for `check` and the tests)."""
    authority = next((a for a in ruleset.authorities if a.language == lang), ruleset.authorities[0])
    facts = CaseFacts(
        case_id=1,
        controller="WhatsApp Ireland Limited",
        types=(request,),
        request_date=date(2025, 1, 2),
        due=date(2025, 2, 2),
        ticket="T-1",
        account="+39 333 000 0000",
        events=(
            Event(date(2025, 1, 2), True, "request"),
            Event(date(2025, 1, 10), False, "request_info", "Your objection"),
            Event(date(2025, 1, 12), True, "reply"),
            Event(date(2025, 2, 20), False, "rejection", "Your objection"),
        ),
        refusal_reasons="We rely on our legitimate interests.",
        remedy_named=False,
        lead_authority="ie-dpc",
    )
    lead = ruleset.authority("ie-dpc")
    return build_complaint(
        facts,
        SAMPLE_IDENTITY,
        authority,
        today=date(2025, 3, 1),
        attachments=(("01-2025-01-10-0000.eml", b"x"),),
        lead=lead,
        templates=templates,
    )


def config_problems(path: Path | None = None) -> list[str]:
    """What makes the configuration unusable: every other command refuses it (exit 1), so `check` does too."""
    from mailbot.config import load_config

    path = path or _config_path()
    if not path.exists():
        return []
    try:
        load_config(path)
    except MailbotError as exc:
        return [str(exc)]
    return []


def _config_path() -> Path:
    from mailbot.config import default_config_path

    return Path(os.environ["MAILBOT_CONFIG"]) if os.environ.get("MAILBOT_CONFIG") else default_config_path()


def config_warnings(path: Path | None = None) -> list[str]:
    """Warnings about the configuration that do not stop mailbot but weaken its replies."""
    from mailbot.config import load_config

    path = path or _config_path()
    if not path.exists():
        return []
    try:
        settings = load_config(path)
    except MailbotError:
        return []  # a problem, not a warning: config_problems reports it
    if not settings.identity.statement.strip():
        return [
            f"{path}: [identity] statement is not set; replies describe your particular situation "
            "(Art. 21(1) GDPR) with a generic text that a controller can easily dismiss: write your own"
        ]
    return []
