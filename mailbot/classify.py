"""Decides what a platform's message is: category, platform, language, confidence, evidence (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, utils

from mailbot.language import detect
from mailbot.models import Category, Message, RuleScore, Verdict
from mailbot.rules import CategoryRule, Ruleset

THRESHOLD = 0.6
STRANGER_THRESHOLD = 0.85
_FUZZY_FLOOR = 60.0
FUZZY_TEXT = 4_000
MAX_CLASSIFIED = 20_000
_SEGMENT = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"\w+")
# Ticket and reference numbers: what follows a tag or keyword is taken only when it is a plain id
# (letters, digits, dashes; 3-40 characters; at least one digit), so nothing URL-like reaches a reply.
# Every quantifier is bounded, so a search is linear in the text.
_TICKET = re.compile(
    r"(?:\[[ \t]{0,5}#[ \t]{0,5}([^\]\s]{1,41})[ \t]{0,5}\]|\[ref:[ \t]{0,5}([^\]\s]{1,41})[ \t]{0,5}\]"
    r"|\b(?:ticket|case|reference|ref|request|pratica|richiesta|caso|Vorgang|Fall|Ticket|Anfrage"
    r"|dossier|demande|solicitud|incidencia)(?:[ -]?(?:number|no\.?|nr\.?|n\.|n°|nº|id|nummer|número|numero))?"
    r"[ \t]{0,5}(?:[:#]|is|è|ist|est|es)?[ \t]{0,5}#?[ \t]{0,5}([^\s,;.()<>\[\]]{1,41}))",
    re.IGNORECASE,
)
_TICKET_ID = re.compile(r"[A-Za-z0-9-]{3,40}", re.ASCII)
_DIGIT = re.compile(r"[0-9]")


# When two categories score alike, the one that asks or decides wins over a mere receipt.
_PRIORITY = {
    Category.UNRELATED: 7,
    Category.IDENTITY_CHECK: 6,
    Category.REQUEST_INFO: 5,
    Category.CLARIFICATION: 4,
    Category.REJECTION: 3,
    Category.ACCEPTANCE: 2,
    Category.ACKNOWLEDGEMENT: 1,
}
_TIE = 0.051


@dataclass(frozen=True, slots=True)
class _Compiled:
    """Exemplars of all rules flattened once, for one vectorised fuzzy pass."""

    exemplars: tuple[str, ...]
    owners: tuple[int, ...]


@cache
def _compiled(ruleset: Ruleset) -> _Compiled:
    exemplars: list[str] = []
    owners: list[int] = []
    for index, rule in enumerate(ruleset.rules):
        for ex in rule.exemplars:
            exemplars.append(utils.default_process(ex))
            owners.append(index)
    return _Compiled(tuple(exemplars), tuple(owners))


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code of the text's language and a confidence ("" when it cannot be told)."""
    return detect(text)


def find_ticket(subject: str, text: str) -> str:
    """The platform's ticket or case number from the subject or body, if it carries a plain one."""
    for source in (subject, text[:MAX_CLASSIFIED]):
        for match in _TICKET.finditer(source):
            found = next(g for g in match.groups() if g)
            if _TICKET_ID.fullmatch(found) and _DIGIT.search(found) and found[0] != "-":
                return found
    return ""


def _segments(message: Message) -> list[str]:
    parts = [message.subject] if message.subject else []
    parts.extend(s.strip(" \t-*•·>") for s in _SEGMENT.split(message.new_text))
    return [p for p in parts if len(p) >= 4]


def _negated(ruleset: Ruleset, text: str) -> bool:
    """True when the (lower-case) text negates, and does not merely promise to stop."""
    rel = ruleset.relevance
    return bool(rel.negation.search(text)) and not rel.cessation.search(text)


