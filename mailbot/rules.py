"""Loads and validates rules/ (platforms, relevance, category rules) into typed objects."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mailbot import startcache
from mailbot.errors import RulesError
from mailbot.models import Category, RequestType
from mailbot.resources import data_dir
from mailbot.textmodel import FILE as MODEL_FILE

LANGUAGES = ("en", "it", "de", "fr", "es")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ESCAPE = re.compile(r"(\\.)")


@dataclass(frozen=True, slots=True)
class Platform:
    """A platform: who writes from where, and who supervises it."""

    id: str
    name: str
    domains: tuple[str, ...]
    authority: str
    privacy_senders: tuple[str, ...]
    privacy_team: tuple[str, ...] = ()
    lead_authority: str = ""
    privacy_contact: str = ""
    privacy_form: str = ""
    # Platforms of one group answer for each other (Meta's privacy team writes for WhatsApp too).
    group: str = ""

    def owns(self, domain: str) -> bool:
        """True when the domain is one of the platform's or a subdomain of one."""
        domain = domain.lower().rstrip(".")
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    def is_privacy_team(self, address: str) -> bool:
        """True when the address is one the platform's privacy team writes from (not merely its domain).

        Entries of `privacy_team`: `local@` (that local part at any of the platform's own domains),
        `local@domain` (exactly), `local@*.domain` (at any subdomain); `local` may be a glob (`*`).
        """
        local, _, domain = address.lower().rstrip(".").rpartition("@")
        if not local or not domain:
            return False
        if address.lower() in self.privacy_senders:
            return True
        for entry in self.privacy_team:
            want_local, _, want_domain = entry.partition("@")
            if not fnmatch.fnmatchcase(local, want_local):
                continue
            if not want_domain and domain in self.domains:
                return True
            if want_domain.startswith("*.") and domain.endswith(want_domain[1:]):
                return True
            if domain == want_domain:
                return True
        return False


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """A named check: regex patterns and exemplar phrases that point to one category.

    `pattern` is compiled in lower case and must be matched against lower-cased text. The patterns
    are kept as source and compiled on first use: a scan meets few of the five languages, and
    compiling all of them took most of the start-up (`load_rules(compile_now=True)` checks them all).
    """

    id: str
    category: Category
    description: str
    weight: float
    pattern_source: str
    exemplars: tuple[str, ...]
    negatable: bool
    conditional_blocks: bool
    source: str
    variant: str = ""
    cased: re.Pattern[str] | None = None
    in_subject: bool = True
    in_examples: bool = True
    language_sources: tuple[tuple[str, str], ...] = ()
    case_only: bool = False  # counts only inside a case ("I removed it": "it" is the request only there)

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """All the rule's patterns, of every language."""
        return _compiled(self.pattern_source)

    def pattern_for(self, language: str) -> re.Pattern[str] | None:
        """The patterns to try on a message in `language`: its own and the language-neutral ones,
        or all of them when the language is not one of the five."""
        for lang, source in self.language_sources:
            if lang == language:
                return _compiled(source)
        return self.pattern

    def compile_all(self) -> None:
        """Compile every pattern of the rule now; RulesError names a bad one."""
        for source in (self.pattern_source, *(s for _, s in self.language_sources)):
            _compiled(source)


VARIANTS = frozenset(
    {
        "",
        "grounds",
        "legal_basis",
        "medium",
        "no_reasons",
        "dead_mailbox",
        "already_done",
        "extension_no_reasons",
        "fee",
    }
)


@dataclass(frozen=True, slots=True)
class Exemplar:
    """One real (or marked synthetic) wording of a category, with where it was found."""

    text: str
    category: Category
    language: str
    source: str
    variant: str = ""


