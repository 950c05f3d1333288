"""Shared fixtures: paths to the .eml corpus and the loaded rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.rules import Ruleset, bundled_rules

FIXTURES = Path(__file__).parent / "fixtures"
MESSAGES = FIXTURES / "messages"
ALL_EML = sorted(MESSAGES.glob("*/*.eml"))


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    """The bundled rules, loaded once."""
    return bundled_rules()