def _pattern_hit(ruleset: Ruleset, rule: CategoryRule, text: str) -> str:
    """The first text a rule's patterns match that the rule may count (not negated, not conditional)."""
    if rule.pattern is None:
        return ""
    rel = ruleset.relevance
    for match in rule.pattern.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        segment = text[start : end if end >= 0 else len(text)]
        if rule.conditional_blocks and rel.conditional.search(segment):
            continue
        # Only a negation shortly before or inside the match negates it.
        window = text[max(start, match.start() - 40) : match.end()]
        if rule.negatable and _negated(ruleset, window):
            continue
        return match.group(0)
    return ""


def _fuzzy_scores(ruleset: Ruleset, text: str, segments: list[str]) -> dict[int, tuple[float, str, str]]:
    """Best fuzzy score per rule index: (score 0-100, exemplar, matched text)."""
    comp = _compiled(ruleset)
    if not comp.exemplars or not text:
        return {}
    # Templates sit at the top of a message; a fuzzy pass over a long text costs much, finds nothing.
    processed = utils.default_process(text[:FUZZY_TEXT])
    best: dict[int, tuple[float, str, str]] = {}
    for i, exemplar in enumerate(comp.exemplars):
        if len(exemplar) > len(processed) * 1.25:
            continue
        score = float(fuzz.partial_ratio(exemplar, processed, score_cutoff=_FUZZY_FLOOR))
        if score <= 0:
            continue
        owner = comp.owners[i]
        if owner in best and best[owner][0] >= score:
            continue
        rule = ruleset.rules[owner]
        align = fuzz.partial_ratio_alignment(comp.exemplars[i], processed)
        matched = processed[align.dest_start : align.dest_end] if align else ""
        home = next((s for s in segments if matched[:20] in utils.default_process(s)), matched).lower()
        if rule.negatable and _negated(ruleset, home):
            continue
        if rule.conditional_blocks and ruleset.relevance.conditional.search(home):
            continue
        best[owner] = (score, comp.exemplars[i], matched)
    return best


def score_rules(message: Message, ruleset: Ruleset, *, fuzzy: bool | None = None) -> list[RuleScore]:
    """Every category rule's score on the message (0 when it did not match).

    Args:
        message: the parsed message.
        ruleset: the rules.
        fuzzy: run the fuzzy exemplar pass: True always, False never, None (default) only
            when no pattern reached the threshold, since patterns already cover the templates.
    """
    segments = _segments(message)
    text = "\n".join(segments)[:MAX_CLASSIFIED]
    lowered = text.lower().replace("\u2019", "'")  # typographic apostrophes, as in "l’identité"
    hits = [_pattern_hit(ruleset, rule, lowered) for rule in ruleset.rules]
    if fuzzy is None:
        fuzzy = not any(hit and rule.weight >= THRESHOLD for hit, rule in zip(hits, ruleset.rules, strict=True))
    fuzzy_hits = _fuzzy_scores(ruleset, text, segments) if fuzzy else {}
    scores = []
    for index, rule in enumerate(ruleset.rules):
        hit = hits[index]
        pattern_score = rule.weight if hit else 0.0
        fz = fuzzy_hits.get(index)
        fuzzy_score = 0.0
        if fz is not None:
            fuzzy_score = rule.weight * min(1.0, max(0.0, (fz[0] - _FUZZY_FLOOR) / (100 - _FUZZY_FLOOR)))
        if hit and pattern_score >= fuzzy_score:
            scores.append(RuleScore(rule.id, rule.category, round(pattern_score, 3), "pattern", hit))
        elif fz is not None and fuzzy_score > 0:
            scores.append(
                RuleScore(rule.id, rule.category, round(fuzzy_score, 3), f"fuzzy {fz[0]:.0f}: {fz[1]}", fz[2])
            )
        else:
            scores.append(RuleScore(rule.id, rule.category, 0.0))
    return scores