@dataclass(frozen=True, slots=True)
class Tuning:
    """The classifier's tuning values and category precedence, from rules/tuning.toml (its comments say
    what each is). No defaults: the file is the only source, so no second copy of a value can drift."""

    threshold: float
    stranger_threshold: float
    outside_case_threshold: float
    known_thread_unrelated: float
    tie: float
    close_call_penalty: float
    negation_window: int
    fuzzy_floor: float
    fuzzy_text: int
    fuzzy_exemplar_ratio: float
    fuzzy_probe: int
    max_classified: int
    ticket_text: int
    unknown_language_words: int
    language_coverage: float
    language_patterns_confidence: float
    sentence_min: int
    sentence_cutoff: float
    sentence_weight: float
    contained_ratio: float
    contained_min: int
    contained_discount: float
    learned_cutoff: float
    evidence_quote: int
    priority: tuple[tuple[Category, int], ...]
    prefilter_after: int  # messages classified in a process before rules are pre-filtered by literal starts
    prefilter_min_start: int  # the shortest literal start that pre-filters a rule
    model_text: int  # characters of the sender's own words the text model reads
    model_fill: float  # the text model's margin that decides where the rules abstained
    model_override: float  # the text model's margin that overrules the rules where they disagree
    model_platform_fill: float  # ...that decides a reply no rule found evidence for, on a platform's message
    model_case_contest: float  # ...by which its "unrelated" contests a reply the rules chose inside a case
    model_min_words: int  # a text of fewer words gets no second opinion

    def rank(self, category: Category) -> int:
        """The precedence of a category among close scores (higher wins)."""
        return dict(self.priority).get(category, 0)


@dataclass(frozen=True, slots=True)
class Relevance:
    """Who is not a platform: personal mail providers, and how role mailboxes look."""

    personal_domains: frozenset[str]
    role_sender: re.Pattern[str]
    negation: re.Pattern[str]
    cessation: re.Pattern[str]
    conditional: re.Pattern[str]
    quote_start: re.Pattern[str] | None = None
    example: re.Pattern[str] | None = None
    boilerplate: re.Pattern[str] | None = None
    reasons: re.Pattern[str] | None = None
    addressed: re.Pattern[str] | None = None
    reported: re.Pattern[str] | None = None
    hedge: re.Pattern[str] | None = None
    purpose: re.Pattern[str] | None = None
    wish: re.Pattern[str] | None = None
    offer: re.Pattern[str] | None = None
    your_part: re.Pattern[str] | None = None
    pointer: re.Pattern[str] | None = None
    # relevance.toml's `absence` and `meanwhile` lists, one pattern: before a redirect, they make it an aside
    # (who stands in, what the person may do while waiting), not a refusal to act
    aside: re.Pattern[str] | None = None
    request_subject: re.Pattern[str] | None = None
    rights_notice: re.Pattern[str] | None = None
    # A refusal that names the person's remedies (Art. 12(4) GDPR): the complaint does not claim it failed to.
    remedy_named: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Ruleset:
    """Everything the classifier needs, loaded once."""

    platforms: tuple[Platform, ...]
    rules: tuple[CategoryRule, ...]
    relevance: Relevance
    extension: re.Pattern[str] | None = None
    authorities: tuple[Authority, ...] = ()
    home_authorities: tuple[tuple[str, str], ...] = ()  # (language or country code, authority key)

    def authority(self, key: str) -> Authority | None:
        """The supervisory authority with that key (rules/authorities.toml), if any."""
        return next((a for a in self.authorities if a.key == key), None)

    tuning: Tuning = field(kw_only=True)
    exemplars: tuple[Exemplar, ...] = ()
    extension_reasons: re.Pattern[str] | None = None
    requests: RequestRules | None = None
    identifiers: IdentifierRules | None = None
    model: Path | None = None  # the text model's file (rules/model/), loaded on first use

    def platform_for(self, domain: str) -> Platform | None:
        """The platform that owns a sender domain, if any."""
        for platform in self.platforms:
            if platform.owns(domain):
                return platform
        return None

    def platform(self, platform_id: str) -> Platform | None:
        """The platform with that id, if any."""
        return next((p for p in self.platforms if p.id == platform_id), None)

    def compile_all(self) -> None:
        """Compile every category pattern now (a warm-up while the mailbox is being read)."""
        for rule in self.rules:
            rule.compile_all()


def _read(path: Path) -> dict[str, Any]:
    try:
        return startcache.toml(path)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise RulesError(f"{path.name}: cannot read: {exc.strerror}") from None


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


# Joined pattern source -> compiled pattern, for the life of the process (shared by equal sources).
_COMPILED: dict[str, re.Pattern[str]] = {}
_WHERE: dict[str, tuple[str, tuple[str, ...]]] = {}  # source -> (file [rule], its patterns), for errors


