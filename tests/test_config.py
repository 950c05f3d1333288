"""The configuration schema: unknown sections and keys are named with a suggestion, types are checked."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mailbot.config import SCHEMA, STARTER, Settings, check_schema, load_accounts, parse_config
from mailbot.errors import ConfigError

IDENTITY = {"name": "A", "email": "a@example.org"}


def load(text: str) -> Settings:
    """Settings from TOML text with a minimal [identity] in front."""
    return parse_config(tomllib.loads('[identity]\nname = "A"\nemail = "a@example.org"\n' + text), "c.toml")


def error(text: str) -> str:
    """The one-line error that loading this TOML gives."""
    with pytest.raises(ConfigError) as caught:
        load(text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[reply]\nmdoe = "send"\n', "c.toml: unknown key reply.mdoe; did you mean 'mode'?"),
        ('[replies]\nmode = "send"\n', "c.toml: unknown section [replies]; did you mean [reply]?"),
        ('[imap]\nhots = "x"\n', "unknown key imap.hots; did you mean 'host'?"),
        ("[scan]\nmax_age = 3\n", "unknown key scan.max_age; did you mean 'max_age_days'?"),
        ('[controllers.acme]\nauthority = "X"\ndomain = ["acme.example"]\n', "controllers.acme.domain; did you mean"),
        ('[reply]\nhost = "x"\n', "unknown key reply.host; it belongs in [imap]"),
        ("[frobnicate]\nx = 1\n", "unknown section [frobnicate]"),
    ],
)
def test_unknown_key_or_section_is_named_with_the_nearest_valid_one(text: str, message: str) -> None:
    """A typo in an optional key or section is an error naming it and suggesting what was meant."""
    assert message in error(text)


def test_top_level_key_outside_its_section_names_the_section() -> None:
    """A key written above every section (mode = "send") says which section it belongs in; a section
    written as a plain value is refused."""
    with pytest.raises(ConfigError, match=r"unknown key mode; it belongs in \[reply\]"):
        parse_config({"identity": IDENTITY, "mode": "send"}, "c.toml")
    with pytest.raises(ConfigError, match=r"\[reply\] must be a table"):
        parse_config({"identity": IDENTITY, "reply": "draft"}, "c.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[imap]\nport = "993"\n', "[imap] port must be an integer"),
        ("[reply]\nmax_sends_per_day = true\n", "[reply] max_sends_per_day must be an integer"),
        ('[reply]\nallow_unverified_send = "yes"\n', "[reply] allow_unverified_send must be true or false"),
        ("[imap]\nauthserv_id = 3\n", "[imap] authserv_id must be a string"),
        (
            '[controllers.acme]\nauthority = "X"\ndomains = "acme.example"\n',
            "[controllers.acme] domains must be a list",
        ),
        ("[identity.accounts]\namazon = 3\n", "[identity.accounts] amazon must be a string"),
        ('[scan]\nmax_age_days = "60"\n', "[scan] max_age_days must be an integer"),
        ("[scan]\nmax_age_days = -1\n", "[scan] max_age_days must be 0 or more"),
        ('[controllers.acme]\ndomains = ["acme.example"]\n', "[controllers.acme] authority is required"),
        ('[controllers.acme]\nauthority = "X"\ndomains = []\n', "[controllers.acme] domains must list at least one"),
        ("[limits]\nmax_message_bytes = 0\n", "[limits] max_message_bytes must be 1 or more"),
        ("[limits]\nmax_message_bytes = -3\n", "[limits] max_message_bytes must be 1 or more"),
        ("[limits]\ndraft_batch = 0\n", "[limits] draft_batch must be 1 or more"),
    ],
)
def test_wrong_type_names_its_key(text: str, message: str) -> None:
    """A value of the wrong type is an error that names the key and the type wanted."""
    assert message in error(text)


def test_new_keys_are_accepted_and_exposed_on_the_frozen_settings() -> None:
    """[identity] country and accounts, [controllers.<id>], [scan], [imap] authserv_id and the send caps
    reach Settings; absent, they have their documented defaults."""
    defaults = load("")
    assert defaults.country == ""
    assert dict(defaults.controller_accounts) == {}
    assert dict(defaults.controllers) == {}
    assert defaults.max_age_days == 60
    assert (defaults.reply.max_sends_per_day, defaults.reply.max_sends_per_recipient_per_day) == (10, 2)
    assert defaults.reply.allow_unverified_send is False
    settings = parse_config(
        tomllib.loads(
            '[identity]\nname = "A"\nemail = "a@example.org"\ncountry = "it"\n'
            '[identity.accounts]\namazon = "shop@example.org"\nwhatsapp = "+39 000 0000000"\n'
            '[imap]\nhost = "127.0.0.1"\nsecurity = "none"\nusername = "a"\npassword_env = "P"\n'
            'authserv_id = "mx.example.org"\n'
            "[reply]\nmax_sends_per_day = 4\nmax_sends_per_recipient_per_day = 1\nallow_unverified_send = true\n"
            "[scan]\nmax_age_days = 0\n"
            '[controllers.acme]\nname = "ACME Ltd"\nauthority = "Garante"\ndomains = ["ACME.example"]\n'
        ),
        "c.toml",
    )
    assert settings.country == "IT"
    assert settings.controller_accounts == {"amazon": "shop@example.org", "whatsapp": "+39 000 0000000"}
    assert settings.imap is not None
    assert settings.imap.authserv_id == "mx.example.org"
    assert (settings.reply.max_sends_per_day, settings.reply.max_sends_per_recipient_per_day) == (4, 1)
    assert settings.reply.allow_unverified_send is True
    assert settings.max_age_days == 0
    acme = settings.controllers["acme"]
    assert (acme.name, acme.authority, acme.domains) == ("ACME Ltd", "Garante", ("acme.example",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.max_age_days = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.controller_accounts["x"] = "y"  # type: ignore[index]


def test_accounts_entries_are_checked_too(tmp_path: Path) -> None:
    """A typo inside an [[accounts]] entry is named with the entry's position."""
    path = tmp_path / "c.toml"
    path.write_text(
        '[identity]\nname = "A"\nemail = "a@example.org"\n[[accounts]]\nname = "one"\n[accounts.reply]\nmdoe = "x"\n'
    )
    with pytest.raises(ConfigError, match=r"unknown key accounts\[1\]\.reply\.mdoe; did you mean 'mode'\?"):
        load_accounts(path)


