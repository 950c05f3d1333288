"""`mailbot complaint ID`: an Art. 77 GDPR complaint from a case, as a draft e-mail or a folder for a web form."""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import click

from mailbot.cases import BASIS_CONTROLLER
from mailbot.complaint import (
    CaseFacts,
    Event,
    attachment_name,
    build_complaint,
    complaint_files,
    complaint_message,
    names_remedies,
)
from mailbot.config import Settings, default_config_path, default_state_path, load_config
from mailbot.errors import MailbotError
from mailbot.models import DeliveryMode, DeliveryStatus, Identity, RequestType
from mailbot.parse import parse
from mailbot.rules import Authority, Ruleset, bundled_rules
from mailbot.store import CaseRow, Store

_MESSAGE_ID = re.compile(rb"^message-id:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
_HEAD_BYTES = 64 * 1024
_MAX_FILES = 20_000


def choose_authority(choice: str, ruleset: Ruleset, lead_key: str, identity: Identity, country: str = "") -> Authority:
    """The authority `--authority` names: "lead" (the controller's, Art. 56), "home" (the person's, by
    [identity] country, else language: Art. 77(1)), or a key of rules/authorities.toml."""
    homes = dict(ruleset.home_authorities)
    if choice == "lead":
        key = lead_key
    elif choice == "home":
        key = homes.get(country.upper(), "") or homes.get(identity.language, "")
    else:
        key = choice
    authority = ruleset.authority(key) if key else None
    if authority is None:
        known = ", ".join(a.key for a in ruleset.authorities)
        raise MailbotError(f"no supervisory authority {key or choice!r} (known: {known}; or home, lead)")
    return authority


def find_messages(folders: tuple[Path, ...], wanted: set[str]) -> dict[str, bytes]:
    """The .eml / Maildir files under `folders` whose Message-ID is one of `wanted` (read-only)."""
    found: dict[str, bytes] = {}
    seen = 0
    for folder in folders:
        for path in _files(folder):
            seen += 1
            if seen > _MAX_FILES or len(found) == len(wanted):
                return found
            try:
                with path.open("rb") as fh:
                    head = fh.read(_HEAD_BYTES)
                match = _MESSAGE_ID.search(head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0])
                if match and match.group(1).decode("ascii", "replace") in wanted:
                    found[match.group(1).decode("ascii", "replace")] = path.read_bytes()
            except OSError:
                continue
    return found


def _files(folder: Path) -> Iterator[Path]:
    for root, _dirs, names in os.walk(folder):
        for name in sorted(names):
            yield Path(root) / name


def case_facts(store: Store, case: CaseRow, ruleset: Ruleset, found: dict[str, bytes]) -> CaseFacts:
    """The facts of a case from the state (read-only), dated by the messages themselves where found."""
    platform = ruleset.platform(case.platform)
    events: list[Event] = []
    reasons = ""
    remedy: bool | None = None
    for row in store.case_history(case.id):
        raw = found.get(str(row["message_id"]))
        # The message's own date; without the file, the one recorded from its Date header when it was
        # filed, never the day mailbot happened to read it.
        when = _date(raw) or _iso(str(row["dated"] or row["seen_at"]))
        events.append(Event(when, False, str(row["category"]), str(row["subject"]), str(row["message_id"])))
        if row["category"] == "rejection":
            reasons = parse(raw).new_text if raw else "; ".join(json.loads(row["evidence"] or "[]"))
            remedy = names_remedies(reasons, ruleset.relevance.remedy_named) if raw else None
    for reply in store.written(case.id):
        raw = found.get(reply.message_id)
        if reply.status is not DeliveryStatus.DELIVERED or (reply.mode is DeliveryMode.DRAFT and raw is None):
            # A draft is a reply only once the person sent it: found in the folders given (their Sent).
            continue
        when = _date(raw) or _iso(reply.at or "")
        events.append(Event(when, True, reply.kind, "", reply.message_id))
    types = tuple(RequestType(t) for t in getattr(case, "types", ()) or () if t in set(RequestType))
    return CaseFacts(
        case_id=case.id,
        controller=platform.name if platform else case.platform,
        types=types or (RequestType.OBJECTION,),
        request_date=_iso(case.opened),
        request_dated=case.due_basis != BASIS_CONTROLLER,
        due=_iso(case.due),
        extended=case.extended,
        ticket=case.ticket,
        events=tuple(events),
        refusal_reasons=reasons,
        remedy_named=remedy,
        lead_authority=platform.lead_authority if platform else "",
    )