def _compiled(source: str) -> re.Pattern[str] | None:
    """The compiled pattern of a joined source ("" is no pattern); RulesError names a bad pattern."""
    if not source:
        return None
    pattern = _COMPILED.get(source)
    if pattern is None:
        try:
            pattern = startcache.compile(source)
        except re.error as joined_error:
            # Only now each pattern on its own, to name the bad one (compiling each every start costs time).
            where, patterns = _WHERE.get(source, ("rules", ()))
            for one in patterns:
                try:
                    re.compile(one)
                except re.error as exc:
                    raise RulesError(f"{where}: bad pattern {one!r}: {exc}") from None
            raise RulesError(f"{where}: patterns do not combine: {joined_error}") from None
        _COMPILED[source] = pattern
    return pattern


def _source(patterns: list[str], where: str) -> str:
    """The patterns joined into one lower-cased source, to be compiled when first used."""
    if not patterns:
        return ""
    joined = "|".join(f"(?:{p})" for p in patterns)
    # Case-insensitive matching is done by lower-casing both sides: three times faster than
    # re.IGNORECASE on these alternations. Escapes (\\B, \\S, \\W, \\D) keep their case.
    parts = _ESCAPE.split(joined)  # text, escape, text, escape, …, text
    parts[::2] = [text.lower() for text in parts[::2]]
    source = "".join(parts)
    _WHERE.setdefault(source, (where, tuple(patterns)))
    return source


def _compile(patterns: list[str], where: str) -> re.Pattern[str] | None:
    return _compiled(_source(patterns, where))


def _by_language(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, dict):
        raise RulesError(f"{where}: '{key}' must be a table of languages")
    out: list[str] = []
    for lang, items in value.items():
        if lang not in (*LANGUAGES, "any"):
            raise RulesError(f"{where}: '{key}.{lang}' is not one of {', '.join(LANGUAGES)}")
        out.extend(_strings(items, where, f"{key}.{lang}"))
    return out


def load_platform(path: Path) -> Platform:
    """One platform file; errors name the file and the platform id."""
    data = _read(path)
    pid = data.get("id")
    where = f"{path.name} [{pid}]"
    if not isinstance(pid, str) or not _KEBAB.match(pid):
        raise RulesError(f"{path.name}: 'id' must be a kebab-case string")
    domains = _strings(data.get("domains"), where, "domains")
    if not domains:
        raise RulesError(f"{where}: 'domains' must list at least one domain")
    for key in ("name", "authority"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RulesError(f"{where}: '{key}' is required")
    return Platform(
        id=pid,
        name=data["name"],
        domains=tuple(d.lower() for d in domains),
        authority=data["authority"],
        privacy_senders=tuple(s.lower() for s in _strings(data.get("privacy_senders"), where, "privacy_senders")),
        privacy_team=_privacy_team(data.get("privacy_team"), where),
        group=_group(data.get("group", ""), where),
        **_contact_fields(data, where),
    )


def _group(value: Any, where: str) -> str:
    if not isinstance(value, str) or (value and not _KEBAB.match(value)):
        raise RulesError(f"{where}: 'group' must be a kebab-case string")
    return value


_TEAM_ENTRY = re.compile(r"^[a-z0-9*?._+-]{1,64}@(?:(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+)?$")


def _privacy_team(value: Any, where: str) -> tuple[str, ...]:
    entries = tuple(e.lower() for e in _strings(value, where, "privacy_team"))
    for entry in entries:
        if not _TEAM_ENTRY.match(entry) or entry == "*@":  # "*@" would be the whole domain again
            raise RulesError(f"{where}: privacy_team entry {entry!r} must be local@, local@domain or local@*.domain")
    return entries


def _compile_cased(patterns: list[str], where: str) -> re.Pattern[str] | None:
    """Patterns matched on the original text, case kept (acronyms such as 'CIE' that are words in lower case)."""
    if not patterns:
        return None
    try:
        return startcache.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise RulesError(f"{where}: bad cased pattern: {exc}") from None


def load_category_file(path: Path) -> list[CategoryRule]:
    """One category file with its [[rule]] tables; errors name the file and the rule id.

    File-level `negatable` and `conditional_blocks` are the defaults of its rules.
    """
    data = _read(path)
    default_negatable = bool(data.get("negatable", False))
    default_conditional = bool(data.get("conditional_blocks", False))
    default_examples = bool(data.get("in_examples", True))
    try:
        category = Category(str(data.get("category")))
    except ValueError:
        raise RulesError(f"{path.name}: 'category' must be one of the fixed categories") from None
    if category is Category.UNKNOWN:
        raise RulesError(f"{path.name}: 'unknown' is the abstention, not a rule category")
    rules = data.get("rule")
    if not isinstance(rules, list) or not rules:
        raise RulesError(f"{path.name}: needs at least one [[rule]]")
    out = []
    for entry in rules:
        rid = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name} [{rid}]"
        if not isinstance(rid, str) or not _KEBAB.match(rid):
            raise RulesError(f"{where}: rule 'id' must be a kebab-case string")
        weight = entry.get("weight", 1.0)
        if not isinstance(weight, int | float) or not 0 < weight <= 1:
            raise RulesError(f"{where}: 'weight' must be a number in (0, 1]")
        patterns = _by_language(entry.get("patterns"), where, "patterns")
        table = entry.get("patterns") if isinstance(entry.get("patterns"), dict) else {}
        neutral = list(_strings(table.get("any"), where, "patterns.any"))
        language_sources = tuple(
            (lang, _source([*neutral, *_strings(table.get(lang), where, f"patterns.{lang}")], where))
            for lang in LANGUAGES
        )
        cased = _by_language(entry.get("cased_patterns"), where, "cased_patterns")
        exemplars = _by_language(entry.get("exemplars"), where, "exemplars")
        variant = entry.get("variant", "")
        if variant not in VARIANTS:
            raise RulesError(f"{where}: 'variant' must be one of {', '.join(sorted(VARIANTS - {''}))}")
        if not patterns and not exemplars and not cased:
            raise RulesError(f"{where}: a rule needs patterns or exemplars")
        for ex in exemplars:
            if len(ex.split()) < 3:
                raise RulesError(f"{where}: exemplar {ex!r} is too short to match safely")
        out.append(
            CategoryRule(
                id=rid,
                category=category,
                description=str(entry.get("description", "")),
                weight=float(weight),
                pattern_source=_source(patterns, where),
                exemplars=tuple(exemplars),
                negatable=bool(entry.get("negatable", default_negatable)),
                conditional_blocks=bool(entry.get("conditional_blocks", default_conditional)),
                source=path.name,
                variant=variant,
                cased=_compile_cased(cased, where),
                in_subject=bool(entry.get("in_subject", True)),
                in_examples=bool(entry.get("in_examples", default_examples)),
                language_sources=language_sources,
                case_only=bool(entry.get("case_only", False)),
            )
        )
    return out


