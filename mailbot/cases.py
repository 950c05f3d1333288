"""The case lifecycle (pure): requests in sent mail, controllers, linking, the Art. 12(3) clock, extensions, overdue."""

from __future__ import annotations

import bisect
import email.utils
import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from publicsuffixlist import PublicSuffixList

from mailbot import startcache
from mailbot.models import CaseInfo, Message, RequestType
from mailbot.rules import LANGUAGES, Platform, RequestRules, Ruleset

if TYPE_CHECKING:
    from mailbot.config import ControllerSettings
    from mailbot.store import CaseRow

# Art. 12(3): one month from receipt of the request, extendable by two further months.
ONE_MONTH = relativedelta(months=1)
EXTENDED = relativedelta(months=3)

# How the request date of a case is known (stored as `due_basis`).
BASIS_SENT = "request:sent"
BASIS_MANUAL = "request:manual"
BASIS_QUOTED = "request:quoted"
BASIS_CONTROLLER = "controller-message"
# How each kind of case's request reached the controller (CaseInfo.request_channel); a request quoted in the
# controller's reply was quoted from the person's own mail.
_CHANNELS = {BASIS_SENT: "email", BASIS_QUOTED: "email", BASIS_MANUAL: "form"}
_BASIS_TEXT = {
    BASIS_SENT: "the request in your sent mail",
    BASIS_MANUAL: "the request entered with 'mailbot case open'",
    BASIS_QUOTED: "the request quoted in the controller's message",
    BASIS_CONTROLLER: "the controller's first message (the request's own date is unknown)",
}
_TYPE_ORDER = {t: i for i, t in enumerate(RequestType)}
# Sentence ends, but not the dot of an abbreviation that precedes an article number ("Art. 21").
_SENTENCE_END = re.compile(
    r"(?<!\bart)(?<!\babs)(?<!\bpar)(?<!\bnr)(?<!\bno)(?<!\bcf)(?<!\bvs)(?<!\bgem)(?<!\bco)[.!?;](?=\s)|\n"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


# --- requests in the person's mail ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """A data-subject request recognised in one sent message."""

    controller: str
    recipient: str
    types: tuple[RequestType, ...]
    date: date
    text: str
    subject: str
    message_id: str
    rules: tuple[str, ...]


def normalise(text: str) -> str:
    """Lower-cased text with typographic apostrophes made plain, as the request rules expect."""
    return text.translate(_APOSTROPHES).lower()


def recognise(text: str, rules: RequestRules) -> tuple[tuple[RequestType, ...], tuple[str, ...]]:
    """The request types a text asks for, in article order, and the ids of the rules that matched.

    A rule that `yields_to` another type does not count in a sentence where that type matched too.
    """
    low = normalise(text)
    ends = [m.start() for m in _SENTENCE_END.finditer(low)]
    hits: dict[RequestType, set[int]] = {}
    for rule in rules.rules:
        sentences = {bisect.bisect_left(ends, m.start()) for m in rule.pattern.finditer(low)}
        if sentences:
            hits.setdefault(rule.type, set()).update(sentences)
    kept: dict[RequestType, str] = {}
    for rule in rules.rules:
        sentences = hits.get(rule.type, set())
        if rule.yields_to is not None:
            sentences = sentences - hits.get(rule.yields_to, set())
        if sentences and rule.type not in kept:
            kept[rule.type] = rule.id
    order = sorted(kept, key=_TYPE_ORDER.__getitem__)
    return tuple(order), tuple(kept[t] for t in order)


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(domain: str) -> str:
    """The organisation's domain: the registrable part ("privacy.bank.example" → "bank.example")."""
    domain = domain.lower().rstrip(".")
    return _psl().privatesuffix(domain) or domain


def controller_for(domain: str, ruleset: Ruleset) -> str:
    """The controller id for a mail domain: a built-in platform's id, else the registrable domain."""
    platform = ruleset.platform_for(domain)
    return platform.id if platform else registrable_domain(domain)


def speaks_for(
    domain: str, controller: str, ruleset: Ruleset, controllers: Mapping[str, ControllerSettings] | None = None
) -> bool:
    """True when mail from `domain` comes from `controller` (a case's): its own registrable domain or
    platform, another platform of its company (`group` in rules/: Meta's privacy team writes for
    Facebook, Instagram and WhatsApp), or a domain given for it in `[controllers.<id>] domains`.
    Anyone else writing in a case's thread is a stranger, whatever the thread says."""
    domain = domain.lower().rstrip(".")
    if not domain:
        return False
    if controller_for(domain, ruleset) == controller:
        return True
    own, theirs = ruleset.platform(controller), ruleset.platform_for(domain)
    if own is not None and theirs is not None and legal_entity(own) == legal_entity(theirs):
        return True
    entry = (controllers or {}).get(controller)
    return entry is not None and any(domain == d or domain.endswith("." + d) for d in entry.domains)


def legal_entity(platform: Platform) -> str:
    """The company behind a platform: its group in rules/ (Meta's platforms, WhatsApp included), else its
    name without the product in brackets."""
    return platform.group or platform.name.split(" (", 1)[0].strip().casefold()


def message_day(message: Message) -> date | None:
    """The date of a message from its Date header, if readable."""
    try:
        parsed = email.utils.parsedate_to_datetime(message.date) if message.date else None
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def message_time(message: Message) -> datetime | None:
    """The time of a message in UTC from its Date header, if readable (a date without zone is taken as UTC)."""
    try:
        parsed = email.utils.parsedate_to_datetime(message.date) if message.date else None
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def request_from_sent(message: Message, ruleset: Ruleset, own: Iterable[str] = ()) -> Request | None:
    """The request a message of the person's makes, or None when it makes none.

    The controller is the organisation of the first recipient that is neither the person nor a
    personal mail provider; a message to people only is never a request.
    """
    if ruleset.requests is None:
        return None
    mine = {a.lower() for a in own}
    personal = ruleset.relevance.personal_domains
    recipients = (*message.to, *message.cc)
    recipient = next(
        (a for a in recipients if a.domain and a.email.lower() not in mine and a.domain not in personal), None
    )
    day = message_day(message)
    if recipient is None or day is None:
        return None
    # A reply's subject is the thread's, not a new request: only its own words count.
    subject = "" if message.in_reply_to or message.references else message.subject
    types, rule_ids = recognise(f"{subject}\n{message.new_text}", ruleset.requests)
    if not types:
        return None
    return Request(
        controller=controller_for(recipient.domain, ruleset),
        recipient=recipient.email,
        types=types,
        date=day,
        text=message.new_text.strip(),
        subject=message.subject,
        message_id=message.message_id,
        rules=rule_ids,
    )


# --- dates written in quote attributions ---------------------------------------------------------


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@cache
def _months() -> dict[str, int]:
    """Every month name and every prefix of at least three letters that names only one month
    (from Babel's locale data, which takes a tenth of a second to load: kept between runs)."""
    return startcache.value(f"months:{','.join(LANGUAGES)}", _babel_months)


def _babel_months() -> dict[str, int]:
    import babel.dates

    owners: dict[str, set[int]] = {}
    for lang in LANGUAGES:
        for number, wide in babel.dates.get_month_names("wide", locale=lang).items():
            name = wide.lower()
            for form in {name, _plain(name)}:
                for end in range(3, len(form) + 1):
                    owners.setdefault(form[:end], set()).add(number)
    return {prefix: next(iter(n)) for prefix, n in owners.items() if len(n) == 1}


_WORD_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?([^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(\d{4})\b")
_US_DATE = re.compile(r"\b([^\W\d_]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUM_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b")


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first calendar date written in a text, in any of the five languages' usual forms."""
    low = text.lower()
    months = _months()
    if m := _ISO_DATE.search(low):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if (m := _WORD_DATE.search(low)) and m[2] in months:
        return _make(int(m[3]), months[m[2]], int(m[1]))
    if (m := _US_DATE.search(low)) and m[1] in months:
        return _make(int(m[3]), months[m[1]], int(m[2]))
    if m := _NUM_DATE.search(low):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
        # Day first, as Europe writes it, unless only the other order is a date (4/17/2025).
        return _make(year, second, first) or _make(year, first, second)
    return None


def quoted_request_date(
    text: str, rules: RequestRules, own: Iterable[str] = (), *, before: date | None = None
) -> date | None:
    """The date of the earliest quoted message ("On 17 Apr 2025, … wrote:") in a controller's message.

    Attributions that name one of the person's addresses are preferred; a date after `before` (the
    controller's message itself) is not a request's.
    """
    low = normalise(text)
    mine = [a.lower() for a in own if a]
    found: list[tuple[bool, date]] = []
    for pattern in rules.quotes:
        for m in pattern.finditer(low):
            day = find_date(m["head"])
            if day is None or (before is not None and day > before):
                continue
            # The whole attribution line: German puts the sender after the verb ("… schrieb Ada <ada@…>:").
            line = m.group(0) + low[m.end() :].partition("\n")[0]
            found.append((any(a in line for a in mine), day))
    named = [d for is_mine, d in found if is_mine]
    dates = named or [d for _, d in found]
    return min(dates) if dates else None


# --- the clock -----------------------------------------------------------------------------------


class Extension(enum.StrEnum):
    """What an extension announcement is worth (Art. 12(3))."""

    NONE = "none"
    GRANTED = "extended"
    NO_REASONS = "no-reasons"
    LATE = "late"


def due_date(request_date: date, *, extended: bool = False) -> date:
    """The Art. 12(3) due date: one month from the request, three when validly extended.

    The same day number in the later month, clamped to its end (31 January → 28/29 February).
    """
    return request_date + (EXTENDED if extended else ONE_MONTH)


def assess_extension(text: str, announced: date, request_date: date, ruleset: Ruleset) -> Extension:
    """Whether a controller's message extends the period: announced within the first month, with reasons."""
    if ruleset.extension is None:
        return Extension.NONE
    low = normalise(text)
    if not ruleset.extension.search(low):
        return Extension.NONE
    if announced > due_date(request_date):
        return Extension.LATE
    if ruleset.extension_reasons is None or not ruleset.extension_reasons.search(low):
        return Extension.NO_REASONS
    return Extension.GRANTED


def extension_fields(case: CaseRow, text: str, received: date, ruleset: Ruleset) -> dict[str, object]:
    """The case fields a controller's message changes by announcing an extension (none when it announces none).

    A valid extension moves the due date to three months from the request; an invalid one is noted, with why.
    """
    if case.extended:
        return {}
    start = request_day(case)
    verdict = assess_extension(text, received, start, ruleset)
    day = received.isoformat()
    if verdict is Extension.GRANTED:
        note = f"extended by the controller on {day} (Art. 12(3))"
        return {"extended": 1, "due": due_date(start, extended=True).isoformat(), "extension_note": note}
    if verdict is Extension.NO_REASONS:
        return {"extension_note": f"extension announced on {day} without reasons: not valid (Art. 12(3))"}
    if verdict is Extension.LATE:
        return {"extension_note": f"extension announced on {day}, after the first month: not valid (Art. 12(3))"}
    return {}


def expired(due: date, today: date) -> bool:
    """True once the due date has passed (the due date itself is still within the period)."""
    return today > due


def case_types(case: CaseRow) -> tuple[RequestType, ...]:
    """The request types of a stored case; an objection for cases from before requests were known."""
    known = {t.value for t in RequestType}
    types = tuple(RequestType(t) for t in case.request_types.split(",") if t in known)
    return types or (RequestType.OBJECTION,)


def request_day(case: CaseRow) -> date:
    """The day the case's clock starts: the request's date, else the day the case was opened."""
    return date.fromisoformat(case.request_date or case.opened)


def case_due(case: CaseRow) -> date:
    """The case's due date, computed from its request date and extension (never from later mail)."""
    return due_date(request_day(case), extended=case.extended)


def overdue(case: CaseRow, today: date) -> bool:
    """True when the case is open and its due date has passed."""
    return case.status == "open" and expired(case_due(case), today)


def describe_due(case: CaseRow) -> str:
    """One line on how the due date was reached (for `mailbot case ID`)."""
    start = request_day(case)
    basis = _BASIS_TEXT.get(case.due_basis, _BASIS_TEXT[BASIS_CONTROLLER])
    months = "three months (extended)" if case.extended else "one month"
    text = f"{months} from {start.isoformat()}, {basis} (Art. 12(3))"
    if case.extension_note:
        text += f"; {case.extension_note}"
    return text


def case_info(case: CaseRow, today: date, account: str = "") -> CaseInfo:
    """What a reply needs of its case: types, the request's real date, the due date, expired or running."""
    due = case_due(case)
    known = case.due_basis in (BASIS_SENT, BASIS_MANUAL, BASIS_QUOTED)
    return CaseInfo(
        types=case_types(case),
        request_date=request_day(case) if known else None,
        due=due,
        extended=case.extended,
        expired=expired(due, today),
        controller=case.controller or case.platform,
        account=account,
        request_channel=_CHANNELS.get(case.due_basis, ""),
    )


# --- linking messages to cases -------------------------------------------------------------------


def thread_ids(message: Message) -> list[str]:
    """The Message-IDs that tie a message to a thread: its own, In-Reply-To, References."""
    return [i for i in (message.message_id, message.in_reply_to, *message.references) if i]


def pick_case(
    by_thread: CaseRow | None, controller_cases: Sequence[CaseRow], when: date | None, *, threaded: bool = False
) -> CaseRow | None:
    """The case a controller's message belongs to: its thread's; else, for a message that starts a thread
    of its own (not `threaded`), the controller's newest open request case whose request precedes it.

    A reply in a thread no case knows belongs to another request, not to the controller's open case.
    """
    if by_thread is not None:
        return by_thread
    if threaded:
        return None
    # Only cases the person's own request opened: a case a controller's message opened is that thread's.
    open_cases = [
        c
        for c in controller_cases
        if c.status == "open" and c.due_basis != BASIS_CONTROLLER and (when is None or request_day(c) <= when)
    ]
    return max(open_cases, key=lambda c: (request_day(c), c.id), default=None)


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case to open for a controller's message when no request of the person's is known for it."""

    controller: str
    platform: str
    request_date: date
    basis: str
    thread_key: str
    subject: str


def new_case_for(
    message: Message,
    *,
    controller: str,
    platform: str,
    thread_key: str,
    received: date,
    rules: RequestRules | None,
    own: Iterable[str] = (),
) -> NewCase:
    """The case a controller's first message opens: dated from the request it quotes, else from itself."""
    quoted = quoted_request_date(message.full_text, rules, own, before=received) if rules else None
    return NewCase(
        controller=controller,
        platform=platform,
        request_date=quoted or received,
        basis=BASIS_QUOTED if quoted else BASIS_CONTROLLER,
        thread_key=thread_key,
        subject=message.subject,
    )


def controller_platform(
    controller: str,
    ruleset: Ruleset,
    controllers: Mapping[str, ControllerSettings],
    *,
    country: str = "",
    language: str = "en",
) -> Platform | None:
    """The controller as replies name it, with its supervisory authority: a built-in platform; else the
    `[controllers.<id>]` entry; else a controller supervised, as far as mailbot knows, by the person's home
    authority (`[identity] country`, else the language's)."""
    if not controller:
        return None
    known = ruleset.platform(controller)
    if known is not None:
        return known
    entry = controllers.get(controller)
    if entry is not None:
        lead = entry.authority if ruleset.authority(entry.authority) else ""
        authority = ruleset.authority(lead)
        return Platform(
            id=controller,
            name=entry.name or controller,
            domains=entry.domains or (controller,),
            authority=authority.name("en") if authority else entry.authority,
            privacy_senders=(),
            lead_authority=lead,
            privacy_contact=entry.contact,
            privacy_form=entry.form,
        )
    homes = dict(ruleset.home_authorities)
    home = ruleset.authority(homes.get(country.upper(), "") or homes.get(language, ""))
    if home is None:
        return None
    return Platform(
        id=controller,
        name=controller,
        domains=(controller,),
        authority=home.name("en"),
        privacy_senders=(),
        lead_authority=home.key,
    )
