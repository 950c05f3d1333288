"""Builds an Art. 77 GDPR complaint from a case: the text, the infringed provisions and the evidence (pure)."""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mailbot.compose import flowed, format_date, render
from mailbot.errors import TemplateError
from mailbot.models import Identity, RequestType
from mailbot.rules import Authority

# Categories of a controller's message that refuse or obstruct, and the provision each one infringes.
_INFRINGED_BY = {
    "rejection": "12(4)",
    "request_info": "12(2)",
    "clarification": "12(2)",
    "identity_check": "12(6)",
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Event:
    """One message of the case: who wrote, when, what it was."""

    when: date | None
    outgoing: bool  # True: the person (or mailbot for them) wrote to the controller
    kind: str  # a category for the controller's messages; "request", "reply", "reminder" for the person's
    subject: str = ""
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the state knows of a case, as the complaint needs it."""

    case_id: int
    controller: str
    types: tuple[RequestType, ...] = (RequestType.OBJECTION,)
    request_date: date | None = None
    # False when the request's own date is unknown and the controller's first answer stands in for it: the
    # request was made by then, and the complaint says "at the latest" rather than state a date as fact.
    request_dated: bool = True
    due: date | None = None
    extended: bool = False
    ticket: str = ""
    account: str = ""
    events: tuple[Event, ...] = ()
    refusal_reasons: str = ""
    # Whether the refusal's own text named the person's remedies (a complaint, a court; Art. 12(4) GDPR):
    # None when that text was not found, and then the complaint makes no claim about it.
    remedy_named: bool | None = None
    variants: tuple[str, ...] = ()
    lead_authority: str = ""


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint ready to file: by e-mail (`to`) or through the authority's web form (`form`)."""

    authority: str
    language: str
    to: str
    form: str
    subject: str
    text: str
    attachments: tuple[tuple[str, bytes], ...] = field(default=())

    @property
    def by_email(self) -> bool:
        """True when the authority takes complaints by e-mail."""
        return bool(self.to)


def proposes_complaint(status: str, last_category: str, due: date | None, today: date) -> bool:
    """True when a case calls for the Art. 77 complaint: the controller refused, or the deadline passed unmet.

    For `mailbot cases` and the reminder ("a complaint is ready: mailbot complaint ID").
    """
    if last_category == "acceptance" or status == "closed":
        return False
    return last_category == "rejection" or (due is not None and due < today)


def names_remedies(text: str, remedy_named: re.Pattern[str] | None) -> bool:
    """True when a refusal's text names the person's remedies (rules/relevance.toml `remedy_named`, lower case)."""
    return bool(remedy_named and remedy_named.search(text.lower()))


def infringed(facts: CaseFacts, today: date) -> list[str]:
    """The provisions the controller infringed, in the order a complaint argues them."""
    out = ["core"]
    kinds = {e.kind for e in facts.events if not e.outgoing}
    if facts.due is not None and facts.due < today and "acceptance" not in kinds:
        out.append("12(3)")
    for kind, provision in _INFRINGED_BY.items():
        if provision == "12(4)" and facts.remedy_named is not False:
            continue  # only a refusal read in full and silent on the remedies fails to name them
        if kind in kinds and provision not in out:
            out.append(provision)
    if "fee" in facts.variants:
        out.append("12(5)")
    if "extension_no_reasons" in facts.variants and "12(3)" not in out:
        out.append("12(3)")
    return out


def attachment_name(index: int, event: Event | None, raw: bytes) -> str:
    """A file name for an attached message: its order, date and a short digest (no text from the sender)."""
    when = event.when.isoformat() if event and event.when else "undated"
    return f"{index:02d}-{when}-{hashlib.sha256(raw).hexdigest()[:8]}.eml"


def build_complaint(
    facts: CaseFacts,
    identity: Identity,
    authority: Authority,
    *,
    today: date,
    attachments: tuple[tuple[str, bytes], ...] = (),
    lead: Authority | None = None,
    templates: Path | None = None,
) -> Complaint:
    """The complaint to `authority` about a case, written in the authority's language.

    Args:
        facts: the case as the state knows it.
        identity: the complainant.
        authority: where the complaint goes (rules/authorities.toml).
        today: the complaint's date.
        attachments: (file name, .eml bytes) of the case's messages that could be found.
        lead: the controller's lead supervisory authority (Art. 56 GDPR), named when another one is addressed.
        templates: another templates folder (tests).
    """
    lang = authority.language
    request_date = format_date(facts.request_date, lang) if facts.request_date else ""
    events: list[dict[str, Any]] = []
    if facts.request_date and not any(e.kind == "request" for e in facts.events):
        events.append(
            {
                "date": request_date,
                "latest": not facts.request_dated,
                "outgoing": True,
                "kind": "request",
                "subject": "",
            }
        )
    for event in sorted(facts.events, key=lambda e: (e.when or date.min, not e.outgoing)):
        events.append(
            {
                "date": format_date(event.when, lang) if event.when else "",
                "latest": False,
                "outgoing": event.outgoing,
                "kind": event.kind,
                "subject": event.subject,
            }
        )
    refusals = [e for e in facts.events if not e.outgoing and e.kind == "rejection"]
    context = {
        "authority_name": authority.name(lang),
        "lead_name": lead.name(lang) if lead and lead.key != authority.key else "",
        "identity": {"name": identity.name, "email": identity.email},
        "account": facts.account,
        "controller": facts.controller,
        "ticket": facts.ticket,
        "request": str(facts.types[0]) if facts.types else str(RequestType.OBJECTION),
        "request_date": request_date,
        "due": format_date(facts.due, lang) if facts.due else "",
        "expired": bool(facts.due and facts.due < today),
        "extended": facts.extended,
        "events": events,
        "refused": bool(refusals),
        "refusal_date": format_date(refusals[-1].when, lang) if refusals and refusals[-1].when else "",
        "reasons": " ".join(facts.refusal_reasons.split())[:1500],
        "infringed": infringed(facts, today),
        "attachments": [name for name, _ in attachments],
        "today": format_date(today, lang),
    }
    try:
        text = render(f"complaint.{lang}", context, templates)
    except TemplateError:
        raise
    subject = text.splitlines()[0].strip()
    body = "\n".join(text.splitlines()[2:]).strip() + "\n"
    return Complaint(
        authority=authority.key,
        language=lang,
        to=authority.email,
        form=authority.form,
        subject=subject,
        text=body,
        attachments=attachments,
    )


def complaint_message(complaint: Complaint, identity: Identity, now: datetime) -> bytes:
    """The complaint as an RFC 5322 draft to the authority: the text (format=flowed) and each message as .eml."""
    if not complaint.by_email:
        raise TemplateError(f"{complaint.authority} takes complaints through its web form, not by e-mail")
    # Headers are not folded: a folded Subject would start with an empty line in some clients.
    msg = email.message.EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    msg["From"] = email.utils.formataddr((identity.name, identity.email))
    msg["To"] = complaint.to
    msg["Subject"] = complaint.subject
    msg["Date"] = email.utils.format_datetime(now)
    digest = hashlib.sha256(f"{complaint.authority}\0{complaint.text}".encode()).hexdigest()[:32]
    msg["Message-ID"] = f"<mailbot.complaint.{digest}@{identity.email.rpartition('@')[2] or 'mailbot.invalid'}>"
    msg.set_content(flowed(complaint.text), subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.get_body().set_param("format", "flowed")  # type: ignore[union-attr]
    msg.get_body().set_param("delsp", "no")  # type: ignore[union-attr]
    for name, raw in complaint.attachments:
        msg.add_attachment(raw, maintype="application", subtype="octet-stream", filename=_safe(name))
    return msg.as_bytes()


def complaint_files(complaint: Complaint) -> dict[str, bytes]:
    """The complaint as files for a web form: the text (complaint.txt, README first lines) and the .eml files."""
    head = f"{complaint.form}\n\n" if complaint.form else ""
    files = {"complaint.txt": (head + complaint.subject + "\n\n" + complaint.text).encode()}
    for name, raw in complaint.attachments:
        files[_safe(name)] = raw
    return files


def _safe(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", Path(name).name).strip("._") or "message"
    return cleaned if cleaned.endswith(".eml") else cleaned + ".eml"