def load_relevance(path: Path) -> Relevance:
    """The relevance file: personal mail domains and the language cues for negation."""
    data = _read(path)
    where = path.name

    def pattern(key: str) -> re.Pattern[str]:
        compiled = _compile(list(_strings(data.get(key), where, key)), f"{where} [{key}]")
        if compiled is None:
            raise RulesError(f"{where}: '{key}' is required")
        return compiled

    return Relevance(
        personal_domains=frozenset(
            d.lower() for d in _strings(data.get("personal_domains"), where, "personal_domains")
        ),
        role_sender=pattern("role_sender"),
        negation=pattern("negation"),
        cessation=pattern("cessation"),
        conditional=pattern("conditional"),
        quote_start=_compile(list(_strings(data.get("quote_start"), where, "quote_start")), f"{where} [quote_start]"),
        example=_compile(list(_strings(data.get("example"), where, "example")), f"{where} [example]"),
        boilerplate=_compile(list(_strings(data.get("boilerplate"), where, "boilerplate")), f"{where} [boilerplate]"),
        reasons=_compile(list(_strings(data.get("reasons"), where, "reasons")), f"{where} [reasons]"),
        addressed=_compile(list(_strings(data.get("addressed"), where, "addressed")), f"{where} [addressed]"),
        reported=_compile(list(_strings(data.get("reported"), where, "reported")), f"{where} [reported]"),
        hedge=_compile(list(_strings(data.get("hedge"), where, "hedge")), f"{where} [hedge]"),
        purpose=_compile(list(_strings(data.get("purpose"), where, "purpose")), f"{where} [purpose]"),
        wish=_compile(list(_strings(data.get("wish"), where, "wish")), f"{where} [wish]"),
        offer=_compile(list(_strings(data.get("offer"), where, "offer")), f"{where} [offer]"),
        your_part=_compile(list(_strings(data.get("your_part"), where, "your_part")), f"{where} [your_part]"),
        pointer=_compile(list(_strings(data.get("pointer"), where, "pointer")), f"{where} [pointer]"),
        aside=_compile(
            [*_strings(data.get("absence"), where, "absence"), *_strings(data.get("meanwhile"), where, "meanwhile")],
            f"{where} [absence, meanwhile]",
        ),
        request_subject=_compile(
            list(_strings(data.get("request_subject"), where, "request_subject")), f"{where} [request_subject]"
        ),
        rights_notice=_compile(
            list(_strings(data.get("rights_notice"), where, "rights_notice")), f"{where} [rights_notice]"
        ),
        remedy_named=_compile(
            list(_strings(data.get("remedy_named"), where, "remedy_named")), f"{where} [remedy_named]"
        ),
    )


