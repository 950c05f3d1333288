"""Help texts, the starter file and the README state the real defaults, and `mailbot --help` cuts nothing short."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mailbot.cli import cli
from mailbot.config import DEFAULTS, STARTER, Settings, parse_config
from mailbot.retry import LOGIN_ATTEMPTS, next_message_attempt

README = Path(__file__).resolve().parent.parent / "README.md"


def _commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of the tree, groups and their subcommands included, with its argument path."""
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _help(path: tuple[str, ...]) -> str:
    """The rendered --help of a command, on one long line per paragraph (no wrapping to trip a regex)."""
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=10_000)
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


HELP = {" ".join(path) or "mailbot": _help(path) for path, _ in _commands()}


def _retry_schedule() -> tuple[list[float], int]:
    """The waits (minutes) between a failing message's attempts, and how many attempts it gets: from the
    scheduling function itself, not from its constants."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    waits: list[float] = []
    failures = 1
    while (due := next_message_attempt(failures, start)) is not None:
        waits.append((due - start).total_seconds() / 60)
        failures += 1
    return waits, failures


# Each stated default: the command, the words around it, and the real value. A default a help text
# states must be here (test_every_stated_default_is_checked), so a new one cannot slip in unchecked.
WAITS, ATTEMPTS = _retry_schedule()
STATED = [
    ("run", f"[service] idle_timeout seconds (default {DEFAULTS.idle_timeout:g})"),
    ("run", f"[service] poll_interval seconds (default {DEFAULTS.poll_interval:g})"),
    ("run", f"a login refused {LOGIN_ATTEMPTS} times in a row stops that account"),
    ("scan", f"after a growing delay ({', '.join(f'{w:g}' for w in WAITS)} minutes)"),
    ("scan", f"after {ATTEMPTS} failed attempts it is listed by 'mailbot cases'"),
    ("cases", f"the messages mailbot gave up on after {ATTEMPTS} failed attempts"),
]
# Defaults stated in words, each true by construction of the option (no value to compare).
IN_WORDS = [
    ("scan", "(default: the [reply] mode)"),  # --mode has no click default: None means the configured mode
    ("init", "(default: the XDG path)"),  # --config None: default_config_path()
    ("complaint", "(default: ./complaint-ID[.eml])"),  # --out None: complaint-<id>.eml or complaint-<id>/
]


@pytest.mark.parametrize(("command", "phrase"), STATED + IN_WORDS)
def test_help_states_the_real_default(command: str, phrase: str) -> None:
    """The help says what the code does: IDLE re-issued every 300 s (once misstated as 25 minutes), polling
    every 60 s, 3 refused logins, the retry delays and the number of attempts of a failing message."""
    assert phrase in HELP[command], f"`mailbot {command} --help` does not say {phrase!r}:\n{HELP[command]}"


def test_every_stated_default_is_checked() -> None:
    """Every "default", and every number of times, attempts, minutes or seconds, in any help text lies
    inside a phrase the test above checks (click's own "[default: X]" is checked below)."""
    claim = re.compile(r"(?<!\[)\bdefault\b|\b\d+ (?:times|failed attempts|minutes|seconds)\b")
    unchecked = []
    for command, text in HELP.items():
        spans = [(at, at + len(p)) for c, p in STATED + IN_WORDS if c == command and (at := text.find(p)) >= 0]
        for found in claim.finditer(text):
            if not any(a <= found.start() < b for a, b in spans):
                unchecked.append((command, text[max(0, found.start() - 60) : found.end() + 20]))
    assert unchecked == []


def test_click_defaults_shown_are_the_options_defaults() -> None:
    """Where click shows an option's default ([default: X]), X is that option's default."""
    shown = 0
    for path, command in _commands():
        for param in command.params:
            if isinstance(param, click.Option) and param.show_default:
                text = HELP[" ".join(path)]
                assert f"[default: {param.default}]" in text, (path, param.name)
                shown += 1
    assert shown >= 1  # complaint --authority


def test_parsing_an_empty_configuration_gives_the_defaults() -> None:
    """DEFAULTS, which the help texts quote, is what a configuration without the optional tables yields."""
    settings = parse_config({"identity": {"name": "A", "email": "a@example.org"}}, "test")
    personal = {"identity", "state_path"}
    for f in fields(Settings):
        if f.name not in personal:
            assert getattr(settings, f.name) == getattr(DEFAULTS, f.name), f.name
    assert settings.identity.language == DEFAULTS.identity.language


def test_the_starter_configuration_states_the_defaults() -> None:
    """Every `key = value` (commented out or not) of the [reply], [scan], [service] and [limits] tables of
    `mailbot init`'s file is the default: the file teaches the reader what happens without the line."""
    section = ""
    compared = 0
    for line in STARTER.splitlines():
        line = line.lstrip("# ").split("  #")[0].strip()
        if header := re.fullmatch(r"\[([\w.]+)\]", line):
            section = header.group(1)
            continue
        setting = re.fullmatch(r"(\w+) = (.+)", line)
        if not setting or section not in ("reply", "scan", "service", "limits"):
            continue
        key, raw = setting.groups()
        holder = DEFAULTS.reply if section == "reply" else DEFAULTS
        expected = getattr(holder, key)
        value: object = raw.strip('"') if raw.startswith('"') else {"true": True, "false": False}.get(raw, raw)
        if not isinstance(value, bool) and isinstance(value, str) and value.isdigit():
            value = int(value)
        assert value == expected, f"starter [{section}] {key} = {raw}, but the default is {expected!r}"
        compared += 1
    assert compared >= 7


def test_readme_states_the_same_defaults() -> None:
    """The README's account of `run` and `scan` gives the same IDLE default and the same retry delays."""
    text = " ".join(README.read_text().split())
    idle = re.findall(r"idle_timeout`? seconds, default (\d+)", text)
    assert idle, "the README no longer states the IDLE default"
    assert {int(n) for n in idle} == {int(DEFAULTS.idle_timeout)}
    delays = ", ".join(f"{w:g}" for w in WAITS[:-1]) + f" and {WAITS[-1]:g} minutes"
    assert delays in text


@pytest.mark.parametrize("width", [80, 120])
def test_help_lists_every_command_without_cutting_it_short(width: int) -> None:
    """`mailbot --help` (and `mailbot case --help`) shows every command's short help in full: click cuts a
    long first sentence with '...' when no short_help is given."""
    for path, group in _commands():
        if not isinstance(group, click.Group):
            continue
        result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=width)
        assert result.exit_code == 0
        listing = " ".join(result.stdout.split("Commands:")[1].split())
        for name, command in group.commands.items():
            assert command.short_help, f"{name} has no short_help"
            assert f"{name} {command.short_help}" in listing, (path, name)
        assert "..." not in listing
