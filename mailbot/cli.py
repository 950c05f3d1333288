"""The click commands; the only place where errors become messages and exit codes."""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from mailbot import __version__, logs
from mailbot import cases as case_clock
from mailbot.checks import run_checks
from mailbot.classify import classify
from mailbot.cli_cases import case_group
from mailbot.compose import ReplyOptions, compose
from mailbot.config import (
    MODES,
    PLACEHOLDER_IDENTITY,
    STARTER,
    Settings,
    default_config_path,
    default_state_path,
    load_accounts,
    load_config,
)
from mailbot.decide import SUPPORTED_LANGUAGES, Policy, decide
from mailbot.errors import MailbotError
from mailbot.mailboxes import Mailbox
from mailbot.mailboxes.imap import ImapMailbox
from mailbot.mailboxes.maildir import MaildirMailbox
from mailbot.models import ActionKind, Verdict
from mailbot.parse import parse
from mailbot.pipeline import Pipeline, PipelineSettings, pipeline_settings
from mailbot.rules import Ruleset, bundled_rules
from mailbot.service import serve
from mailbot.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"mailbot: error: {message}", err=True)


def _rules() -> Ruleset:
    try:
        ruleset = bundled_rules()
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    # Rules, templates and imports live as long as the process: keep the cyclic garbage
    # collector from walking them again on every collection (~30 % faster classification).
    gc.freeze()
    return ruleset


def read_message_file(path: Path) -> bytes:
    """The bytes of an .eml file, or a MailbotError that says why not."""
    from mailbot.errors import MessageFileError

    try:
        if path.is_dir():
            raise MessageFileError(f"{path}: is a directory, not an .eml file")
        return path.read_bytes()
    except MessageFileError:
        raise
    except OSError as exc:
        raise MessageFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def verdict_json(file: str, verdict: Verdict) -> dict[str, Any]:
    """The JSON object of one classified file (the outward contract of `classify --json`)."""
    return {
        "file": file,
        "category": str(verdict.category),
        "platform": verdict.platform,
        "language": verdict.language,
        "confidence": verdict.confidence,
        "rule": verdict.rule,
        "evidence": list(verdict.evidence),
        "ticket": verdict.ticket or None,
    }


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "MAILBOT"})
@click.version_option(__version__, prog_name="mailbot")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs (secrets stay hidden).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Answer platforms' privacy teams on your behalf.

    mailbot reads the replies that platforms send to your GDPR objections and
    requests, recognises what each one is, and drafts the right answer.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@cli.command(name="classify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON Lines: file, category, platform, language, confidence, rule, evidence.",
)
@click.option("--explain", is_flag=True, help="Show every rule considered, with its score.")
def classify_cmd(files: tuple[Path, ...], as_json: bool, explain: bool) -> None:
    """Classify .eml files: category, platform, language, confidence.

    \b
    Examples:
      mailbot classify message.eml
      mailbot classify --json inbox/*.eml
      mailbot classify --explain message.eml

    Exit status 0 when every file was read, 1 when any could not be.
    """
    ruleset = _rules()
    failed = False
    for path in files:
        try:
            message = parse(read_message_file(path))
        except MailbotError as exc:
            _fail(str(exc))
            failed = True
            continue
        verdict = classify(message, ruleset, explain=explain)
        if as_json:
            data = verdict_json(str(path), verdict)
            if explain:
                data["scores"] = [
                    {
                        "rule": s.rule,
                        "category": str(s.category),
                        "score": s.score,
                        "how": s.phrase,
                        "matched": s.matched,
                    }
                    for s in verdict.scores
                ]
            click.echo(json.dumps(data, ensure_ascii=False))
            continue
        click.echo(
            f"{path}\t{verdict.category}\t{verdict.platform}\t{verdict.language or '-'}\t"
            f"{verdict.confidence:.2f}\t{verdict.rule or '-'}"
        )
        if explain:
            for line in verdict.evidence:
                click.echo(f"    evidence: {line}")
            for s in sorted(verdict.scores, key=lambda s: -s.score):
                how = f"  {s.phrase}: {s.matched[:70]!r}" if s.score else ""
                click.echo(f"    {s.score:4.2f}  {s.category:<16} {s.rule}{how}")
    if failed:
        sys.exit(1)