# What each tuning value may be: (kind, lowest, highest, whether the ends are allowed). Scores 0-1 and
# fuzzy scores 0-100; what divides must not be 0 and a cut-off the scores are scaled by must be below 100.
_RANGES: dict[str, tuple[type, float, float, bool, bool]] = {
    "threshold": (float, 0, 1, True, True),
    "stranger_threshold": (float, 0, 1, True, True),
    "outside_case_threshold": (float, 0, 1, True, True),
    "known_thread_unrelated": (float, 0, 1, True, True),
    "tie": (float, 0, 1, True, True),
    "close_call_penalty": (float, 0, 1, True, True),
    "negation_window": (int, 0, float("inf"), True, False),
    "fuzzy_floor": (float, 0, 100, True, False),
    "fuzzy_text": (int, 0, float("inf"), True, False),
    "fuzzy_exemplar_ratio": (float, 0, float("inf"), False, False),
    "fuzzy_probe": (int, 0, float("inf"), True, False),
    "max_classified": (int, 0, float("inf"), True, False),
    "ticket_text": (int, 0, float("inf"), True, False),
    "unknown_language_words": (int, 0, float("inf"), True, False),
    "language_coverage": (float, 0, 1, True, True),
    "language_patterns_confidence": (float, 0, 1, True, True),
    "sentence_min": (int, 0, float("inf"), True, False),
    "sentence_cutoff": (float, 0, 100, True, False),
    "sentence_weight": (float, 0, 1, True, True),
    "contained_ratio": (float, 0, float("inf"), False, False),
    "contained_min": (int, 0, float("inf"), True, False),
    "contained_discount": (float, 0, 1, False, True),
    "learned_cutoff": (float, 0, 100, True, True),
    "evidence_quote": (int, 0, float("inf"), True, False),
    "prefilter_after": (int, 0, float("inf"), True, False),
    "prefilter_min_start": (int, 1, float("inf"), True, False),
    "model_text": (int, 1, float("inf"), True, False),
    "model_fill": (float, 0, float("inf"), True, False),
    "model_override": (float, 0, float("inf"), True, False),
    "model_platform_fill": (float, 0, float("inf"), True, False),
    "model_case_contest": (float, 0, float("inf"), True, False),
    "model_min_words": (int, 0, float("inf"), True, False),
}


def _tuning_value(where: str, key: str, value: Any) -> float | int:
    kind, low, high, low_in, high_in = _RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:  # NaN is not >= 0
        raise RulesError(f"{where}: '{key}' must be a non-negative number")
    if kind is int and not isinstance(value, int):
        raise RulesError(f"{where}: '{key}' must be a whole number")
    if value < low or value > high or (value == low and not low_in) or (value == high and not high_in):
        left, right = "[" if low_in else "(", "]" if high_in else ")"
        shown = [f"{bound:g}" if bound != float("inf") else "∞" for bound in (low, high)]
        raise RulesError(f"{where}: '{key}' must be in {left}{shown[0]}, {shown[1]}{right}")
    return int(value) if kind is int else float(value)


