"""Decides what a platform's message is: category, variant, platform, language, confidence, evidence (pure)."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

import ahocorasick
from rapidfuzz import fuzz, process, utils

try:  # CPython's regular-expression parser, to read what a rule's matches start with
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - not CPython
    _parser = None

from mailbot import startcache
from mailbot.language import bundled_language_model, detect
from mailbot.models import Category, Message, RuleScore, Verdict
from mailbot.rules import LANGUAGES, CategoryRule, Exemplar, Relevance, Ruleset, Tuning
from mailbot.textmodel import Opinion, text_model

_SEGMENT = re.compile(
    r"(?<=[.!?;])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bz\.B\.)(?<!\bej\.)(?<!\bex\.)(?<!\bes\.)(?<!\bca\.)\s+|\n+"
)
_WORD = re.compile(r"\w+")
# Verdict.rule when the text model, not a rule, decided.
MODEL_RULE = "text-model"
_LETTERS = re.compile(r"[^\W\d_]+")  # words as language detection counts them
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
# Messages classified in this process: the rules' literal texts are read only once enough came to pay for it.
_CLASSIFIED = [0]


# Text in quotation marks is someone else's words (a forum post quoting a platform, a cited template),
# also when it is wrapped over the lines of one paragraph.
_QUOTED_SPAN = re.compile(
    r"[\"\u201c\u201e\u00ab\u2039]"
    r"(?:[^\"\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\n]|\n(?![ \t]*\n)){12,400}"
    r"[\"\u201d\u201c\u00bb\u203a]"
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
# An example clause runs to the end of its parenthesis, sentence or clause.
_EXAMPLE_END = re.compile(r"[).;:!?\n]|, (?:and|or|but|e|o|ma|und|oder|aber|et|ou|mais|y|pero)\b")
# Refusals that only cite a duty to keep some records: beside a confirmed erasure they describe what is
# kept, so the confirmation decides ("deleted; invoices are kept for ten years by law").
_RETENTION_RULES = frozenset({"cites-retention-duty", "claims-other-legal-basis"})
# Rules that refuse in so many words ("we are unable to delete it"), not by citing a duty or redirecting.
_EXPLICIT_REFUSALS = frozenset({"refuses-request", "cannot-erase-or-provide", "declines-plainly", "no-further-action"})
# Categories whose decision, named as the purpose of an ask ("…so that we can apply your objection"), is not taken.
_PURPOSE_BLOCKS = frozenset({Category.ACCEPTANCE, Category.ACKNOWLEDGEMENT})
# The variant of the refusals that redirect (to a form, a tool, another address) instead of acting.
_REDIRECT_VARIANT = "medium"
_SENTENCE_END = re.compile(r"[.?!]\s")
_CARRIED_OUT_RULES = frozenset({"request-carried-out", "confirms-erasure", "outcome-confirmed", "processing-stopped"})
# Two different replies scoring alike are a contest, and a wrong reply costs more than none: the message is
# left to the person, except where one includes the other: an identity check that lists the details it needs
# or refuses until it has them is an identity check; a specific ask is also a general one; "we found nothing
# under this address, which one did you use?" is an ask.
_PRECEDENCE: frozenset[tuple[Category, Category | str]] = frozenset(
    {
        (Category.IDENTITY_CHECK, Category.REQUEST_INFO),
        (Category.IDENTITY_CHECK, Category.CLARIFICATION),
        (Category.IDENTITY_CHECK, Category.REJECTION),
        (Category.REQUEST_INFO, Category.CLARIFICATION),
        (Category.REQUEST_INFO, "no-data-held"),
        (Category.REQUEST_INFO, "holds-no-data"),
        # "Please verify your request; we will then delete your data": the erasure waits for the check.
        (Category.IDENTITY_CHECK, "erased-by-us"),
        (Category.IDENTITY_CHECK, "erased-it-in-a-case"),
    }
)
# Rules that contest a verdict even where its category would take precedence: "please email privacy@… instead,
# from the address of your account" both redirects and asks for proof, so it is left to the person.
_CONTESTS_PRECEDENCE = frozenset({"redirects-to-other-address-instead"})
# Notices whose tie with a decision, even in a reply to the person's mail, leaves the message to the person: "the
# plan's owner removed your account from the Family plan. Your account stays active" reads as a partial refusal too.
_CONTESTS_IN_A_REPLY = frozenset({"removed-from-shared-plan"})
# An identity document asked in so many words outranks the text model's reading of the same message as an ask for
# details (red team 17: a model letter asking for a passport copy and for which departments, read as request_info).
_ID_FIRST_RULES = frozenset({"asks-identity-document"})
_ID_FIRST_OVER = frozenset({Category.REQUEST_INFO, Category.CLARIFICATION})
# An address inside a sentence ("no data associated with jane.doe@example.org is held") would end the
# sentence for every rule at its first dot; its dots become underscores (still a word, still an address).
_ADDRESS = re.compile(r"[\w+-]{1,64}(?:\.[\w+-]{1,64}){0,8}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|r|rif|ref|sv|antw|rép|rv|res)\s?:", re.IGNORECASE)
# Abbreviations whose period ends no sentence ("Art. 17 GDPR", "Abs. 1", "Nr. 5"): the dot goes.
_ABBREVIATION = re.compile(r"\b(Art|Artt|Abs|Nr|No|lit|par|para|cf|vgl|bzw|ggf|Ziff|Reg|Nos|nn|cap)\.(?=\s)")
# A line break inside a sentence (mail clients wrap at ~72 columns): the next line goes on in lower case.
_WRAPPED = re.compile(r"(?<=[^\s.!?:;])[ \t]*\n[ \t]*(?=[a-zà-ÿ(])")


@dataclass(frozen=True, slots=True)
class _Bank:
    """Exemplar sentences, processed once, sorted by length for the partial pass."""

    texts: tuple[str, ...]
    items: tuple[Exemplar, ...]
    lengths: tuple[int, ...]
    negated: tuple[bool, ...]
    conditional: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class _Compiled:
    """Exemplars of all rules flattened once, for one vectorised fuzzy pass."""

    exemplars: tuple[str, ...]
    owners: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Text:
    """The sender's own words of a message, in the forms the rules read."""

    subject: str
    segments: tuple[str, ...]
    body: str
    plain: str