def _settings(config: Path | None, *, required: bool) -> Settings | None:
    """The settings from --config / $MAILBOT_CONFIG / XDG; None when optional and absent."""
    path = config or default_config_path()
    if not required and config is None and not path.exists():
        return None
    try:
        settings = load_config(path)
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in settings.warnings:
        click.echo(f"mailbot: warning: {warning}", err=True)
    return settings


@cli.command(name="reply")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(SUPPORTED_LANGUAGES), help="Write the reply in this language.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
def reply_cmd(file: Path, lang: str | None, config: Path | None) -> None:
    """Print the reply that would be drafted for an .eml file.

    The complete RFC 5322 message goes to stdout. For a message that gets no
    reply, nothing is printed on stdout and the reason goes to stderr (exit 0).

    \b
    Examples:
      mailbot reply message.eml
      mailbot reply --lang de message.eml > reply.eml
    """
    settings = _settings(config, required=False)
    ruleset = _rules()
    try:
        message = parse(read_message_file(file))
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    identity = settings.identity if settings else PLACEHOLDER_IDENTITY
    if settings is None:
        click.echo(
            "mailbot: note: no configuration found; writing for a placeholder identity "
            "(create one with 'mailbot init')",
            err=True,
        )
    own = frozenset({identity.email.lower()}) if settings else frozenset()
    verdict = classify(message, ruleset, own_addresses=own)
    policy = Policy(mode="draft", default_language=identity.language)
    action = decide(message, verdict, ruleset, policy, language=lang)
    if action.kind is not ActionKind.REPLY:
        click.echo(f"mailbot: no reply: {verdict.category}: {action.reason}", err=True)
        return
    reply_settings = settings.reply if settings else None
    options = ReplyOptions(
        statement=identity.statement,
        objection=settings.objection if settings else "",
        ask_erasure=bool(reply_settings and reply_settings.ask_erasure),
        quote_original=reply_settings.quote_original if reply_settings else True,
    )
    try:
        reply = compose(
            action,
            message,
            verdict,
            identity,
            ruleset.platform(verdict.platform),
            now=datetime.now(UTC),
            options=options,
        )
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(reply.raw.decode("utf-8", errors="replace"), nl=False)


@cli.command(name="check")
def check_cmd() -> None:
    """Load the rules and render every template with sample data, reporting every error.

    Exit status 1 when anything is wrong.
    """
    problems = run_checks()
    for problem in problems:
        _fail(problem)
    if problems:
        sys.exit(1)
    click.echo("rules and templates: OK")


@cli.command(name="init")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Where to write (default: the XDG path).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_cmd(config: Path | None, force: bool) -> None:
    """Write a commented starter configuration (mode 0600)."""
    path = config or default_config_path()
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to overwrite")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(STARTER)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {path}; edit it, then try: mailbot scan --mode dry-run")


def _pipeline_settings(settings: Settings | None, mode: str | None, progress: bool) -> PipelineSettings:
    chosen = mode or (settings.reply.mode if settings else "draft")
    if chosen == "send" and (settings is None or settings.smtp is None):
        raise click.ClickException("--mode send needs an [smtp] table in the configuration")
    return pipeline_settings(settings, mode=chosen, progress=progress)


def open_mailbox(settings: Settings | None, maildir: Path | None) -> Mailbox:
    """The Maildir given on the command line, else the configured IMAP account."""
    if maildir is not None:
        return MaildirMailbox(maildir)
    if settings is None or settings.imap is None:
        raise click.ClickException("no [imap] table in the configuration (or use --maildir PATH)")
    return ImapMailbox(settings.imap)