def load_tuning(path: Path) -> Tuning:
    """rules/tuning.toml, required: every value present and in range, every category ranked once; errors
    name the key."""
    if not path.exists():
        raise RulesError(f"{path.name}: missing (the classifier's tuning values have no defaults)")
    data = _read(path)
    where = path.name
    values = data.get("classify")
    if not isinstance(values, dict):
        raise RulesError(f"{where}: [classify] must be a table of the tuning values")
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _RANGES:
            raise RulesError(f"{where}: unknown tuning value '{key}'")
        kwargs[key] = _tuning_value(where, key, value)
    absent = [key for key in _RANGES if key not in kwargs]
    if absent:
        raise RulesError(f"{where}: [classify] lacks {', '.join(repr(key) for key in absent)}")
    if kwargs["contained_discount"] * 100 < max(kwargs["sentence_cutoff"], kwargs["learned_cutoff"]):
        # rapidfuzz refuses a cut-off above 100, and a contained match discounted so could never count.
        raise RulesError(f"{where}: 'contained_discount' times 100 must reach 'sentence_cutoff' and 'learned_cutoff'")
    priority = data.get("priority")
    if not isinstance(priority, dict):
        raise RulesError(f"{where}: [priority] must rank the categories")
    ranked: list[tuple[Category, int]] = []
    for name, rank in priority.items():
        try:
            category = Category(name)
        except ValueError:
            raise RulesError(f"{where}: [priority] '{name}' is not a category") from None
        if isinstance(rank, bool) or not isinstance(rank, int):
            raise RulesError(f"{where}: [priority] '{name}' must be a whole number")
        ranked.append((category, rank))
    missing = {c for c in Category if c is not Category.UNKNOWN} - {c for c, _ in ranked}
    if missing:
        raise RulesError(f"{where}: [priority] does not rank {', '.join(sorted(missing))}")
    return Tuning(**kwargs, priority=tuple(ranked))


def load_exemplars(folder: Path) -> tuple[Exemplar, ...]:
    """rules/exemplars/*.toml: [[exemplar]] tables with text, language, source (URL, repository path or
    'synthetic') and an optional variant; the file names the category."""
    out: list[Exemplar] = []
    for path in sorted(folder.glob("*.toml")):
        data = _read(path)
        try:
            category = Category(str(data.get("category")))
        except ValueError:
            raise RulesError(f"{path.name}: 'category' must be one of the fixed categories") from None
        for n, entry in enumerate(data.get("exemplar", []), 1):
            where = f"{path.name} [exemplar {n}]"
            if not isinstance(entry, dict):
                raise RulesError(f"{where}: must be a table")
            text, lang, source = entry.get("text"), entry.get("language"), entry.get("source")
            if not isinstance(text, str) or len(text.split()) < 4:
                raise RulesError(f"{where}: 'text' must be a sentence of at least four words")
            if lang not in LANGUAGES:
                raise RulesError(f"{where}: 'language' must be one of {', '.join(LANGUAGES)}")
            if not isinstance(source, str) or not source.strip():
                raise RulesError(f"{where}: 'source' is required (an address, a repository path or 'synthetic')")
            variant = entry.get("variant", "")
            if variant not in VARIANTS:
                raise RulesError(f"{where}: unknown variant {variant!r}")
            out.append(Exemplar(text, category, lang, source, variant))
    return tuple(out)


def load_rules(root: Path | None = None, *, compile_now: bool = True) -> Ruleset:
    """Load and validate every file under rules/.

    Args:
        root: the rules folder; the bundled one when None.
        compile_now: compile (and so check) every category pattern now; when False they are
            compiled on first use (the bundled rules, checked by `mailbot check` in CI).

    Raises:
        RulesError: naming the file and the rule id at fault.
    """
    root = root or data_dir("rules")
    if not root.is_dir():
        raise RulesError(f"{root}: rules folder not found")
    platforms = [load_platform(p) for p in sorted((root / "platforms").glob("*.toml"))]
    rules: list[CategoryRule] = []
    for path in sorted((root / "categories").glob("*.toml")):
        rules.extend(load_category_file(path))
    seen: dict[str, str] = {}
    owners = [(p.id, f"platforms/{p.id}.toml") for p in platforms] + [(r.id, r.source) for r in rules]
    for rid, source in owners:
        if rid in seen:
            raise RulesError(f"{source} [{rid}]: id already used in {seen[rid]}")
        seen[rid] = source
    if not platforms:
        raise RulesError(f"{root}/platforms: no platform files")
    deadlines = root / "deadlines.toml"
    extension = reasons = None
    if deadlines.exists():
        data = _read(deadlines)
        extension = _compile(list(_strings(data.get("extension"), deadlines.name, "extension")), deadlines.name)
        reasons = _compile(
            list(_strings(data.get("extension_reasons"), deadlines.name, "extension_reasons")),
            f"{deadlines.name} [extension_reasons]",
        )
    if compile_now:
        for rule in rules:
            rule.compile_all()
    requests_file = root / "requests.toml"
    requests = load_requests(requests_file) if requests_file.exists() else None
    authorities, homes = load_authorities(root / "authorities.toml")
    keys = {a.key for a in authorities}
    for p in platforms:
        if p.lead_authority and authorities and p.lead_authority not in keys:
            raise RulesError(
                f"platforms/{p.id}.toml [{p.id}]: lead_authority {p.lead_authority!r} is not in authorities.toml"
            )
    return Ruleset(
        tuple(platforms),
        tuple(rules),
        load_relevance(root / "relevance.toml"),
        extension,
        authorities=authorities,
        home_authorities=homes,
        tuning=load_tuning(root / "tuning.toml"),
        exemplars=load_exemplars(root / "exemplars"),
        extension_reasons=reasons,
        requests=requests,
        identifiers=load_identifiers(root / "identifiers.toml") if (root / "identifiers.toml").exists() else None,
        model=model if (model := root / "model" / MODEL_FILE).is_file() else None,
    )


