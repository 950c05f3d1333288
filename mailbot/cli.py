"""The click commands; the only place where errors become messages and exit codes."""

from __future__ import annotations

import dataclasses
import errno
import gc
import importlib
import json
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, cast

import click

from mailbot import __version__, learn, logs
from mailbot import cases as case_clock
from mailbot.classify import classify
from mailbot.config import (
    MODES,
    STARTER,
    Settings,
    default_config_path,
    default_state_path,
    load_accounts,
    load_config,
)
from mailbot.decide import SUPPORTED_LANGUAGES
from mailbot.errors import MailbotError, MailboxError, MessageFileError
from mailbot.mailboxes import Mailbox
from mailbot.mailboxes.imap import ImapMailbox
from mailbot.models import ActionKind, Verdict
from mailbot.parse import parse
from mailbot.pipeline import Outcome, Pipeline, PipelineSettings, ScanReport, pipeline_settings
from mailbot.rules import Exemplar, Ruleset, bundled_rules
from mailbot.store import GivenUp, Store, exclusive

# Exit statuses of every command (DESIGN.md): done; a configuration or usage error (nothing was
# done); done, but some messages failed (each listed with its reason on stderr).
EXIT_OK, EXIT_USAGE, EXIT_FAILED_MESSAGES = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"mailbot: error: {message}", err=True)


class Failure(click.ClickException):
    """One line on stderr, `mailbot: error: …`, and exit status 1."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the one line."""
        click.echo(f"mailbot: error: {self.format_message()}", file=file, err=file is None)


