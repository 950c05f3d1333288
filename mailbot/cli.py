"""The click commands; the only place where errors become messages and exit codes."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mailbot import __version__
from mailbot.classify import classify
from mailbot.errors import MailbotError
from mailbot.models import Verdict
from mailbot.parse import parse
from mailbot.rules import Ruleset, bundled_rules

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"mailbot: error: {message}", err=True)


def _rules() -> Ruleset:
    try:
        return bundled_rules()
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None


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
        verdict = classify(message, ruleset)
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


def main() -> None:
    """Entry point of the console script."""
    cli(obj={})