# --- data-subject requests (rules/requests.toml) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRule:
    """A named check that recognises one request type in the person's own mail (lower-cased text)."""

    id: str
    type: RequestType
    description: str
    pattern: re.Pattern[str]
    yields_to: RequestType | None
    source: str


@dataclass(frozen=True, slots=True)
class RequestRules:
    """The request rules and the quote attributions ("On … wrote:") that date a quoted request."""

    rules: tuple[RequestRule, ...]
    quotes: tuple[re.Pattern[str], ...]


def _request_type(value: Any, where: str, key: str) -> RequestType:
    try:
        return RequestType(str(value))
    except ValueError:
        names = ", ".join(t.value for t in RequestType)
        raise RulesError(f"{where}: '{key}' must be one of {names}") from None


def load_requests(path: Path) -> RequestRules:
    """The request rules file; errors name the file and the rule id."""
    data = _read(path)
    entries = data.get("rule")
    if not isinstance(entries, list) or not entries:
        raise RulesError(f"{path.name}: needs at least one [[rule]]")
    rules: list[RequestRule] = []
    seen: set[str] = set()
    for entry in entries:
        rid = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name} [{rid}]"
        if not isinstance(rid, str) or not _KEBAB.match(rid):
            raise RulesError(f"{where}: rule 'id' must be a kebab-case string")
        if rid in seen:
            raise RulesError(f"{where}: id already used in this file")
        seen.add(rid)
        rtype = _request_type(entry.get("type"), where, "type")
        yields = entry.get("yields_to")
        yields_to = _request_type(yields, where, "yields_to") if yields is not None else None
        pattern = _compile(_by_language(entry.get("patterns"), where, "patterns"), where)
        if pattern is None:
            raise RulesError(f"{where}: a request rule needs patterns")
        rules.append(RequestRule(rid, rtype, str(entry.get("description", "")), pattern, yields_to, path.name))
    quotes: list[re.Pattern[str]] = []
    for item in _by_language(data.get("quote"), f"{path.name} [quote]", "quote"):
        try:
            compiled = re.compile(item, re.MULTILINE)
        except re.error as exc:
            raise RulesError(f"{path.name} [quote]: bad pattern {item!r}: {exc}") from None
        if "head" not in compiled.groupindex:
            raise RulesError(f"{path.name} [quote]: pattern {item!r} has no group named 'head'")
        quotes.append(compiled)
    return RequestRules(tuple(rules), tuple(quotes))


# --- identifiers a controller asks for (rules/identifiers.toml) ----------------------------------


@dataclass(frozen=True, slots=True)
class IdentifierKind:
    """One kind of identifier (e-mail, phone, username): how an ask for it reads, and how a placeholder names it."""

    id: str
    pattern: re.Pattern[str]
    what: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class IdentifierRules:
    """The identifier kinds and the placeholder's marker per language."""

    kinds: tuple[IdentifierKind, ...]
    fill_in: tuple[tuple[str, str], ...]


def load_identifiers(path: Path) -> IdentifierRules:
    """rules/identifiers.toml; errors name the file and the kind."""
    data = _read(path)
    entries = data.get("kind")
    if not isinstance(entries, list) or not entries:
        raise RulesError(f"{path.name}: needs at least one [[kind]]")
    kinds: list[IdentifierKind] = []
    for entry in entries:
        kid = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name} [{kid}]"
        if not isinstance(kid, str) or not _KEBAB.match(kid) or any(k.id == kid for k in kinds):
            raise RulesError(f"{where}: kind 'id' must be a unique kebab-case string")
        pattern = _compile(_by_language(entry.get("patterns"), where, "patterns"), where)
        if pattern is None:
            raise RulesError(f"{where}: a kind needs patterns")
        kinds.append(IdentifierKind(kid, pattern, _per_language(entry.get("what"), where, "what")))
    if "email" not in {k.id for k in kinds}:
        raise RulesError(f"{path.name}: needs the kind 'email' (the identity e-mail answers it)")
    return IdentifierRules(tuple(kinds), _per_language(data.get("fill_in"), path.name, "fill_in"))