@cache
def _compiled(ruleset: Ruleset) -> _Compiled:
    exemplars: list[str] = []
    owners: list[int] = []
    for index, rule in enumerate(ruleset.rules):
        for ex in rule.exemplars:
            exemplars.append(utils.default_process(ex))
            owners.append(index)
    return _Compiled(tuple(exemplars), tuple(owners))


def make_bank(ruleset: Ruleset, exemplars: Sequence[Exemplar]) -> _Bank:
    """Exemplar sentences prepared for matching (negation and condition noted once)."""
    ordered = sorted(exemplars, key=lambda e: len(utils.default_process(e.text)))
    texts = tuple(utils.default_process(e.text) for e in ordered)
    lowered = [_lower(e.text) for e in ordered]
    return _Bank(
        texts,
        tuple(ordered),
        tuple(len(t) for t in texts),
        tuple(_negated(ruleset, t) for t in lowered),
        tuple(bool(ruleset.relevance.conditional.search(t)) for t in lowered),
    )


@cache
def _rule_bank(ruleset: Ruleset) -> _Bank:
    return make_bank(ruleset, ruleset.exemplars)


@lru_cache(maxsize=4)
def _learned_bank(ruleset: Ruleset, learned: tuple[Exemplar, ...]) -> _Bank:
    # The service classifies every message against the same lessons: prepare them once.
    return make_bank(ruleset, learned)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code of the text's language and a confidence ("" when it cannot be told)."""
    return detect(text)


def language_coverage(text: str, language: str) -> float:
    """The share of the text's words (first 2,000 characters, as detection reads) that are the language's own
    function words: a language outside the model borrows only a stray "a" or "i" from one inside it."""
    words = bundled_language_model().words.get(language, frozenset())
    tokens = _LETTERS.findall(text[:2000].lower())
    return sum(1 for token in tokens if token in words) / len(tokens) if tokens else 0.0


def find_ticket(subject: str, text: str) -> str:
    """The platform's ticket or case number from the subject or text, if it carries a plain one.

    The caller bounds the text (classify reads the first `ticket_text` characters, where templates put it).
    """
    for source in (subject, text):
        for match in _TICKET.finditer(source):
            found = next(g for g in match.groups() if g)
            if _TICKET_ID.fullmatch(found) and _DIGIT.search(found) and found[0] != "-":
                return found
    return ""


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")  # typographic apostrophes, as in "l’identité"


def own_words(ruleset: Ruleset, text: str) -> str:
    """The sender's own words: quoted lines, an attributed or forwarded block and quoted spans removed."""
    text = _QUOTED_LINE.sub("", text)
    cut = ruleset.relevance.quote_start
    if cut is not None:
        match = cut.search(_lower(text))
        if match:
            text = text[: match.start()]
    return _QUOTED_SPAN.sub(" ", text)


def _without_examples(ruleset: Ruleset, text: str) -> str:
    """The (lower-case) text with example clauses ("e.g. your newsletter") blanked out."""
    pattern = ruleset.relevance.example
    if pattern is None or not pattern.search(text):
        return text
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() < pos:
            continue
        end = _EXAMPLE_END.search(text, match.end())
        stop = end.start() if end else len(text)
        out.append(text[pos : match.start()])
        pos = stop
    out.append(text[pos:])
    return "".join(out)


def _prepare(ruleset: Ruleset, message: Message) -> _Text:
    tuning = ruleset.tuning
    own = _ABBREVIATION.sub(r"\1", _WRAPPED.sub(" ", own_words(ruleset, message.new_text)))
    own = _ADDRESS.sub(lambda m: m.group(0).replace(".", "_"), own)
    reported = ruleset.relevance.reported
    segments = tuple(
        p
        for p in (s.strip(" \t-*•·") for s in _SEGMENT.split(own))
        if len(p) >= 4 and not (reported is not None and reported.search(_lower(p)))
    )
    body = _lower("\n".join(segments)[: tuning.max_classified])
    subject = _lower(message.subject)
    return _Text(subject, segments, body, _without_examples(ruleset, body))


def operative_sentences(ruleset: Ruleset, message: Message) -> list[str]:
    """The sentences of the sender's own words that are not greetings, thanks or sign-offs."""
    boiler = ruleset.relevance.boilerplate
    out = []
    for segment in _prepare(ruleset, message).segments:
        if len(_WORD.findall(segment)) < 4:
            continue
        if boiler is not None and boiler.search(_lower(segment)):
            continue
        out.append(segment)
    return out


def _negated(ruleset: Ruleset, text: str) -> bool:
    """True when the (lower-case) text negates, and does not merely promise to stop."""
    rel = ruleset.relevance
    return bool(rel.negation.search(text)) and not rel.cessation.search(text)


def _rule_text(rule: CategoryRule, text: _Text) -> str:
    body = text.body if rule.in_examples else text.plain
    # A subject ("Case: 4471") labels whatever the body says; it speaks for itself only when the body is empty.
    if text.subject and (rule.in_subject or not body.strip()):
        return f"{text.subject}\n{body}"
    return body


_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


def _contained_literals(items: Any, min_start: int = 2) -> frozenset[str] | None:
    """Literal texts one of which every match of the parsed items contains (at least `min_start`
    characters each), or None when no such set is known.

    In a sequence, each run of literal characters (zero-width items such as \\b and lookarounds do not
    break a run: what they test takes no room) and each group, repeat taken at least once or branch
    whose every alternative has a set is a candidate; the most selective one is kept (the longest
    shortest text, then the fewest texts). Optional items and character classes give none.
    """
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if len(run) >= min_start:
            candidates.append(frozenset({"".join(run)}))
        run.clear()

    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if name in _ZERO_WIDTH:
            continue
        end_run()
        found: frozenset[str] | None = None
        if name == "SUBPATTERN":
            found = None if av[1] & re.IGNORECASE else _contained_literals(av[3], min_start)
        elif name == "ATOMIC_GROUP":
            found = _contained_literals(av, min_start)
        elif name == "BRANCH":
            union: set[str] = set()
            for alternative in av[1]:
                one = _contained_literals(alternative, min_start)
                if one is None:
                    union.clear()
                    break
                union |= one
            found = frozenset(union) or None
        elif name in _REPEATS and av[0] >= 1:
            found = _contained_literals(av[2], min_start)
        if found:
            candidates.append(found)
    end_run()
    if not candidates:
        return None
    return max(candidates, key=lambda texts: (min(map(len, texts)), -len(texts)))