def _iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _date(raw: bytes | None) -> date | None:
    if not raw:
        return None
    value = email.message_from_bytes(raw[:_HEAD_BYTES], policy=email.policy.compat32)["Date"]
    try:
        return email.utils.parsedate_to_datetime(str(value)).date() if value else None
    except (TypeError, ValueError, IndexError):
        return None


@click.command(name="complaint", short_help="Build an Art. 77 complaint about a case, ready to file.")
@click.argument("case_id", type=int)
@click.option(
    "--authority",
    default="lead",
    show_default=True,
    help="lead (the controller's lead authority, Art. 56), home ([identity] country, else language), "
    "or a key of rules/authorities.toml such as it-garante or de-hh.",
)
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option(
    "--messages",
    "folders",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="A folder of .eml files or a Maildir to take the case's messages from (repeatable).",
)
@click.option("--out", type=click.Path(path_type=Path), help="Where to write (default: ./complaint-ID[.eml]).")
def complaint_cmd(
    case_id: int, authority: str, config: Path | None, folders: tuple[Path, ...], out: Path | None
) -> None:
    """Build an Art. 77 GDPR complaint about case ID, ready to file.

    The complaint gives the facts (the request and its date, each answer, the deadlines
    missed, the refusal's reasons), the provisions infringed and what you ask the
    authority to do, in the authority's language, with the case's messages found under
    --messages attached as .eml. Where the authority takes complaints by e-mail it is a
    draft addressed to it (an .eml file to open and send); otherwise a folder with the
    text and the attachments for its web form. Nothing is sent.
    """
    path = config or default_config_path()
    settings: Settings | None = load_config(path) if path.exists() or config else None
    state = settings.state_path if settings else default_state_path()
    identity = settings.identity if settings else Identity("", "")
    if not identity.email:
        raise MailbotError("the complaint needs your [identity] name and email: run 'mailbot init'")
    if not state.exists():
        raise MailbotError("no state yet: run 'mailbot scan' first")
    ruleset = bundled_rules()
    store = Store(state, readonly=True)
    try:
        case = store.case(case_id)
        if case is None:
            raise MailbotError(f"no case {case_id}: see 'mailbot cases'")
        history = store.case_history(case.id)
        wanted = {str(r["message_id"]) for r in history} | {r.message_id for r in store.written(case.id)}
        wanted.discard("")
        found = find_messages(folders, wanted)
        facts = case_facts(store, case, ruleset, found)
        if settings and case.platform in settings.controller_accounts:
            facts = replace(facts, account=settings.controller_accounts[case.platform])
    finally:
        store.close()
    chosen = choose_authority(authority, ruleset, facts.lead_authority, identity, settings.country if settings else "")
    ordered = sorted(facts.events, key=lambda e: (e.when or date.min, not e.outgoing))
    attachments = tuple(
        (attachment_name(i, e, found[e.message_id]), found[e.message_id])
        for i, e in enumerate((e for e in ordered if e.message_id in found), start=1)
    )
    today = datetime.now(UTC).date()
    lead = ruleset.authority(facts.lead_authority) if facts.lead_authority else None
    complaint = build_complaint(facts, identity, chosen, today=today, attachments=attachments, lead=lead)
    if complaint.by_email:
        target = out or Path(f"complaint-{case_id}.eml")
        target.write_bytes(complaint_message(complaint, identity, datetime.now(UTC)))
        click.echo(f"{target}: a draft to {complaint.to} ({chosen.name('en')}), {len(attachments)} attachment(s)")
    else:
        target = out or Path(f"complaint-{case_id}")
        target.mkdir(parents=True, exist_ok=True)
        for name, data in complaint_files(complaint).items():
            (target / name).write_bytes(data)
        click.echo(f"{target}/: complaint.txt and {len(attachments)} attachment(s) for the web form {complaint.form}")
    missing = len(wanted) - len(found)
    if missing:
        click.echo(f"mailbot: {missing} message(s) of the case were not found (use --messages DIR)", err=True)