@pytest.mark.parametrize("name", ["../../evil", "", "a/b", ".hidden", "x" * 65, "two words"])
def test_an_account_name_that_cannot_name_a_state_file_is_refused(tmp_path: Path, name: str) -> None:
    """An [[accounts]] name becomes a state file's name: a path or an empty name is a one-line error."""
    path = tmp_path / "c.toml"
    path.write_text(f'[identity]\nname = "A"\nemail = "a@example.org"\n[[accounts]]\nname = "{name}"\n')
    with pytest.raises(ConfigError, match=r"\[\[accounts\]\] number 1: name must be letters, digits"):
        load_accounts(path)


def test_every_key_of_the_starter_configuration_is_in_the_schema() -> None:
    """The starter file from `mailbot init`, with every commented-out key switched on, passes the schema
    (so the documented keys and the schema cannot drift apart)."""
    lines = []
    for line in STARTER.splitlines():
        switched = re.match(r"^# ?((?:\[[\w.]+\])|(?:\w+ = .*))$", line)
        lines.append(switched.group(1) if switched else line)
    document: dict[str, Any] = tomllib.loads("\n".join(lines))
    check_schema(document, "starter")
    assert set(document) <= set(SCHEMA)
    assert {"scan", "controllers"} <= set(document)


def test_send_mode_without_a_pinned_server_warns_that_replies_stay_drafts() -> None:
    """mode = "send" with no [imap] authserv_id is allowed, but says that nothing will be sent by itself."""
    smtp = '[smtp]\nhost = "s"\nusername = "u"\npassword_env = "P"\n'
    loose = load('[imap]\nhost = "h"\nusername = "u"\npassword_env = "P"\n[reply]\nmode = "send"\n' + smtp)
    assert any("authserv_id" in w and "stays a draft" in w for w in loose.warnings)
    pinned = load(
        '[imap]\nhost = "h"\nusername = "u"\npassword_env = "P"\nauthserv_id = "mx.example.org"\n'
        + '[reply]\nmode = "send"\n'
        + smtp
    )
    assert pinned.warnings == ()
    assert load('[reply]\nmode = "draft"\n').warnings == ()