def _literals(pattern: re.Pattern[str], min_start: int = 2) -> tuple[str, ...] | None:
    """Literal texts one of which every match of the pattern contains, to skip a rule whose text has none;
    kept between runs (`re`'s parser, in pure Python, takes as long as compiling the pattern)."""
    if _parser is None or pattern.flags & re.IGNORECASE:
        return None
    digest = hashlib.blake2b(pattern.pattern.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    kept = startcache.value(f"contains:2:{min_start}:{digest}", lambda: _parsed_literals(pattern, min_start))
    return tuple(kept) if kept is not None else None


_SHARED_START = 6  # starts that share this many first characters are checked as their common beginning


def _common_beginning(first: str, last: str) -> str:
    """What the alphabetically first and last of some texts begin with: what all of them begin with."""
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def _fewest(starts: Sequence[str]) -> tuple[str, ...]:
    """Fewer texts that pass every text the texts pass: those sharing a beginning ("können sie", "können du")
    become it ("können "), and one that contains another goes (a text holding it holds the other)."""
    groups: dict[str, list[str]] = {}
    for start in starts:
        groups.setdefault(start[:_SHARED_START], []).append(start)
    shared = [_common_beginning(min(group), max(group)) for group in groups.values()]
    kept: list[str] = []
    for start in sorted(shared, key=len):
        if not any(other in start for other in kept):
            kept.append(start)
    return tuple(kept)


def _parsed_literals(pattern: re.Pattern[str], min_start: int) -> list[str] | None:
    try:
        literals = _contained_literals(_parser.parse(pattern.pattern, 0), min_start)
    except (re.error, IndexError, TypeError, ValueError):  # another `re`'s internals: no pre-filter
        return None
    return list(_fewest(sorted(literals))) if literals else None


_Plan = tuple[tuple[CategoryRule, re.Pattern[str] | None, RuleScore, tuple[str, ...] | None], ...]
# Plans by the ruleset's identity: an lru_cache would hash the whole (frozen, deep) ruleset on every message,
# a tenth of classify's time. The entry keeps its ruleset, so the id cannot be reused while it is cached.
_PLANS: dict[tuple[int, str, bool], tuple[Ruleset, _Plan, _Finder]] = {}
_PLANS_KEPT = 32  # languages x pre-filter x rulesets (tests load several): more than a process uses


@dataclass(frozen=True, slots=True)
class _Finder:
    """Every literal text of a plan in one Aho-Corasick automaton, and each rule's literals as their numbers:
    one pass over a text says which literals it holds, where a substring search per literal took a tenth of
    classify's time."""

    automaton: Any  # an ahocorasick.Automaton (untyped), or None when no rule is pre-filtered
    ids: tuple[frozenset[int] | None, ...]

    def found(self, text: str) -> set[int]:
        """The numbers of the literal texts the text holds (overlapping ones too)."""
        if self.automaton is None:
            return set()
        return set(map(itemgetter(1), self.automaton.iter(text)))


def _make_finder(plan: _Plan) -> _Finder:
    numbers: dict[str, int] = {}
    ids = tuple(
        None if literals is None else frozenset(numbers.setdefault(lit, len(numbers)) for lit in literals)
        for _rule, _pattern, _zero, literals in plan
    )
    if not numbers:
        return _Finder(None, ids)
    automaton = ahocorasick.Automaton()
    for literal, number in numbers.items():
        automaton.add_word(literal, number)
    automaton.make_automaton()
    return _Finder(automaton, ids)


def _plan(ruleset: Ruleset, language: str, prefilter: bool = True) -> _Plan:
    """Each rule with its patterns for the language, its zero score and (to pre-filter) its literal texts."""
    return _plan_and_finder(ruleset, language, prefilter)[0]


def _plan_and_finder(ruleset: Ruleset, language: str, prefilter: bool) -> tuple[_Plan, _Finder]:
    key = (id(ruleset), language, prefilter)
    kept = _PLANS.get(key)
    if kept is not None and kept[0] is ruleset:
        return kept[1], kept[2]
    plan = _make_plan(ruleset, language, prefilter)
    finder = _make_finder(plan)
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    _PLANS[key] = (ruleset, plan, finder)
    return plan, finder


def _make_plan(ruleset: Ruleset, language: str, prefilter: bool) -> _Plan:
    out = []
    min_start = ruleset.tuning.prefilter_min_start
    for rule in ruleset.rules:
        pattern = rule.pattern_for(language)
        literals = _literals(pattern, min_start) if prefilter and pattern is not None else None
        out.append((rule, pattern, RuleScore(rule.id, rule.category, 0.0), literals))
    return tuple(out)


def _wish_only(rel: Relevance, rule: CategoryRule, segment: str) -> bool:
    """True when a refusal's only condition is the person's own wish or a failing channel.

    "If you want to delete your account, you can do so in Settings" redirects whatever the person wants;
    the condition names the request, it does not make the redirect a promise.
    """
    if rule.category is not Category.REJECTION or rel.wish is None:
        return False
    # "…or reply here and we'll delete it for you": beside an offer to act, the choice is the person's.
    if rel.offer is not None and rel.offer.search(segment):
        return False
    rest = rel.wish.sub(" ", segment)
    return rest != segment and not rel.conditional.search(rest)


def _not_refused(rel: Relevance, rule: CategoryRule, window: str, before: str, earlier: str = "") -> bool:
    """True when a refusal's words describe a step the person need not take, or a redirect only points to reading.

    "Sie müssen derzeit nichts weiter tun" is a receipt's courtesy, not "we will take no further action";
    "for more information, please visit our Privacy Dashboard" beside a receipt sends nobody elsewhere; after
    "I am out of the office until 2 December" (`earlier`, the text before the match), "for data protection
    requests please contact dpo@…" names who stands in, not where the request must go instead; after a receipt's
    "while you wait, here is what you can do yourself", "go to User Settings" is help while the request goes on.
    """
    if rel.your_part is not None and rel.your_part.search(window):
        return True
    if rule.variant != _REDIRECT_VARIANT:
        return False
    if earlier and rel.aside is not None and rel.aside.search(_lower(earlier)):
        return True
    if rel.pointer is None:
        return False
    sentence = _SENTENCE_END.split(before)[-1]
    return bool(rel.pointer.search(_lower(sentence)))


def _pattern_hit(
    ruleset: Ruleset,
    rule: CategoryRule,
    text: str,
    original: str = "",
    language: str = "",
    patterns: re.Pattern[str] | None = None,
) -> str:
    """The first text a rule's patterns match that the rule may count (not negated, not conditional).

    `original` is the same text with its case kept, for the rule's cased patterns; `language` picks
    the patterns written for it (all of them when it is not one of the five), unless `patterns` gives them.
    """
    rel = ruleset.relevance
    window_size = ruleset.tuning.negation_window
    own = patterns if patterns is not None else rule.pattern_for(language)
    for pattern, source in ((own, text), (rule.cased, original)):
        if pattern is None or not source:
            continue
        for match in pattern.finditer(source):
            start = source.rfind("\n", 0, match.start()) + 1
            end = source.find("\n", match.end())
            segment = _lower(source[start : end if end >= 0 else len(source)])
            if rule.conditional_blocks and rel.conditional.search(segment) and not _wish_only(rel, rule, segment):
                continue
            if rel.hedge is not None and rel.hedge.search(segment):
                continue
            # "…so that we can apply your objection": a decision named as the purpose of an ask is not taken.
            if (
                rule.category in _PURPOSE_BLOCKS
                and rel.purpose is not None
                and rel.purpose.search(_lower(source[max(start, match.start() - window_size) : match.start()]))
            ):
                continue
            # Only a negation shortly before or inside the match negates it.
            window = _lower(source[max(start, match.start() - window_size) : match.end()])
            if rule.category is Category.REJECTION and _not_refused(
                rel, rule, window, source[start : match.start()], source[: match.start()]
            ):
                continue
            if rule.negatable and _negated(ruleset, window):
                continue
            return match.group(0)
    return ""


def _fuzzy_scores(ruleset: Ruleset, text: str, segments: Sequence[str]) -> dict[int, tuple[float, str, str]]:
    """Best fuzzy score per rule index over the whole text: (score 0-100, exemplar, matched text)."""
    comp = _compiled(ruleset)
    tuning = ruleset.tuning
    if not comp.exemplars or not text:
        return {}
    # Templates sit at the top of a message; a fuzzy pass over a long text costs much, finds nothing.
    processed = utils.default_process(text[: tuning.fuzzy_text])
    best: dict[int, tuple[float, str, str]] = {}
    for i, exemplar in enumerate(comp.exemplars):
        if len(exemplar) > len(processed) * tuning.fuzzy_exemplar_ratio:
            continue
        score = float(fuzz.partial_ratio(exemplar, processed, score_cutoff=tuning.fuzzy_floor))
        if score <= 0:
            continue
        owner = comp.owners[i]
        if owner in best and best[owner][0] >= score:
            continue
        rule = ruleset.rules[owner]
        align = fuzz.partial_ratio_alignment(comp.exemplars[i], processed)
        matched = processed[align.dest_start : align.dest_end] if align else ""
        home = next((s for s in segments if matched[: tuning.fuzzy_probe] in utils.default_process(s)), matched).lower()
        if rule.negatable and _negated(ruleset, home):
            continue
        if rule.conditional_blocks and ruleset.relevance.conditional.search(home):
            continue
        best[owner] = (score, comp.exemplars[i], matched)
    return best


def sentence_matches(
    ruleset: Ruleset, bank: _Bank, segments: Sequence[str], cutoff: float
) -> dict[Category, tuple[float, Exemplar, str]]:
    """Best sentence-level match per category: (score 0-100, exemplar, the message's sentence).

    A sentence matches an exemplar as a whole (ratio) or contains it (partial ratio, a little
    discounted); a negated or conditional sentence never matches an exemplar that is neither.
    """
    tuning = ruleset.tuning
    best: dict[Category, tuple[float, Exemplar, str]] = {}
    if not bank.texts:
        return best
    for segment in segments:
        processed = utils.default_process(segment)
        if len(processed) < tuning.sentence_min:
            continue
        candidates: list[tuple[float, int]] = []
        hit = process.extractOne(processed, bank.texts, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is not None:
            candidates.append((float(hit[1]), int(hit[2])))
        shorter = bisect.bisect_right(bank.lengths, int(len(processed) / tuning.contained_ratio))
        first = bisect.bisect_left(bank.lengths, tuning.contained_min)
        if shorter > first:
            part = process.extractOne(
                processed,
                bank.texts[first:shorter],
                scorer=fuzz.partial_ratio,
                score_cutoff=cutoff / tuning.contained_discount,
            )
            if part is not None:
                candidates.append((float(part[1]) * tuning.contained_discount, first + int(part[2])))
        if not candidates:
            continue
        lowered = _lower(segment)
        negated = _negated(ruleset, lowered)
        conditional = bool(ruleset.relevance.conditional.search(lowered))
        hedge = ruleset.relevance.hedge
        if hedge is not None and hedge.search(lowered):
            continue
        for score, index in sorted(candidates, reverse=True):
            if negated != bank.negated[index] or (conditional and not bank.conditional[index]):
                continue
            item = bank.items[index]
            if item.category not in best or best[item.category][0] < score:
                best[item.category] = (score, item, segment)
            break
    return best


def score_rules(
    message: Message, ruleset: Ruleset, *, fuzzy: bool | None = None, language: str = ""
) -> list[RuleScore]:
    """Every category rule's score on the message (0 when it did not match), then the exemplar bank's.

    Args:
        message: the parsed message.
        ruleset: the rules.
        fuzzy: run the fuzzy passes: True always, False never, None (default) only
            when no pattern reached the threshold, since patterns already cover the templates.
        language: the message's language; only its patterns are tried ("" tries all).
    """
    tuning = ruleset.tuning
    text = _prepare(ruleset, message)
    original = "\n".join(text.segments)
    plan, finder = _plan_and_finder(ruleset, language, _CLASSIFIED[0] >= tuning.prefilter_after)
    _CLASSIFIED[0] += 1
    # The four texts a rule may read (with or without examples, with or without the subject), built once,
    # and the literal texts each holds.
    texts: dict[tuple[bool, bool], str] = {}
    holds: dict[tuple[bool, bool], set[int]] = {}
    hits = []
    for (rule, patterns, _zero, _literals), literals in zip(plan, finder.ids, strict=True):
        if patterns is None and rule.cased is None:
            hits.append("")
            continue
        key = (rule.in_examples, rule.in_subject)
        source = texts.get(key)
        if source is None:
            source = texts[key] = _rule_text(rule, text)
        # Most rules match nothing: a text that holds none of the texts every match contains is not scanned.
        if rule.cased is None and literals is not None:
            held = holds.get(key)
            if held is None:
                held = holds[key] = finder.found(source)
            if literals.isdisjoint(held):
                hits.append("")
                continue
        # Most of the rest match nothing either: one search in C says so without a match's guards.
        if rule.cased is None and patterns is not None and patterns.search(source) is None:
            hits.append("")
            continue
        hits.append(_pattern_hit(ruleset, rule, source, original, language, patterns))
    if fuzzy is None:
        fuzzy = not any(hit and rule.weight >= tuning.threshold for hit, rule in zip(hits, ruleset.rules, strict=True))
    fuzzy_hits = _fuzzy_scores(ruleset, original, text.segments) if fuzzy else {}
    scores = []
    for index, rule in enumerate(ruleset.rules):
        hit = hits[index]
        pattern_score = rule.weight if hit else 0.0
        fz = fuzzy_hits.get(index)
        fuzzy_score = 0.0
        if fz is not None:
            span = 100 - tuning.fuzzy_floor
            fuzzy_score = rule.weight * min(1.0, max(0.0, (fz[0] - tuning.fuzzy_floor) / span))
        if hit and pattern_score >= fuzzy_score:
            scores.append(RuleScore(rule.id, rule.category, round(pattern_score, 3), "pattern", hit))
        elif fz is not None and fuzzy_score > 0:
            scores.append(
                RuleScore(rule.id, rule.category, round(fuzzy_score, 3), f"fuzzy {fz[0]:.0f}: {fz[1]}", fz[2])
            )
        else:
            scores.append(plan[index][2])
    if fuzzy:
        matches = sentence_matches(ruleset, _rule_bank(ruleset), text.segments, tuning.sentence_cutoff)
        for category, (score, item, sentence) in matches.items():
            value = tuning.sentence_weight * (score - tuning.sentence_cutoff) / (100 - tuning.sentence_cutoff)
            value = max(tuning.threshold, min(tuning.sentence_weight, value + tuning.threshold))
            scores.append(
                RuleScore(
                    f"bank-{category.value.replace('_', '-')}",
                    category,
                    round(value, 3),
                    f"sentence {score:.0f}: {item.text} [{item.source}]",
                    sentence,
                )
            )
    return scores


def _gate(message: Message, ruleset: Ruleset, own_addresses: frozenset[str], known_thread: bool) -> str:
    """The id of the relevance gate that rules the message out, or "" when it may matter.

    In a case's thread any controller's reply is read, whatever its address looks like or however
    its mailing tool marks it (one at a personal mail provider must then meet the stranger threshold).
    """
    if message.is_list:
        return "gate-mailing-list"
    if message.is_bounce:
        return "gate-bounce"
    if message.sender is None or not message.sender.domain:
        return "gate-no-sender"
    if message.sender.email.lower() in own_addresses:
        return "gate-own-message"
    if ruleset.platform_for(message.sender.domain):
        return "" if known_thread or not message.is_bulk else "gate-bulk"
    if known_thread:
        return ""
    rel = ruleset.relevance
    if message.sender.domain in rel.personal_domains:
        return "gate-personal-sender"
    if message.is_bulk:
        return "gate-bulk"
    # A reply to the person's own mail (its headers say so) is read whoever sends it, at the stranger threshold.
    if not (_role_sender(ruleset, message) or message.in_reply_to or message.references):
        return "gate-not-a-platform"
    return ""


def _role_sender(ruleset: Ruleset, message: Message) -> bool:
    """True when the sender's address or name looks like an organisation's privacy or support team."""
    role = ruleset.relevance.role_sender
    sender = message.sender
    return sender is not None and bool(role.search(sender.local) or role.search(sender.name.lower()))


def _best(scores: Sequence[RuleScore], tuning: Tuning) -> list[RuleScore]:
    """One best score per category, strongest first, ties broken by category priority (an ask or a
    decision outranks a receipt; "thank you for contacting us" is a weak rule of its own)."""
    per: dict[Category, RuleScore] = {}
    for s in scores:
        if s.score > 0 and (s.category not in per or s.score > per[s.category].score):
            per[s.category] = s
    carried_out = [s for s in scores if s.score >= tuning.threshold and s.rule in _CARRIED_OUT_RULES]
    retention = per.get(Category.REJECTION)
    if carried_out and retention is not None and retention.rule in _RETENTION_RULES:
        best_done = max(carried_out, key=lambda s: s.score)
        if best_done.score >= retention.score - tuning.tie:
            del per[Category.REJECTION]
    # ...but a retention duty beside an explicit refusal ("we must keep it five years and cannot delete it
    # earlier") refuses: what was done (the account closed) is not what was asked.
    refused = [s for s in scores if s.score >= tuning.threshold and s.rule in _EXPLICIT_REFUSALS]
    kept = [s for s in scores if s.score >= tuning.threshold and s.rule in _RETENTION_RULES]
    done = per.get(Category.ACCEPTANCE)
    if refused and kept and done is not None and done.rule in _CARRIED_OUT_RULES:
        per[Category.REJECTION] = max(refused, key=lambda s: s.score)
        del per[Category.ACCEPTANCE]
    ranked = sorted(per.values(), key=lambda s: -s.score)
    if not ranked:
        return ranked
    top = ranked[0].score
    close = [s for s in ranked if top - s.score < tuning.tie]
    rest = [s for s in ranked if top - s.score >= tuning.tie]
    close.sort(key=lambda s: -tuning.rank(s.category))
    return close + rest


def contested(ranked: Sequence[RuleScore], tuning: Tuning, threshold: float) -> RuleScore | None:
    """The runner-up that contests the top verdict: another reply category within a tie of it, or None."""
    if len(ranked) < 2:
        return None
    top, second = ranked[0], ranked[1]
    if not (top.category.gets_reply and second.category.gets_reply) or top.category is second.category:
        return None
    if top.score - second.score >= tuning.tie or second.score < threshold:
        return None
    precedes = (top.category, second.category) in _PRECEDENCE or (top.category, second.rule) in _PRECEDENCE
    if precedes and second.rule not in _CONTESTS_PRECEDENCE:
        return None
    return second


def _answers(ruleset: Ruleset, message: Message) -> bool:
    """True when the message answers a thread or speaks of someone's request (a notification does neither)."""
    if message.in_reply_to or message.references or _REPLY_SUBJECT.match(message.subject):
        return True
    addressed = ruleset.relevance.addressed
    text = _lower(f"{message.subject}\n{message.new_text[: ruleset.tuning.fuzzy_text]}")
    notice = ruleset.relevance.rights_notice
    if notice is not None:
        # A footer listing everyone's rights ("you have the right to request access…") addresses no request.
        text = "\n".join(s for s in _SEGMENT.split(text) if not notice.search(s))
    return addressed is None or bool(addressed.search(text))


def answers_request(ruleset: Ruleset, message: Message) -> bool:
    """True when the message replies to the person's mail under a subject that names a data-protection request.

    Such a reply is read as inside a case even when none is on record (a file given to `mailbot classify`):
    a notification answers no mail of the person's, and a reply about something else does not name a request.
    """
    pattern = ruleset.relevance.request_subject
    replies = bool(message.in_reply_to or message.references)
    return replies and pattern is not None and bool(pattern.search(_lower(message.subject)))


def _without(scores: Sequence[RuleScore], rules: frozenset[str]) -> list[RuleScore]:
    """The scores with those of the given rules set to 0 (rules that do not count here)."""
    return [replace(s, score=0.0) if s.rule in rules and s.score else s for s in scores]


def _variant(ruleset: Ruleset, top: RuleScore, scores: Sequence[RuleScore], own: str) -> str:
    """The deciding rule's variant; for a refusal without one, another refusal rule's that also matched.

    An extension of the deadline is "extension_no_reasons" only when the message gives no reason.
    """
    by_id = {r.id: r for r in ruleset.rules}
    rule = by_id.get(top.rule)
    if rule is not None and rule.variant == "extension_no_reasons":
        reasons = ruleset.relevance.reasons
        return "" if reasons is not None and reasons.search(_lower(own)) else rule.variant
    if rule is not None and rule.variant:
        return rule.variant
    if top.phrase.startswith("sentence"):
        for item in ruleset.exemplars:
            if item.text in top.phrase and item.category is top.category:
                return item.variant
    for s in sorted(scores, key=lambda s: -s.score):
        other = by_id.get(s.rule)
        if (
            s.score > 0
            and s.category is top.category
            and other is not None
            and other.variant
            and other.category.gets_reply
        ):
            return other.variant
    return ""


def classify(
    message: Message,
    ruleset: Ruleset,
    *,
    own_addresses: frozenset[str] = frozenset(),
    known_thread: bool = False,
    explain: bool = False,
    learned: Sequence[Exemplar] = (),
) -> Verdict:
    """Classify one message.

    Args:
        message: the parsed message.
        ruleset: the loaded rules.
        own_addresses: the person's own addresses (their messages are never answered).
        known_thread: the message belongs to a case the person opened: any sender is read, and
            `unrelated` needs strong evidence; outside a case a reply needs strong evidence.
        explain: also run the fuzzy pass when patterns already decided, to show every score.
        learned: the person's taught exemplars (mailbot.learn); a close match decides.

    Returns:
        The Verdict; `unknown` when a message matches no rule confidently or is in another language.
    """
    verdict, scores, in_case = _by_rules(message, ruleset, own_addresses, known_thread, explain, learned)
    return verdict if scores is None else reviewed(verdict, scores, in_case, message, ruleset)


def reviewed(
    verdict: Verdict, scores: Sequence[RuleScore], in_case: bool, message: Message, ruleset: Ruleset
) -> Verdict:
    """The rules' verdict after the text model's second opinion (none without a model or on a short text).

    Args:
        verdict: what the rules decided.
        scores: every rule's score on the message (the evidence for each category, and a reply's variant).
        in_case: the message was read as inside a case.
        message: the message.
        ruleset: the rules, with the model's file.
    """
    if ruleset.model is None:
        return verdict
    text = model_text(ruleset, message, ruleset.tuning.model_text)
    # A few words give the model too little to weigh against rules written for such words.
    if len(_WORD.findall(text)) < ruleset.tuning.model_min_words:
        return verdict
    opinion = text_model(ruleset.model).opinion(text)
    decided = second_opinion(verdict, opinion, _evidence(scores), in_case, ruleset.tuning)
    if decided.rule != MODEL_RULE or not decided.category.gets_reply:
        return decided
    # A reply the model decides answers the argument (form, fee, already done) its category's best rule found.
    found = [s for s in scores if s.category is decided.category and s.score > 0]
    if not found:  # a platform's reply the model was sure of without a rule (model_platform_fill): no argument known
        return decided
    best = max(found, key=lambda s: s.score)
    return replace(decided, variant=_variant(ruleset, best, scores, own_words(ruleset, message.new_text)))


def _evidence(scores: Sequence[RuleScore]) -> dict[Category, float]:
    """The best score of each category some rule found evidence for."""
    best: dict[Category, float] = {}
    for s in scores:
        if s.score > best.get(s.category, 0.0):
            best[s.category] = s.score
    return best


def model_text(ruleset: Ruleset, message: Message, limit: int) -> str:
    """What the text model reads: the subject and the start of the sender's own words (as it was trained)."""
    return message.subject + "\n" + own_words(ruleset, message.new_text)[:limit]


def second_opinion(
    verdict: Verdict, opinion: Opinion, evidence: Mapping[Category, float], in_case: bool, tuning: Tuning
) -> Verdict:
    """The rules' verdict weighed against the text model's opinion.

    Agreement stands. Where the rules abstained, or where they disagree, the model's category decides with a
    clear margin, but a reply-worthy category only where some rule found evidence for it: the model reads words,
    not who decides what, and a guard (negation, condition, quotation) leaves a rule nothing to find. Outside a
    case it never makes a reply of what the rules did not answer, and changes one reply into another only where a
    rule found that other reply as strongly as the rules' own verdicts need (`threshold`); inside one it says
    `unrelated` only where a rule did as strongly as the rules need there (`known_thread_unrelated`), and there
    an `unrelated` it cannot decide contests the rules' reply only by a clear margin (`model_case_contest`). Any
    other reply the rules chose that the model disagrees with and cannot overrule is left to the person. One
    exception: where the rules abstained on a built-in platform's message inside a case, a reply the model is sure
    of (`model_platform_fill`) decides without a rule's evidence, for platforms' teams write the house styles the
    model learnt from (outside a case, a privacy team's explainer with a hedged ID step read as an ID check).
    Nor does it read an identity document asked in so many words as an ask for details: the ID step comes first.
    """
    said = f"text model: {opinion.category} by {opinion.margin:.2f} over {opinion.runner_up}"
    if opinion.category is verdict.category:
        return replace(verdict, evidence=(*verdict.evidence, f"{said}, agrees"))
    needed = tuning.model_fill if verdict.category is Category.UNKNOWN else tuning.model_override
    found = evidence.get(opinion.category, 0.0)
    if opinion.category is Category.UNRELATED:
        # inside a case "unrelated" needs as strong a rule as the rules' own verdict there
        supported = not in_case or found >= tuning.known_thread_unrelated
    else:
        supported = not opinion.category.gets_reply or (
            found > 0 and (in_case or (verdict.category.gets_reply and found >= tuning.threshold))
        )
    if (
        not supported
        and in_case
        and verdict.category is Category.UNKNOWN
        and verdict.platform != "none"
        and opinion.category.gets_reply
        and opinion.margin >= tuning.model_platform_fill
    ):
        supported = True
    if verdict.rule in _ID_FIRST_RULES and opinion.category in _ID_FIRST_OVER:
        # An identity document asked beside the details it should come with ("send your ID, and tell us which
        # product"): the ID step comes first, whatever the words around it suggest.
        why = f"{said}: an identity document asked beside it ({verdict.rule}), the ID step comes first"
        return replace(verdict, evidence=(*verdict.evidence, why))
    if supported and opinion.margin >= needed:
        whose = (
            "where the rules did not decide"
            if verdict.category is Category.UNKNOWN
            else f"over {verdict.rule or 'the rules'} ({verdict.category})"
        )
        return _modelled(verdict, opinion, f"{said}: decides {whose}")
    if (
        verdict.category.gets_reply
        and in_case
        and opinion.category is Category.UNRELATED
        and not supported
        and opinion.margin < tuning.model_case_contest
    ):
        # It learnt "unrelated" from notifications outside any case: inside one, an unsure "unrelated" is no
        # reason to doubt the reply a rule found.
        why = f"{said}: inside a case too weak to contest {verdict.rule or 'the rules'} ({verdict.category})"
        return replace(verdict, evidence=(*verdict.evidence, why))
    if verdict.category.gets_reply:
        why = f"{said}: disagrees with {verdict.rule or 'the rules'} ({verdict.category}), left to you"
        return replace(
            verdict, category=Category.UNKNOWN, confidence=0.0, rule=None, variant="", evidence=(*verdict.evidence, why)
        )
    why = f"not clear enough (needs {needed:.2f})" if supported else "no rule's evidence for it here"
    return replace(verdict, evidence=(*verdict.evidence, f"{said}: {why}"))


def _modelled(verdict: Verdict, opinion: Opinion, why: str) -> Verdict:
    """The text model's verdict: its margin is its confidence, and no rule (so no variant) decided."""
    return replace(
        verdict,
        category=opinion.category,
        confidence=round(min(1.0, opinion.margin), 3),
        rule=MODEL_RULE,
        variant="",
        evidence=(*verdict.evidence, why),
    )


def _by_rules(
    message: Message,
    ruleset: Ruleset,
    own_addresses: frozenset[str],
    known_thread: bool,
    explain: bool,
    learned: Sequence[Exemplar],
) -> tuple[Verdict, tuple[RuleScore, ...] | None, bool]:
    """The rules' verdict; the rules' scores (None when the verdict is final: a gate, a language left to the
    person, a taught message); whether the message was read as inside a case."""
    tuning = ruleset.tuning
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
    ticket = find_ticket(message.subject, message.new_text[: tuning.ticket_text])
    if gate:
        evidence.append(f"{gate}: not answered")
        return (
            Verdict(Category.UNRELATED, platform_id, lang, 1.0, None, tuple(evidence), (), ticket, gate=gate),
            None,
            known_thread,
        )
    words = len(_WORD.findall(message.new_text))
    if (
        lang
        and words >= tuning.unknown_language_words
        and language_coverage(message.new_text, lang) < tuning.language_coverage
    ):
        evidence.append(f"language {lang}: too few of its words ({tuning.language_coverage:.0%}), not recognised")
        lang = ""
    if (lang and lang not in LANGUAGES) or (not lang and words >= tuning.unknown_language_words):
        evidence.append(f"language {lang or 'not recognised'}: not one of {', '.join(LANGUAGES)}, left to you")
        return Verdict(Category.UNKNOWN, platform_id, lang, 0.0, None, tuple(evidence), (), ticket), None, known_thread
    if learned:
        own = operative_sentences(ruleset, message)
        taught = sentence_matches(ruleset, _learned_bank(ruleset, tuple(learned)), own, tuning.learned_cutoff)
        if taught:
            category, (score, item, sentence) = max(taught.items(), key=lambda kv: kv[1][0])
            evidence.append(f"taught {item.source} {score:.0f}: {sentence[: tuning.evidence_quote]!r}")
            rule = f"learned-{category.value.replace('_', '-')}"
            found = RuleScore(rule, category, round(score / 100, 3), f"learned {item.source}", sentence)
            return (
                Verdict(
                    category,
                    platform_id,
                    lang,
                    round(score / 100, 3),
                    rule,
                    tuple(evidence),
                    (found,),
                    ticket,
                    variant=item.variant,
                ),
                None,
                known_thread,
            )
    scores = score_rules(message, ruleset, language=lang)
    # A short text's language is a guess ("t'es-tu inscrit ?" reads as Spanish): when its patterns decide
    # nothing and the guess was unsure, every language's patterns are tried.
    patterns_for = lang
    if lang and lang_prob < tuning.language_patterns_confidence and all(s.score < tuning.threshold for s in scores):
        patterns_for = ""
        scores = score_rules(message, ruleset, language=patterns_for)
    # A team's reply to the person's mail that names their request is read as inside a case; a named
    # person's (a colleague, a friend discussing a request) only meets the normal threshold.
    about_request = not known_thread and answers_request(ruleset, message)
    if about_request and (platform is not None or _role_sender(ruleset, message)):
        evidence.append("a team's reply under a subject that names a data-protection request: read as inside a case")
        known_thread = True
    # "I removed it" grants a request only where "it" is one: outside a case such rules do not count.
    case_only = frozenset() if known_thread else frozenset(rule.id for rule in ruleset.rules if rule.case_only)
    if case_only:
        scores = _without(scores, case_only)
    # --explain shows every pass's scores; the verdict is the same as without it.
    shown = (
        tuple(_without(score_rules(message, ruleset, fuzzy=True, language=patterns_for), case_only))
        if explain
        else tuple(scores)
    )
    ranked = _best(scores, tuning)
    top_unrelated = bool(ranked) and ranked[0].category is Category.UNRELATED
    if known_thread and top_unrelated and ranked[0].score < tuning.known_thread_unrelated:
        evidence.append(f"in a case's thread: {ranked[0].rule} too weak for unrelated")
        ranked = _best([s for s in scores if s.category is not Category.UNRELATED], tuning)
    personal = sender is not None and sender.domain in ruleset.relevance.personal_domains
    stranger = platform is None and not known_thread
    answers = _answers(ruleset, message)
    # A reply to the person's own mail is about it: a notification keyword that only ties with a decision
    # or an ask does not make it unrelated.
    replies = bool(message.in_reply_to or message.references)
    if (
        replies
        and len(ranked) > 1
        and ranked[0].category is Category.UNRELATED
        and ranked[0].score - ranked[1].score < tuning.tie
        and ranked[1].score >= tuning.threshold
    ):
        if ranked[0].rule in _CONTESTS_IN_A_REPLY:
            # Final: the text model's fill would pick one of the two readings the rules found.
            evidence.append(f"contested: {ranked[0].rule} ties with {ranked[1].rule} in a reply, left to you")
            return (
                Verdict(Category.UNKNOWN, platform_id, lang, 0.0, None, tuple(evidence), shown, ticket),
                None,
                known_thread,
            )
        evidence.append(f"a reply to the person's mail: {ranked[0].rule} only ties with {ranked[1].rule}")
        ranked = ranked[1:]
    # A team's reply to the person's own mail is read like a platform's (decide holds it without a case);
    # a stranger's message that answers nothing, or one from no recognisable team, needs strong evidence.
    strict = (stranger and (not answers or not (about_request or _role_sender(ruleset, message)))) or personal
    threshold = tuning.stranger_threshold if strict else tuning.threshold
    weak_receipt = bool(ranked) and ranked[0].category is Category.ACKNOWLEDGEMENT and ranked[0].score < threshold
    # Nothing but thanks and greetings (an empty body, a thank-you subject): that is a receipt.
    if weak_receipt and not operative_sentences(ruleset, message):
        evidence.append(f"{ranked[0].rule}: only pleasantries, a receipt")
        ranked = [replace(ranked[0], score=threshold), *ranked[1:]]
    if not ranked or ranked[0].score < threshold:
        # Outside any case a message that answers nothing, speaks of no request and matches nothing is a notification.
        category = Category.UNRELATED if stranger or not (known_thread or answers) else Category.UNKNOWN
        best = ranked[0].score if ranked else 0.0
        evidence.append(f"no rule reached {threshold:.2f} (best {best:.2f})")
        # An abstention claims no certainty; "unrelated" is as sure as the best rule was weak.
        confidence = round(1 - best, 3) if category is Category.UNRELATED else 0.0
        return (
            Verdict(category, platform_id, lang, confidence, None, tuple(evidence), shown, ticket),
            tuple(scores),
            known_thread,
        )
    top = ranked[0]
    if not known_thread and not answers and top.category.gets_reply and top.score < tuning.outside_case_threshold:
        evidence.append(f"outside any case, about no request: {top.rule} {top.score:.2f} too weak for a reply")
        return (
            Verdict(
                Category.UNRELATED, platform_id, lang, round(1 - top.score, 3), None, tuple(evidence), shown, ticket
            ),
            tuple(scores),
            known_thread,
        )
    contest = contested(ranked, tuning, threshold)
    if contest is not None:
        evidence.append(f"contested: {top.rule} {top.score:.2f} vs {contest.rule} {contest.score:.2f}, left to you")
        return (
            Verdict(Category.UNKNOWN, platform_id, lang, 0.0, None, tuple(evidence), shown, ticket),
            tuple(scores),
            known_thread,
        )
    confidence = top.score
    if len(ranked) > 1 and top.score - ranked[1].score < tuning.tie:
        confidence = max(0.0, confidence - tuning.close_call_penalty)
        evidence.append(f"close call with {ranked[1].category} ({ranked[1].rule})")
    for s in ranked[:3]:
        evidence.append(f"{s.rule} {s.score:.2f} {s.phrase}: {s.matched[: tuning.evidence_quote]!r}")
    return (
        Verdict(
            top.category,
            platform_id,
            lang,
            round(confidence, 3),
            top.rule,
            tuple(evidence),
            shown,
            ticket,
            variant=_variant(ruleset, top, scores, own_words(ruleset, message.new_text)),
        ),
        tuple(scores),
        known_thread,
    )