def _gate(message: Message, ruleset: Ruleset, own_addresses: frozenset[str], known_thread: bool) -> str:
    """The id of the relevance gate that rules the message out, or "" when it may matter."""
    if message.is_list:
        return "gate-mailing-list"
    if message.is_bounce:
        return "gate-bounce"
    if message.sender is None or not message.sender.domain:
        return "gate-no-sender"
    if message.sender.email.lower() in own_addresses:
        return "gate-own-message"
    if message.is_bulk:
        return "gate-bulk"
    if ruleset.platform_for(message.sender.domain):
        return ""
    rel = ruleset.relevance
    if message.sender.domain in rel.personal_domains:
        return "gate-personal-sender"
    if known_thread:
        return ""
    if not (rel.role_sender.search(message.sender.local) or rel.role_sender.search(message.sender.name.lower())):
        return "gate-not-a-platform"
    return ""


def _best(scores: list[RuleScore]) -> list[RuleScore]:
    """One best score per category, strongest first, ties broken by category priority."""
    per: dict[Category, RuleScore] = {}
    for s in scores:
        if s.score > 0 and (s.category not in per or s.score > per[s.category].score):
            per[s.category] = s
    ranked = sorted(per.values(), key=lambda s: -s.score)
    if not ranked:
        return ranked
    top = ranked[0].score
    close = [s for s in ranked if top - s.score < _TIE]
    rest = [s for s in ranked if top - s.score >= _TIE]
    close.sort(key=lambda s: -_PRIORITY[s.category])
    return close + rest


def classify(
    message: Message,
    ruleset: Ruleset,
    *,
    own_addresses: frozenset[str] = frozenset(),
    known_thread: bool = False,
    explain: bool = False,
) -> Verdict:
    """Classify one message.

    Args:
        message: the parsed message.
        ruleset: the loaded rules.
        own_addresses: the person's own addresses (their messages are never answered).
        known_thread: the message belongs to a case the person opened.
        explain: also run the fuzzy pass when patterns already decided, to show every score.

    Returns:
        The Verdict; `unknown` when a platform's message matches no rule confidently.
    """
    sender = message.sender
    platform = ruleset.platform_for(sender.domain) if sender else None
    platform_id = platform.id if platform else "none"
    lang, lang_prob = detect_language(message.new_text or message.subject)
    evidence: list[str] = []
    if sender is not None:
        evidence.append(f"sender {sender.email} -> platform {platform_id}")
    if lang:
        evidence.append(f"language {lang} ({lang_prob:.2f})")
    gate = _gate(message, ruleset, own_addresses, known_thread)
    ticket = find_ticket(message.subject, message.new_text)
    if gate:
        evidence.append(f"{gate}: not answered")
        return Verdict(Category.UNRELATED, platform_id, lang, 1.0, gate, tuple(evidence), (), ticket)
    scores = score_rules(message, ruleset, fuzzy=True if explain else None)
    ranked = _best(scores)
    stranger = platform is None and not known_thread
    threshold = STRANGER_THRESHOLD if stranger else THRESHOLD
    if not ranked or ranked[0].score < threshold:
        category = Category.UNRELATED if stranger else Category.UNKNOWN
        best = ranked[0].score if ranked else 0.0
        evidence.append(f"no rule reached {threshold:.2f} (best {best:.2f})")
        return Verdict(
            category,
            platform_id,
            lang,
            round(1 - best, 3),
            None,
            tuple(evidence),
            tuple(scores),
            ticket,
        )
    top = ranked[0]
    confidence = top.score
    if len(ranked) > 1 and top.score - ranked[1].score < _TIE:
        confidence = max(0.0, confidence - 0.1)
        evidence.append(f"close call with {ranked[1].category} ({ranked[1].rule})")
    for s in ranked[:3]:
        evidence.append(f"{s.rule} {s.score:.2f} {s.phrase}: {s.matched[:80]!r}")
    return Verdict(
        top.category,
        platform_id,
        lang,
        round(confidence, 3),
        top.rule,
        tuple(evidence),
        tuple(scores),
        ticket,
    )
