"""Frozen value types that flow between the stages: messages, verdicts, actions, replies."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class Category(enum.StrEnum):
    """What a platform's message is; the names are an outward contract."""

    REQUEST_INFO = "request_info"
    CLARIFICATION = "clarification"
    ACCEPTANCE = "acceptance"
    REJECTION = "rejection"
    IDENTITY_CHECK = "identity_check"
    ACKNOWLEDGEMENT = "acknowledgement"
    UNRELATED = "unrelated"
    UNKNOWN = "unknown"

    @property
    def gets_reply(self) -> bool:
        """True for the categories that are answered with a reply."""
        return self in REPLY_CATEGORIES


REPLY_CATEGORIES = frozenset(
    {
        Category.REQUEST_INFO,
        Category.CLARIFICATION,
        Category.ACCEPTANCE,
        Category.REJECTION,
        Category.IDENTITY_CHECK,
    }
)


class RequestType(enum.StrEnum):
    """What the person asked the controller for; the names are an outward contract (config, JSON, CLI)."""

    OBJECTION = "objection"  # Art. 21(1)
    MARKETING_OBJECTION = "marketing_objection"  # Art. 21(2)-(3)
    ACCESS = "access"  # Art. 15
    RECTIFICATION = "rectification"  # Art. 16
    ERASURE = "erasure"  # Art. 17
    RESTRICTION = "restriction"  # Art. 18
    PORTABILITY = "portability"  # Art. 20
    CONSENT_WITHDRAWAL = "consent_withdrawal"  # Art. 7(3)

    @property
    def article(self) -> str:
        """The GDPR provision the request rests on, as cited in replies ("Art. 21(1)")."""
        return _ARTICLES[self]


_ARTICLES = {
    RequestType.OBJECTION: "Art. 21(1)",
    RequestType.MARKETING_OBJECTION: "Art. 21(2)",
    RequestType.ACCESS: "Art. 15",
    RequestType.RECTIFICATION: "Art. 16",
    RequestType.ERASURE: "Art. 17",
    RequestType.RESTRICTION: "Art. 18",
    RequestType.PORTABILITY: "Art. 20",
    RequestType.CONSENT_WITHDRAWAL: "Art. 7(3)",
}


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """What a reply needs to know of its case: the request's types and date, the deadline, the identifier."""

    types: tuple[RequestType, ...] = (RequestType.OBJECTION,)
    request_date: date | None = None
    due: date | None = None
    extended: bool = False
    expired: bool = False
    controller: str = ""
    account: str = ""
    # How the request reached the controller: "email" (in the person's Sent folder, or quoted from their mail),
    # "form" (entered with `mailbot case open`: a web form or paper), "" (not known).
    request_channel: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: display name and address (address lower-cased domain)."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        """The part after the last '@', lower-case; empty when there is none."""
        return self.email.rpartition("@")[2].lower() if "@" in self.email else ""

    @property
    def local(self) -> str:
        """The part before the last '@', lower-case."""
        return self.email.rpartition("@")[0].lower()


@dataclass(frozen=True, slots=True)
class Message:
    """A parsed e-mail: the headers mailbot uses and the new text of the body."""

    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    date: str
    new_text: str
    full_text: str
    is_list: bool = False
    is_bulk: bool = False
    is_bounce: bool = False
    auto_submitted: str = ""
    has_html_only: bool = False
    defects: tuple[str, ...] = ()
    size: int = 0
    truncated: bool = False
    auth_results: tuple[str, ...] = ()
    from_problem: str = ""
    precedence: str = ""
    auto_response_suppress: str = ""


@dataclass(frozen=True, slots=True)
class RuleScore:
    """How one rule fared on a message: its best score and the phrase behind it."""

    rule: str
    category: Category
    score: float
    phrase: str = ""
    matched: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's answer with its evidence.

    `rule` is the category rule that decided; `gate` the relevance gate that ruled the message out
    before any rule ran ("gate-bulk", "gate-own-message", ...), "" when none did.
    `variant` says which kind of answer within the category it is, for the reply templates:
    "grounds" (compelling legitimate grounds claimed), "legal_basis" (another legal basis, such as a
    contract or a legal obligation or retention duty), "medium" (use our form, portal, tool or
    settings instead), "no_reasons" (no further action, no reasons given), "dead_mailbox" (the address
    no longer answers), "already_done" (already opted out or handled), "extension_no_reasons" (more
    time taken without reasons), "fee" (a fee asked, or the request called manifestly unfounded or
    excessive, Art. 12(5)); "" otherwise.
    """

    category: Category
    platform: str
    language: str
    confidence: float
    rule: str | None
    evidence: tuple[str, ...] = ()
    scores: tuple[RuleScore, ...] = field(default=())
    ticket: str = ""
    # The controller's argument, which picks the reply's wording within a category: "grounds" (overriding
    # grounds claimed, not shown), "legal_basis" (contract or legal obligation instead of Art. 6(1)(f)),
    # "medium" (use our form/portal/tool), "no_reasons" (no further action, no reasons), "already_done"
    # (already handled / already opted out), "extension_no_reasons" (two more months, no reasons), "fee"
    # (a fee, or "manifestly unfounded or excessive"); "" when the message makes none of these.
    variant: str = ""
    # Set when a gate (not a rule) decided: list or bulk mail, a personal sender, a foreign language …
    gate: str = ""


class ActionKind(enum.StrEnum):
    """What to do with a classified message."""

    REPLY = "reply"
    RECORD = "record"
    HOLD = "hold"
    IGNORE = "ignore"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Action:
    """The decision for one message: reply with a template, record, hold or ignore."""

    kind: ActionKind
    reason: str
    template: str | None = None
    language: str = "en"
    to: str = ""
    send: bool = False
    form: str = ""
    # A placeholder the person fills in for an identifier the controller asks for and mailbot does not know.
    fill_in: str = ""


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    """The message a deadline reminder is threaded under: the controller's last, or the person's own request."""

    message_id: str
    sender: str
    subject: str
    language: str
    category: Category = Category.UNKNOWN
    references: tuple[str, ...] = ()


class DeliveryStatus(enum.StrEnum):
    """Where a reply stands in the exactly-once protocol; the values are what the state file stores."""

    PENDING = "pending"  # recorded before writing or sending: looked for in Drafts or Sent on the next run
    DELIVERED = "delivered"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # a send that may or may not have gone out: left as a draft for the person

    @property
    def counts(self) -> bool:
        """True for a reply that was, or may have been, written: it answers its message."""
        return self is not DeliveryStatus.FAILED


class DeliveryMode(enum.StrEnum):
    """How a reply was delivered: a draft for the person, or sent by mailbot itself."""

    DRAFT = "draft"
    SEND = "send"


class MessageStatus(enum.StrEnum):
    """What became of a message in the state: handled, held for a human, or failed (to be retried)."""

    DONE = "done"
    HELD = "held"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Identity:
    """The person mailbot writes for."""

    name: str
    email: str
    language: str = "en"
    statement: str = ""
    placeholder: bool = False
    sent_from_account: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete reply message, ready to be drafted or sent."""

    message_id: str
    to: str
    subject: str
    raw: bytes
    category: Category
    template: str
    language: str
