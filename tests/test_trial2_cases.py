"""A second newcomer's trial of `mailbot case open`: what --controller takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

from mailbot.cli import cli


@pytest.mark.parametrize(
    ("given", "controller"),
    [
        ("https://www.shop.example/privacy", "shop.example"),
        ("privacy@Shop.Example", "shop.example"),
        ("meta", "meta"),
        ("www.facebook.com", "facebook"),
    ],
)
def test_case_open_takes_a_platform_a_domain_an_address_or_a_page(tmp_path: Path, given: str, controller: str) -> None:
    """A privacy page's address pasted from the browser opened a case for the controller
    "https://www.shop.example/privacy", which no mail could ever match; it now means shop.example."""
    config = config_file(tmp_path)
    args = ["case", "open", "--controller", given, "--type", "access", "--date", "2026-11-01", "--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"case 1: {controller}, access"), result.stdout


@pytest.mark.parametrize("given", ["evil..example", "-x.example", "shop.example/privacy", "shop", "Some Company"])
def test_case_open_refuses_what_is_no_domain(tmp_path: Path, given: str) -> None:
    """ "evil..example" and "-x.example" used to open cases for controllers no mail could match."""
    config = config_file(tmp_path)
    args = ["case", "open", "--controller", given, "--type", "access", "--date", "2026-11-01", "--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0, result.output
    assert "is neither a built-in platform nor a domain" in result.output
    assert "case 1" not in result.output


@pytest.mark.parametrize("address", ["a@example.org>, b@evil.example", "a@b@example.org", "a @example.org", "ada"])
def test_an_identity_email_that_is_not_one_address_is_a_configuration_error(tmp_path: Path, address: str) -> None:
    """`[identity] email = "a@example.org>, b@evil.example"` passed the check (it has an @) and every reply
    went out with `From: A <a@example.org>, b@evil.example>`. It is now refused, naming the key."""
    config = tmp_path / "config.toml"
    config.write_text(f'[identity]\nname = "A"\nemail = "{address}"\n[state]\npath = "{tmp_path / "s.sqlite3"}"\n')
    config.chmod(0o600)
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "[identity] email must be an e-mail address" in result.stderr