# --- contacts and supervisory authorities (issue 14) ---------------------------------------------

_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$")


@dataclass(frozen=True, slots=True)
class Authority:
    """A supervisory authority: its names per language, and how it takes complaints (e-mail, else a web form)."""

    key: str
    country: str
    language: str
    email: str
    form: str
    names: tuple[tuple[str, str], ...]
    withs: tuple[tuple[str, str], ...]

    def name(self, lang: str) -> str:
        """Its name as written in that language (the official one where the language has one)."""
        return dict(self.names).get(lang) or dict(self.names)["en"]

    def lodge_with(self, lang: str) -> str:
        """The phrase that follows "lodge a complaint" in that language ("with the …", "presso il …")."""
        return dict(self.withs).get(lang) or dict(self.withs)["en"]


def _contact_fields(data: dict[str, Any], where: str) -> dict[str, str]:
    out = {}
    for key, check in (("lead_authority", _KEBAB), ("privacy_contact", _EMAIL), ("privacy_form", _URL)):
        value = data.get(key, "")
        if not isinstance(value, str) or (value and not check.match(value)):
            raise RulesError(f"{where}: '{key}' is not a valid {key.rpartition('_')[2]}")
        out[key] = value
    return out


def _per_language(value: Any, where: str, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise RulesError(f"{where}: '{key}' needs exactly the languages {', '.join(LANGUAGES)}")
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise RulesError(f"{where}: every '{key}' must be a non-empty string")
    return tuple((lang, value[lang]) for lang in LANGUAGES)


def load_authorities(path: Path) -> tuple[tuple[Authority, ...], tuple[tuple[str, str], ...]]:
    """rules/authorities.toml: the authorities and the default home authority per language (empty when absent)."""
    if not path.exists():
        return (), ()
    data = _read(path)
    table = data.get("authority")
    if not isinstance(table, dict) or not table:
        raise RulesError(f"{path.name}: needs [authority.<key>] tables")
    out = []
    for key, entry in table.items():
        where = f"{path.name} [{key}]"
        if not _KEBAB.match(key) or not isinstance(entry, dict):
            raise RulesError(f"{where}: the key must be kebab-case and name a table")
        email, form = entry.get("email", ""), entry.get("form", "")
        if not isinstance(email, str) or not isinstance(form, str) or not (email or form):
            raise RulesError(f"{where}: an authority needs an 'email' or a 'form'")
        if (email and not _EMAIL.match(email)) or (form and not _URL.match(form)):
            raise RulesError(f"{where}: 'email' must be an address and 'form' an https URL")
        language = entry.get("language")
        if language not in LANGUAGES:
            raise RulesError(f"{where}: 'language' must be one of {', '.join(LANGUAGES)}")
        country = entry.get("country")
        if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
            raise RulesError(f"{where}: 'country' must be a two-letter country code")
        out.append(
            Authority(
                key=key,
                country=country,
                language=language,
                email=email,
                form=form,
                names=_per_language(entry.get("name"), where, "name"),
                withs=_per_language(entry.get("with"), where, "with"),
            )
        )
    keys = {a.key for a in out}
    home = data.get("home", {})
    if not isinstance(home, dict):
        raise RulesError(f"{path.name}: [home] must be a table")
    homes = _per_language(home.get("language"), f"{path.name} [home.language]", "home.language")
    countries = home.get("country", {})
    if not isinstance(countries, dict) or not all(
        re.fullmatch(r"[A-Z]{2}", c) and isinstance(k, str) for c, k in countries.items()
    ):
        raise RulesError(f"{path.name} [home.country]: keys must be country codes, values authority keys")
    homes += tuple(countries.items())
    for where, key in homes:
        if key not in keys:
            raise RulesError(f"{path.name} [home]: {where} = {key!r} is not an authority")
    return tuple(out), homes


@cache
def bundled_rules() -> Ruleset:
    """The bundled rules, loaded once per process; their patterns are compiled on first use."""
    return load_rules(compile_now=False)
