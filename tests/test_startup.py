"""Start-up work is deferred without losing a check: lazy commands, lazily compiled patterns, cached templates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2.sandbox import SandboxedEnvironment

from mailbot import compose
from mailbot.cli import cli
from mailbot.errors import RulesError
from mailbot.resources import data_dir
from mailbot.rules import load_rules

ONLY_SOME_COMMANDS_NEED = (
    "mailbot.cli_cases",
    "mailbot.cli_complaint",
    "mailbot.cli_teach",
    "mailbot.complaint",
    "mailbot.service",
    "mailbot.smtp",
    "mailbot.mailboxes.maildir",
    "aiosmtplib",
    "tqdm",
    "inscriptis",
    "lxml",
    "babel",
    "tenacity",
)


def test_importing_the_cli_leaves_out_what_only_some_commands_need() -> None:
    """`mailbot scan` does not pay for the complaint, case and teach commands, SMTP, the service loop,
    Maildir, progress bars, HTML parsing and conversion, Babel's locale data or the retry strategies
    (needed once a message fails) before it needs them."""
    code = f"import sys, mailbot.cli; print(' '.join(m for m in {ONLY_SOME_COMMANDS_NEED!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


@pytest.mark.parametrize("command", ["case", "complaint", "teach"])
def test_lazily_imported_commands_are_listed_and_run(command: str) -> None:
    """Each command defined in its own module is in `mailbot --help` with its description and answers --help."""
    runner = CliRunner()
    listing = runner.invoke(cli, ["--help"])
    assert listing.exit_code == 0
    line = next(x for x in listing.output.splitlines() if x.strip().startswith(command + " "))
    assert len(line.split()) > 2  # a description follows the name
    own = runner.invoke(cli, [command, "--help"])
    assert own.exit_code == 0, own.output
    assert f"Usage: cli {command}" in own.output or f"{command} [OPTIONS]" in own.output


@pytest.fixture
def rules_with_bad_pattern(tmp_path: Path) -> Path:
    """A copy of the bundled rules with one pattern that does not compile."""
    target = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), target)
    path = target / "categories" / "clarification.toml"
    text = path.read_text()
    head, sep, tail = text.partition("[[rule]]")
    first = tail.index('"', tail.index("patterns"))  # the first pattern string of the first rule
    path.write_text(head + sep + tail[: first + 1] + "(unclosed " + tail[first + 1 :])
    return target


def test_patterns_compiled_on_first_use_still_name_a_bad_one(rules_with_bad_pattern: Path) -> None:
    """Deferred compiling (the bundled rules) loses no check: the bad pattern is named when it is first
    used, and loading with compile_now (as `mailbot check` does) names it at once."""
    lazy = load_rules(rules_with_bad_pattern, compile_now=False)
    rule = next(r for r in lazy.rules if r.source == "clarification.toml")
    with pytest.raises(RulesError, match=r"clarification\.toml \[[a-z0-9-]+\]: bad pattern '\(unclosed"):
        lazy.compile_all()
    with pytest.raises(RulesError, match=r"clarification\.toml \[[a-z0-9-]+\]: bad pattern"):
        rule.pattern_for("en")
    with pytest.raises(RulesError, match=r"clarification\.toml \[[a-z0-9-]+\]: bad pattern"):
        load_rules(rules_with_bad_pattern)


def test_a_pattern_is_compiled_once_and_chosen_by_language() -> None:
    """The same rule gives the same compiled object each time; its language's pattern differs from the
    all-language one when it has patterns of its own language."""
    ruleset = load_rules(compile_now=False)
    rule = next(r for r in ruleset.rules if dict(r.language_sources)["de"] != r.pattern_source)
    assert rule.pattern_for("de") is rule.pattern_for("de")
    assert rule.pattern_for("de") is not rule.pattern
    assert rule.pattern_for("xx") is rule.pattern


@pytest.fixture
def fresh_templates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A template environment built anew, with the cache folder in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    compose.template_environment.cache_clear()
    yield tmp_path / "cache" / "mailbot" / "templates"
    compose.template_environment.cache_clear()


def test_compiled_templates_are_kept_in_a_private_cache(fresh_templates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering leaves the compiled templates in the user's cache folder, readable by the user only;
    the next process (a new environment) renders the same text from them without compiling."""
    text = compose.render("acceptance.en", _sample_context())
    assert fresh_templates.is_dir()
    assert fresh_templates.stat().st_mode & 0o777 == 0o700
    assert list(fresh_templates.iterdir())
    compose.template_environment.cache_clear()

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again instead of read from the cache")

    monkeypatch.setattr(SandboxedEnvironment, "compile", no_compiling)
    assert compose.render("acceptance.en", _sample_context()) == text


def test_a_cache_folder_that_is_a_link_is_not_used(fresh_templates: Path, tmp_path: Path) -> None:
    """A symbolic link in place of the cache folder (someone else's folder) means no cache at all."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    fresh_templates.parent.mkdir(parents=True)
    os.symlink(elsewhere, fresh_templates)
    assert compose.template_environment().bytecode_cache is None
    compose.render("acceptance.en", _sample_context())
    assert list(elsewhere.iterdir()) == []


def _sample_context() -> dict[str, object]:
    from mailbot.checks import sample_context
    from mailbot.rules import bundled_rules

    return sample_context("acceptance", "en", bundled_rules().platform("whatsapp"))


def test_the_command_imports_with_the_collector_off_and_runs_with_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mailbot` (mailbot.command.main) holds the garbage collector off only while it imports the command
    line, and freezes what was imported; the command itself runs with the collector on."""
    import gc

    import mailbot.cli
    from mailbot import command

    seen: list[tuple[bool, int]] = []
    monkeypatch.setattr(mailbot.cli, "main", lambda: seen.append((gc.isenabled(), gc.get_freeze_count())))
    gc.unfreeze()  # what earlier tests froze (the rules) moves back
    try:
        command.main()
    finally:
        gc.unfreeze()
    assert len(seen) == 1
    assert seen[0][0] is True
    assert seen[0][1] > 0
    assert gc.isenabled()
