"""A newcomer's trial: `mailbot check` after editing the configuration catches what every other command refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

from mailbot.cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """No configuration but the one a test names."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("MAILBOT_CONFIG", raising=False)
    return CliRunner()


def test_check_refuses_a_configuration_that_scan_refuses(runner: CliRunner, tmp_path: Path) -> None:
    """A typo in a key made `scan` exit 1, while `check` printed a warning and "rules and templates: OK"
    with exit status 0: the newcomer's check passed and the scan failed. Now `check` fails in one line
    naming the key, for the configuration found as the other commands find it or given with --config."""
    config = config_file(tmp_path, '[reply]\nmdoe = "draft"\n')
    result = runner.invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert f"mailbot: error: {config}: unknown key reply.mdoe; did you mean 'mode'?" in result.output
    assert "OK" not in result.output
    scan = runner.invoke(cli, ["scan", "--config", str(config), "--mode", "dry-run", "--maildir", str(tmp_path)])
    assert scan.exit_code == 1  # the same configuration, refused by scan
    result = runner.invoke(cli, ["check"], env={"MAILBOT_CONFIG": str(config)})
    assert result.exit_code == 1, result.output
    config.write_text(config.read_text().replace("mdoe", "mode"))
    result = runner.invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "rules and templates: OK" in result.output


def test_check_with_a_missing_configuration_file_says_so(runner: CliRunner, tmp_path: Path) -> None:
    """`check --config` on a file that is not there is an error, as for every other command; without any
    configuration `check` still checks the rules and templates."""
    result = runner.invoke(cli, ["check", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "no configuration file" in result.output
    assert runner.invoke(cli, ["check"]).exit_code == 0


def test_cases_on_a_state_without_cases_says_so(runner: CliRunner, tmp_path: Path) -> None:
    """`mailbot cases` after a scan that opened no case printed nothing at all: now one line on stderr says
    where cases come from; stdout (and --json) stays empty for scripts."""
    config = config_file(tmp_path)
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    assert runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(box)]).exit_code == 0
    result = runner.invoke(cli, ["cases", "--config", str(config)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("mailbot: no cases yet: a case opens with a request found in your Sent folder")
    result = runner.invoke(cli, ["cases", "--json", "--config", str(config)])
    assert result.output == ""