@cli.command(name="scan")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option("--maildir", type=click.Path(path_type=Path), help="Use this local Maildir instead of IMAP.")
@click.option("--mode", type=click.Choice(MODES), help="Override [reply] mode: draft, send or dry-run.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per processed message.")
@click.pass_context
def scan_cmd(ctx: click.Context, config: Path | None, maildir: Path | None, mode: str | None, as_json: bool) -> None:
    """Process what is new in the mailbox once, then exit.

    Prints one row per processed message: sender, subject, category, action.
    Replies become drafts in the Drafts folder unless the mode says otherwise.

    \b
    Examples:
      mailbot scan                      # the configured IMAP account
      mailbot scan --mode dry-run       # show what would be done, change nothing
      mailbot scan --maildir ~/Mail/me  # a local Maildir (drafts go to its .Drafts)
    """
    settings = _settings(config, required=maildir is None)
    if settings is None:
        click.echo("mailbot: note: no configuration found; drafts are written for a placeholder identity", err=True)
    psettings = _pipeline_settings(settings, mode, progress=not as_json)
    state_path = settings.state_path if settings else default_state_path()
    try:
        store = Store(state_path)
        if psettings.mode == "dry-run":
            store = store.snapshot()
        mailbox = open_mailbox(settings, maildir)
        pipeline = Pipeline(psettings, _rules(), store, mailbox, echo=lambda line: click.echo(line, err=True))
        try:
            report = pipeline.scan()
            report.outcomes += pipeline.remind_overdue()
        finally:
            mailbox.close()
            store.close()
    except MailbotError as exc:
        if ctx.obj.get("debug"):
            raise
        raise click.ClickException(str(exc)) from None
    for row in report.outcomes:
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "uid": row.uid,
                        "sender": row.sender,
                        "subject": row.subject,
                        "category": row.category,
                        "action": row.action,
                        "detail": row.detail,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            click.echo(f"{row.sender}\t{row.subject}\t{row.category}\t{row.action}\t{row.detail}")
    replies = sum(1 for r in report.outcomes if r.action == "reply")
    click.echo(
        f"mailbot: {report.examined} new, {report.ignored} not from a platform, {replies} replies "
        f"({psettings.mode}), {report.errors} errors",
        err=True,
    )


@cli.command(name="cases")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per case.")
def cases_cmd(config: Path | None, as_json: bool) -> None:
    """List the cases with their state and Art. 12(3) due date, overdue first."""
    settings = _settings(config, required=False)
    path = settings.state_path if settings else default_state_path()
    if not path.exists():
        click.echo("mailbot: no state yet: run 'mailbot scan' first", err=True)
        return
    try:
        store = Store(path)
        cases = store.cases()
        written = {case.id: store.written(case.id) for case in cases}
        store.close()
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    today = datetime.now(UTC).date()
    for case in cases:
        overdue = case_clock.overdue(case, today)
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": case.id,
                        "platform": case.platform,
                        "subject": case.subject,
                        "ticket": case.ticket or None,
                        "status": case.status,
                        "opened": case.opened,
                        "due": case.due,
                        "overdue": overdue,
                        "controller": case.controller,
                        "types": [t.value for t in case_clock.case_types(case)],
                        "request_date": case_clock.request_day(case).isoformat(),
                        "expired": case_clock.expired(case_clock.case_due(case), today),
                        "last_category": case.last_category,
                        "replies": written[case.id],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            flag = "OVERDUE" if overdue else case.status
            click.echo(
                f"{case.id}\t{case.controller}\t{flag}\tdue {case.due}\t{case.last_category}\t"
                f"{case.ticket or '-'}\t{case.subject}"
            )


@cli.command(name="run")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option("--log-json", is_flag=True, help="Log JSON Lines instead of text lines (stderr).")
@click.pass_context
def run_cmd(ctx: click.Context, config: Path | None, log_json: bool) -> None:
    """Watch the mailbox(es) and answer as messages arrive, until stopped.

    Uses IMAP IDLE when the server has it (re-issued every [service] idle_timeout,
    default 25 minutes), else polls every [service] poll_interval seconds (default 60).
    Every [[accounts]] entry runs on its own; a failing account does not stop the others.
    Connection failures are retried with exponential backoff and jitter.

    \b
    Signals and exit status:
      SIGTERM, SIGINT  finish the message in hand, close connections, exit 0
      exit 1           the configuration is unusable (nothing was started)
    """
    logs.setup(json_lines=log_json, debug=bool(ctx.obj.get("debug")))
    path = config or default_config_path()
    try:
        accounts = load_accounts(path)
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in accounts[0].warnings:
        click.echo(f"mailbot: warning: {warning}", err=True)
    missing = [a.name for a in accounts if a.imap is None]
    if missing:
        raise click.ClickException(f"no [imap] table for account(s): {', '.join(missing)}")
    sys.exit(serve(accounts, _rules()))


cli.add_command(case_group)  # the case commands live in cli_cases


def main() -> None:
    """Entry point of the console script."""
    cli(obj={})