class MailbotGroup(click.Group):
    """The command group: the one place where errors become one line and an exit status.

    A MailbotError, a ClickException, or any unexpected exception ends the command with one line on
    stderr and exit status 1 (with --debug: the traceback); command modules raise and never convert.
    A usage error exits 1 too (click's own default is 2, which mailbot keeps for "some messages failed").
    """

    # Commands defined in their own modules, imported only when used (or listed by --help):
    # a scan need not load the code of the complaint, case or teach commands.
    lazy_commands: ClassVar[dict[str, tuple[str, str]]] = {
        "case": ("mailbot.cli_cases", "case_group"),
        "complaint": ("mailbot.cli_complaint", "complaint_cmd"),
        "teach": ("mailbot.cli_teach", "teach_cmd"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, the lazily imported ones included."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module on first use."""
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            module, name = self.lazy_commands[cmd_name]
            command = getattr(importlib.import_module(module), name)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """Parse the group's own options; a usage error exits 1."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            setattr(exc, "exit_code", EXIT_USAGE)  # noqa: B010 - click types it as a class constant
            raise

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; convert what it raises."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            setattr(exc, "exit_code", EXIT_USAGE)  # noqa: B010 - click types it as a class constant
            raise
        except Failure:
            raise
        except click.ClickException as exc:  # raised by a command module: the same one line, the same status
            raise Failure(exc.format_message()) from None
        except (click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            if ctx.params.get("debug"):
                raise
            if ctx.invoked_subcommand == "scan":
                raise Failure(
                    "interrupted; what was done is recorded, and the next scan continues from there"
                ) from None
            raise Failure("interrupted") from None
        except MailbotError as exc:
            if ctx.params.get("debug"):
                raise
            raise Failure(str(exc)) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE or ctx.params.get("debug"):
                raise  # click quiets a closed pipe (`mailbot classify … | head`)
            raise Failure(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")) from None
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise Failure(
                f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback, and report it)"
            ) from None


def help_values() -> dict[str, object]:
    """What help texts state, taken from where each value is defined, so that the two cannot drift."""
    from mailbot.config import DEFAULTS
    from mailbot.retry import LOGIN_ATTEMPTS, MESSAGE_ATTEMPTS, MESSAGE_WAIT, seconds

    return {
        "idle_timeout": f"{DEFAULTS.idle_timeout:g}",
        "poll_interval": f"{DEFAULTS.poll_interval:g}",
        "login_attempts": LOGIN_ATTEMPTS,
        "message_attempts": MESSAGE_ATTEMPTS,
        "retry_minutes": ", ".join(f"{seconds(MESSAGE_WAIT, n) / 60:g}" for n in range(1, MESSAGE_ATTEMPTS)),
    }


class StatesDefaults(click.Command):
    """A command whose help names defaults as {placeholders} (see help_values), filled in when shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The help text with every placeholder filled in."""
        import inspect

        text = inspect.cleandoc(self.help or "").partition("\f")[0].format_map(help_values())
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)


def _rules() -> Ruleset:
    from mailbot import startcache

    startcache.load()  # compiled patterns and Babel's month names from earlier runs
    ruleset = bundled_rules()
    # Rules, templates and imports live as long as the process: keep the cyclic garbage
    # collector from walking them again on every collection (~30 % faster classification).
    gc.freeze()
    return ruleset


# The first line of an e-mail is a header field ("Name: value"), after an optional mbox "From " line.
_MBOX_FROM = re.compile(rb"\AFrom [^\r\n]*\r?\n")
_FIELD = re.compile(rb"\A[\x21-\x39\x3b-\x7e]+[ \t]*:")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_ENVELOPE_FIELDS = re.compile(rb"^(from|to|subject|date|message-id|received|sender|reply-to)[ \t]*:", re.I | re.M)


def read_message_file(path: Path) -> bytes:
    """The bytes of an .eml file, or a MessageFileError that says in one line why not.

    A file that is not an e-mail (empty, binary, or without a header block naming at least one of
    From, To, Subject, Date, Message-ID) is refused rather than classified as if it were one.
    """
    try:
        if path.is_dir():
            raise MessageFileError(f"{path}: is a directory, not an .eml file")
        data = path.read_bytes()
    except MessageFileError:
        raise
    except OSError as exc:
        raise MessageFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise MessageFileError(f"{path}: is empty, not an e-mail")
    body = _MBOX_FROM.sub(b"", data, count=1)
    end = _HEADER_END.search(body)
    head = body[: end.start()] if end else body
    if not _FIELD.match(body) or b"\0" in head or not _ENVELOPE_FIELDS.search(head):
        raise MessageFileError(f"{path}: not an e-mail (no header block with From, To, Subject or Date)")
    return data


def verdict_json(file: str, verdict: Verdict, held: str = "") -> dict[str, Any]:
    """The JSON object of one classified file (the outward contract of `classify --json`); `held` says why a
    scan would hold the message for the person ("" when it would not)."""
    return {
        "file": file,
        "category": str(verdict.category),
        "platform": verdict.platform,
        "language": verdict.language,
        "confidence": verdict.confidence,
        "rule": verdict.rule,
        "evidence": list(verdict.evidence),
        "ticket": verdict.ticket or None,
        "variant": verdict.variant or None,
        "gate": verdict.gate or None,
        "held": held or None,
    }


@click.group(
    cls=MailbotGroup, context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "MAILBOT"}
)
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


@cli.command(name="classify", short_help="Classify .eml files: category, platform, language.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON Lines: file, category, platform, language, confidence, rule, evidence, held.",
)
@click.option("--explain", is_flag=True, help="Show every rule considered, with its score.")
@click.option(
    "--config", "config", type=click.Path(path_type=Path), help="Configuration file (for its lessons and cases)."
)
def classify_cmd(files: tuple[Path, ...], as_json: bool, explain: bool, config: Path | None) -> None:
    """Classify .eml files: category, platform, language, confidence.

    \b
    Examples:
      mailbot classify message.eml
      mailbot classify --json inbox/*.eml
      mailbot classify --explain message.eml

    What you taught (mailbot teach, the Mailbot/<category> folders) counts, as in a scan.
    A message a scan would hold for you (a sender that failed verification or does
    not write for the case's controller, a message not read in full ...) says so:
    a last column "held: why" (in --json the key "held", else null).

    Exit status 0 when every file was read, 1 when any could not be.
    """
    ruleset = _rules()
    settings = _settings(config, required=False)
    learned = _learned(settings)
    failed = False
    with _preview(settings, ruleset) as scan:
        for path in files:
            try:
                message = parse(read_message_file(path))
            except MailbotError as exc:
                _fail(str(exc))
                failed = True
                continue
            verdict = classify(message, ruleset, explain=explain, learned=learned)
            _show_verdict(str(path), verdict, scan.held(message), as_json=as_json, explain=explain)
    if failed:
        sys.exit(EXIT_USAGE)


def _show_verdict(path: str, verdict: Verdict, held: str, *, as_json: bool, explain: bool) -> None:
    """One classified file: a JSON line, or a line of tab-separated columns (and with --explain the rules)."""
    if as_json:
        data = verdict_json(path, verdict, held)
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
        return
    click.echo(
        f"{path}\t{verdict.category}\t{verdict.platform}\t{verdict.language or '-'}\t"
        f"{verdict.confidence:.2f}\t{verdict.rule or '-'}" + (f"\theld: {held}" if held else "")
    )
    if explain:
        for line in verdict.evidence:
            click.echo(f"    evidence: {line}")
        for s in sorted(verdict.scores, key=lambda s: -s.score):
            how = f"  {s.phrase}: {s.matched[:70]!r}" if s.score else ""
            click.echo(f"    {s.score:4.2f}  {s.category:<16} {s.rule}{how}")


def _settings(config: Path | None, *, required: bool) -> Settings | None:
    """The settings from --config / $MAILBOT_CONFIG / XDG; None when optional and absent."""
    path = config or default_config_path()
    if not required and config is None and not path.exists():
        return None
    settings = load_config(path)
    for warning in settings.warnings:
        click.echo(f"mailbot: warning: {warning}", err=True)
    return settings


class _NoMailbox:
    """The mailbox of a preview: it is never read or written."""

    def __getattr__(self, name: str) -> Any:
        raise MailboxError(f"a preview touches no mailbox ({name})")


@contextmanager
def _preview(settings: Settings | None, ruleset: Ruleset) -> Iterator[Pipeline]:
    """A pipeline that decides as a scan would, on a copy of the state: it touches no mailbox and writes nothing."""
    state_path = settings.state_path if settings else default_state_path()
    store = Store(state_path, readonly=True) if state_path.exists() else Store(":memory:")
    try:
        yield Pipeline(
            pipeline_settings(settings, mode="dry-run", progress=False),
            ruleset,
            store,
            cast(Mailbox, _NoMailbox()),
            state_path=state_path,
        )
    finally:
        store.close()


def _learned(settings: Settings | None) -> tuple[Exemplar, ...]:
    """The person's lessons for the account's state (none before any was taught)."""
    return learn.exemplars_for(settings.state_path if settings else default_state_path())


@cli.command(name="reply", short_help="Print the reply that would be drafted for an .eml file.")
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
    message = parse(read_message_file(file))
    if settings is None:
        click.echo(
            "mailbot: note: no configuration found; writing for a placeholder identity "
            "(create one with 'mailbot init')",
            err=True,
        )
    # The very path of a scan, on a copy of the state (dry-run): the same case, clock, account and reply.
    with _preview(settings, _rules()) as pipeline:
        verdict, action, reply = pipeline.preview(message, language=lang)
    if reply is None:
        held = "held for you: " if action.kind is ActionKind.HOLD else ""
        click.echo(f"mailbot: no reply: {verdict.category}: {held}{action.reason}", err=True)
        return
    click.echo(reply.raw.decode("utf-8", errors="replace"), nl=False)


@cli.command(name="check", short_help="Check the rules and render every template.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file to check too.")
def check_cmd(config: Path | None) -> None:
    """Load the rules and render every template with sample data, reporting every error.

    Also checks the configuration (--config, else $MAILBOT_CONFIG, else the
    XDG path) when there is one: what the other commands would refuse is an
    error here too.
    Exit status 1 when anything is wrong.
    """
    from mailbot.checks import config_problems, config_warnings, run_checks  # renders every template: only `check`

    if config is not None and not config.expanduser().exists():
        raise Failure(f"{config}: no configuration file (create one with 'mailbot init')")
    problems = config_problems(config) + run_checks()
    for warning in config_warnings(config):
        click.echo(f"mailbot: warning: {warning}", err=True)
    for problem in problems:
        _fail(problem)
    if problems:
        sys.exit(EXIT_USAGE)
    click.echo("rules and templates: OK")


@cli.command(name="init", short_help="Write a commented starter configuration.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Where to write (default: the XDG path).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_cmd(config: Path | None, force: bool) -> None:
    """Write a commented starter configuration (mode 0600)."""
    path = config or default_config_path()
    if path.exists() and not force:
        raise Failure(f"{path} exists; use --force to overwrite")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(STARTER)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise Failure(f"{path}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {path}; edit it, then try: mailbot scan --mode dry-run")


def _pipeline_settings(settings: Settings | None, mode: str | None, progress: bool) -> PipelineSettings:
    chosen = mode or (settings.reply.mode if settings else "draft")
    if chosen == "send" and (settings is None or settings.smtp is None):
        raise Failure("--mode send needs an [smtp] table in the configuration")
    return pipeline_settings(settings, mode=chosen, progress=progress)


def complete_maildir(path: Path) -> None:
    """Add the cur/, new/ and tmp/ folders a Maildir lacks (git, for one, keeps no empty folder)."""
    path = path.expanduser()
    if not path.is_dir():
        raise MailboxError(f"{path}: no such Maildir")
    if not any((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
        raise MailboxError(f"{path}: not a Maildir (no cur/, new/ or tmp/ folder)")
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(exist_ok=True)


def open_mailbox(settings: Settings | None, maildir: Path | None) -> Mailbox:
    """The Maildir given on the command line, else the configured IMAP account."""
    if maildir is not None:
        complete_maildir(maildir)
        from mailbot.mailboxes.maildir import MaildirMailbox  # only --maildir needs it

        return MaildirMailbox(maildir)
    if settings is None or settings.imap is None:
        raise Failure("no [imap] table in the configuration (or use --maildir PATH)")
    return ImapMailbox(settings.imap)


@cli.command(name="scan", cls=StatesDefaults, short_help="Process what is new in the mailbox once.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option("--maildir", type=click.Path(path_type=Path), help="Use this local Maildir instead of IMAP.")
@click.option(
    "--mode",
    type=click.Choice(MODES),
    help="Override [reply] mode: draft, send or dry-run (default: the [reply] mode).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per processed message.")
def scan_cmd(config: Path | None, maildir: Path | None, mode: str | None, as_json: bool) -> None:
    """Process what is new in the mailbox once, then exit.

    Prints one row per processed message: sender, subject, category, action.
    Replies become drafts in the Drafts folder unless the mode says otherwise.
    A message that fails is tried again by later scans after a growing delay
    ({retry_minutes} minutes); after {message_attempts} failed attempts it is
    listed by 'mailbot cases' for you to look at.

    \b
    Examples:
      mailbot scan                      # the configured IMAP account
      mailbot scan --mode dry-run       # show what would be done, change nothing
      mailbot scan --maildir ~/Mail/me  # a local Maildir (drafts go to its .Drafts)

    Ctrl-C finishes the message in hand and prints what was done (exit
    status 0); the next scan takes up the rest. Ctrl-C again stops at once.

    \b
    Exit status:
      0  done
      1  configuration or usage error, or the mailbox could not be reached
      2  done, but some messages failed (each listed with its reason on stderr)
    """
    # Drafts go out in the person's name: without a configuration only a dry run may look.
    settings = _settings(config, required=maildir is None or mode != "dry-run")
    if settings is None:
        click.echo("mailbot: note: no configuration found; a dry run for a placeholder identity", err=True)
    psettings = _pipeline_settings(settings, mode, progress=not as_json)
    state_path = settings.state_path if settings else default_state_path()
    # A dry run's pipeline works on a copy of the state, and creates none where there is none yet.
    dry = psettings.mode == "dry-run"
    with nullcontext() if dry else exclusive(state_path):  # a dry run changes no state: it needs no lock
        report, given_up, pending, next_try = _scan(settings, psettings, state_path, maildir)
    _print_scan(report, psettings, given_up, pending, next_try, as_json)


def _scan(
    settings: Settings | None, psettings: PipelineSettings, state_path: Path, maildir: Path | None
) -> tuple[ScanReport, list[GivenUp], int, datetime | None]:
    """One scan and its deadline reminders; the report, the messages given up on, and the retries pending."""
    dry = psettings.mode == "dry-run"
    store = Store(":memory:") if dry and not state_path.exists() else Store(state_path)
    try:
        mailbox = open_mailbox(settings, maildir)
        if isinstance(mailbox, ImapMailbox):
            mailbox.start_connect()  # logging in overlaps loading the rules
        try:
            with _first_ctrl_c_stops() as stopping:
                pipeline = Pipeline(
                    psettings,
                    _rules(),
                    store,
                    mailbox,
                    echo=lambda line: click.echo(line, err=True),
                    state_path=state_path,
                    should_stop=stopping,
                )
                report = pipeline.scan()
                if not stopping():
                    report.outcomes += remind(pipeline, report)
        finally:
            mailbox.close()
        given_up = store.given_up()
        pending, next_try = store.retries_pending()
    finally:
        store.close()
    return report, given_up, pending, next_try


def _print_scan(
    report: ScanReport,
    psettings: PipelineSettings,
    given_up: list[GivenUp],
    pending: int,
    next_try: datetime | None,
    as_json: bool,
) -> None:
    """The scan's rows on stdout; its summary, retries and failures on stderr (exit 2 when some failed)."""
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
                        "reply_message_id": row.reply_id,
                        "to": row.to,
                        "template": row.template,
                        "in_reply_to": row.in_reply_to,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            click.echo(f"{row.sender}\t{row.subject}\t{row.category}\t{row.action}\t{row.detail}")
    click.echo(scan_summary(report, psettings.mode), err=True)
    if report.stopped:
        click.echo("mailbot: stopped by Ctrl-C; the next scan takes up the rest", err=True)
    if pending:
        click.echo(
            f"mailbot: {pending} failed message(s) wait to be tried again, the next after {next_try:%Y-%m-%d %H:%M} "
            "UTC (by a later scan, or by 'mailbot run')",
            err=True,
        )
    failed = [r for r in report.outcomes if r.action == "error"]
    for row in failed:
        who = row.sender or (f"message {row.uid}" if row.uid else "?")
        click.echo(f"mailbot: failed: {who}: {row.subject!r}: {row.detail}", err=True)
    earlier = len(given_up) - sum(1 for r in failed if "gave up" in r.detail)
    if earlier > 0:
        click.echo(f"mailbot: {earlier} earlier message(s) failed for good: see 'mailbot cases'", err=True)
    if failed:
        sys.exit(EXIT_FAILED_MESSAGES)


@contextmanager
def _first_ctrl_c_stops() -> Iterator[Callable[[], bool]]:
    """While a scan runs, a first Ctrl-C lets it finish the message in hand and report what it did (the
    rows and the summary, which it prints at the end); a second one stops it at once."""
    stop = threading.Event()

    def interrupted(_signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.echo("mailbot: stopping after the message in hand (Ctrl-C again to stop at once)", err=True)

    try:
        previous = signal.signal(signal.SIGINT, interrupted)
    except ValueError:  # not the main thread: Ctrl-C keeps its usual meaning
        yield stop.is_set
        return
    if previous is signal.SIG_IGN:  # started in the background, where Ctrl-C is not for it
        signal.signal(signal.SIGINT, previous)
        yield stop.is_set
        return
    try:
        yield stop.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


def scan_summary(report: ScanReport, mode: str) -> str:
    """The scan's summary line: new mail and retries, what was passed over and why, what was written."""
    from mailbot.pipeline import PASSED_STRANGER

    replies = sum(1 for r in report.outcomes if r.action == "reply")
    reminders = sum(1 for r in report.outcomes if r.action == "reminder")
    new = report.examined - report.retried
    retried = f", {report.retried} retried" if report.retried else ""
    # "not from a platform" always (scripts read it); mailing lists, bounces and the person's own only when met.
    passed = {PASSED_STRANGER: 0, **report.passed_over}
    over = "".join(f", {n} {why}" for why, n in passed.items() if n or why == PASSED_STRANGER)
    return (
        f"mailbot: {new} new{retried}{over}, {replies} replies, {reminders} reminders ({mode}), {report.errors} errors"
    )


def remind(pipeline: Pipeline, report: ScanReport) -> list[Outcome]:
    """Deadline reminders after a scan; a reminder that cannot be written counts as a failure."""
    try:
        return pipeline.remind_overdue()
    except MailbotError as exc:
        report.errors += 1
        return [Outcome(0, "", "deadline reminders", "overdue", "error", str(exc))]


@cli.command(name="cases", cls=StatesDefaults, short_help="List the cases, their state and due date.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per case (and per failed message).")
def cases_cmd(config: Path | None, as_json: bool) -> None:
    """List the cases with their state and Art. 12(3) due date, overdue first.

    Then the messages mailbot gave up on after {message_attempts} failed attempts, with
    the reason (in --json: objects with "failed": true).
    """
    settings = _settings(config, required=False)
    path = settings.state_path if settings else default_state_path()
    if not path.exists():
        click.echo("mailbot: no state yet: run 'mailbot scan' first", err=True)
        return
    store = Store(path, readonly=True)
    try:
        cases = store.cases()
        written = {case.id: store.written(case.id) for case in cases}
        unanswered = {case.id: store.not_answered(case.id) for case in cases}
        timelines = {case.id: store.timeline(case.id) for case in cases} if as_json else {}
        given_up = store.given_up()
    finally:
        store.close()
    today = datetime.now(UTC).date()
    from mailbot.cli_cases import request_json
    from mailbot.complaint import proposes_complaint

    # After a refusal or an expired deadline, the Art. 77 complaint is the next step: say so.
    complaint = {
        case.id: proposes_complaint(case.status, case.last_category, case_clock.case_due(case), today) for case in cases
    }
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
                        "request": request_json(case),
                        "events": timelines[case.id],
                        "replies": [dataclasses.asdict(w) for w in written[case.id]],
                        "not_answered": unanswered[case.id],
                        "complaint": f"mailbot complaint {case.id}" if complaint[case.id] else None,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            flag = "OVERDUE" if overdue else case.status
            proposal = f"\tcomplaint ready: mailbot complaint {case.id}" if complaint[case.id] else ""
            click.echo(
                f"{case.id}\t{case.controller}\t{flag}\tdue {case.due}\t{case.last_category}\t"
                f"{case.ticket or '-'}\t{case.subject}{proposal}"
            )
    for row in given_up:
        if as_json:
            click.echo(json.dumps({"failed": True, **dataclasses.asdict(row)}, ensure_ascii=False))
        else:
            click.echo(f"FAILED\t{row.sender or '-'}\t{row.subject!r}\t{row.attempts} attempts\t{row.error}")
    if not cases and not given_up and not as_json:
        click.echo(
            "mailbot: no cases yet: a case opens with a request found in your Sent folder, a controller's "
            "answer, or 'mailbot case open'",
            err=True,
        )


@cli.command(name="run", cls=StatesDefaults, short_help="Watch the mailbox and answer as mail arrives.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file.")
@click.option("--log-json", is_flag=True, help="Log JSON Lines instead of text lines (stderr).")
@click.pass_context
def run_cmd(ctx: click.Context, config: Path | None, log_json: bool) -> None:
    """Watch the mailbox(es) and answer as messages arrive, until stopped.

    Uses IMAP IDLE when the server has it, re-issued every [service] idle_timeout
    seconds (default {idle_timeout}) or sooner when a failed message is due again; else
    polls every [service] poll_interval seconds (default {poll_interval}).
    Every [[accounts]] entry runs on its own; a failing account does not stop the others.
    Connection failures are retried with exponential backoff and jitter; a login
    refused {login_attempts} times in a row stops that account (a provider may lock it).

    \b
    Signals and exit status:
      SIGTERM, SIGINT  finish the message in hand, close connections, exit 0
      exit 1           the configuration is unusable (nothing was started), or an
                       account stopped because its login was refused
    """
    logs.setup(json_lines=log_json, debug=bool(ctx.obj.get("debug")))
    accounts = load_accounts(config or default_config_path())
    for warning in accounts[0].warnings:
        click.echo(f"mailbot: warning: {warning}", err=True)
    missing = [a.name for a in accounts if a.imap is None]
    if missing:
        raise Failure(f"no [imap] table for account(s): {', '.join(missing)}")
    from mailbot.service import serve  # only the service needs it

    with ExitStack() as held:
        for path in sorted({a.state_path for a in accounts}):  # accounts may share one state
            held.enter_context(exclusive(path, waiting=lambda why: click.echo(f"mailbot: {why}", err=True)))
        sys.exit(serve(accounts, _rules()))


def main() -> None:
    """Entry point of the console script."""
    cli(obj={})
