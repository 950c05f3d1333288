"""The `case` commands: open a case for a request made elsewhere, show a case's timeline."""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from mailbot import cases
from mailbot.config import default_config_path, default_state_path, load_config
from mailbot.models import RequestType
from mailbot.net import HOST_NAME
from mailbot.rules import bundled_rules
from mailbot.store import CaseRow, Store

_TYPES = [t.value for t in RequestType]


def _state_path(config: Path | None) -> Path:
    path = config or default_config_path()
    if config is None and not path.exists():
        return default_state_path()
    return load_config(path).state_path


def _open_store(config: Path | None, *, create: bool) -> Store:
    path = _state_path(config)
    if not create and not path.exists():
        raise click.ClickException("no state yet: run 'mailbot scan' or 'mailbot case open' first")
    return Store(path, readonly=not create)


class _CaseGroup(click.Group):
    """`mailbot case ID` shows a case; `mailbot case open …` opens one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(name="case", cls=_CaseGroup, short_help="Show a case's timeline, or open one for a web form.")
def case_group() -> None:
    """Show one case's timeline (mailbot case ID), or open a case (mailbot case open).

    \b
    Examples:
      mailbot case 3
      mailbot case 3 --json
      mailbot case open --controller examplebank.example --type access --date 2025-04-17
    """


def controller_id(value: str) -> str:
    """A controller id from what the person typed: a platform id, an e-mail address or a domain."""
    value = value.strip().lower()
    ruleset = bundled_rules()
    if ruleset.platform(value):
        return value
    if "://" in value:  # the address of its privacy page, pasted from the browser
        value = urllib.parse.urlsplit(value).hostname or ""
    domain = value.rpartition("@")[2].rstrip(".")
    if not HOST_NAME.fullmatch(domain):
        # "https://shop.example/" or "evil..example" used to open a case for a controller no mail could match.
        raise click.BadParameter(f"{value!r} is neither a built-in platform nor a domain", param_hint="--controller")
    return cases.controller_for(domain, ruleset)


@case_group.command(name="open", short_help="Open a case for a request made elsewhere.")
@click.option("--controller", required=True, help="Platform id (meta, google, …), domain or address of the controller.")
@click.option("--type", "types", required=True, multiple=True, type=click.Choice(_TYPES), help="Request type (repeat).")
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]), help="When the request was made.")
@click.option("--text", "text_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Its text.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
def open_cmd(
    controller: str, types: tuple[str, ...], day: datetime, text_file: Path | None, config: Path | None
) -> None:
    """Open a case for a request made through a web form or on paper.

    The Art. 12(3) clock starts on --date. Running the same command twice opens one case.
    """
    cid = controller_id(controller)
    ordered = [t.value for t in RequestType if t.value in types]
    try:
        text = text_file.read_text(encoding="utf-8", errors="replace") if text_file else ""
    except OSError as exc:
        raise click.ClickException(f"{text_file}: cannot read: {exc.strerror}") from None
    request_date = day.date()
    if request_date > datetime.now(UTC).date():
        raise click.UsageError(f"--date {request_date} is in the future: give the day the request was made")
    digest = hashlib.sha256(f"{cid}|{request_date}|{','.join(ordered)}|{text}".encode()).hexdigest()[:24]
    platform = cid if bundled_rules().platform(cid) else "none"
    store = _open_store(config, create=True)
    try:
        case = store.open_request_case(
            controller=cid,
            platform=platform,
            types=ordered,
            request_date=request_date,
            due=cases.due_date(request_date),
            basis=cases.BASIS_MANUAL,
            thread_key=f"<case-open.{digest}@mailbot.invalid>",
            subject=f"{', '.join(ordered)} request to {cid}",
            text=text,
        )
    finally:
        store.close()
    click.echo(
        f"case {case.id}: {cid}, {'+'.join(ordered)}, request {request_date.isoformat()}, "
        f"due {cases.case_due(case).isoformat()}"
    )


def request_json(case: CaseRow) -> dict[str, Any]:
    """The person's request of a case as JSON (in `case --json` and `cases --json`)."""
    return {
        "date": cases.request_day(case).isoformat(),
        "basis": case.due_basis,
        "message_id": case.request_message_id or None,
        "text": case.request_text,
    }


def case_json(case: CaseRow, events: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """A case and its timeline as JSON."""
    due = cases.case_due(case)
    return {
        "id": case.id,
        "controller": case.controller,
        "platform": case.platform,
        "status": case.status,
        "subject": case.subject,
        "ticket": case.ticket or None,
        "types": [t.value for t in cases.case_types(case)],
        "articles": [t.article for t in cases.case_types(case)],
        "request": request_json(case),
        "due": due.isoformat(),
        "due_basis": cases.describe_due(case),
        "extended": case.extended,
        "expired": cases.expired(due, today),
        "overdue": cases.overdue(case, today),
        "events": events,
    }


@case_group.command(name="show", short_help="Print a case's timeline.")
@click.argument("case_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the case, its request and its events.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
def show_cmd(case_id: int, as_json: bool, config: Path | None) -> None:
    """Print a case's timeline: the request, every message in and out, the due date and its basis."""
    store = _open_store(config, create=False)
    try:
        case = store.case(case_id)
        if case is None:
            raise click.ClickException(f"no case {case_id} (see 'mailbot cases')")
        events = store.timeline(case_id)
    finally:
        store.close()
    today = datetime.now(UTC).date()
    data = case_json(case, events, today)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    articles = ", ".join(f"{t} ({a})" for t, a in zip(data["types"], data["articles"], strict=True))
    click.echo(f"case {case.id}\t{case.controller}\t{case.status}\t{case.subject}")
    click.echo(f"request\t{data['request']['date']}\t{articles}\t[{case.due_basis}]")
    for line in case.request_text.strip().splitlines()[:3]:
        click.echo(f"    {line}")
    for e in events:
        arrow = "->" if e["direction"] == "out" else "<-"
        what = e.get("template") or e["category"] or "-"
        click.echo(
            f"{e['date'] or '?'}\t{arrow} {e['direction']}\t{what}\t{e['rule'] or '-'}\t{e['sender']}\t{e['subject']}"
        )
        if e.get("action") == "record" and e.get("reason"):
            click.echo(f"    not answered: {e['reason']}")
    state = "EXPIRED" if data["expired"] else "running"
    click.echo(f"due\t{data['due']}\t{state}\t{data['due_basis']}")
