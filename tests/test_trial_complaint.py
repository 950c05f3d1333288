"""A reviewer's trial of the Art. 77 complaint: it states as fact only the request dates that are known."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailbot.cases import BASIS_QUOTED
from mailbot.cli import cli
from mailbot.store import Store

# The authority whose complaints are written in each language, and how the request line reads there.
STANDS_IN = {
    "ie-dpc": "21 April 2025 (at the latest): I sent the controller",
    "it-garante": "21 aprile 2025 (al più tardi): ho inviato al titolare",
    "de-hh": "21. April 2025 (spätestens):",
    "fr-cnil": "21 avril 2025 (au plus tard) : j'ai adressé",
    "es-aepd": "21 de abril de 2025 (a más tardar):",
}


def complaint_text(tmp_path: Path, authority: str, *, dated: bool) -> str:
    """The facts of a complaint about an X case whose request date is quoted (`dated`) or unknown: only the
    controller's acknowledgement of 21 April 2025 stands in for it."""
    state = tmp_path / "state.sqlite3"
    store = Store(state)
    if dated:
        store.open_request_case(
            controller="x",
            platform="x",
            types=["objection"],
            request_date=date(2025, 4, 21),
            due=date(2025, 5, 21),
            basis=BASIS_QUOTED,
            thread_key="<req@example.org>",
            subject="Objection",
        )
    else:
        store.open_case(
            platform="x",
            thread_key="<ack@x.example.net>",
            subject="Hemos recibido tu solicitud",
            ticket="",
            opened=date(2025, 4, 21),
            due=date(2025, 5, 21),
        )
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[identity]\nname = "Ada Example"\nemail = "ada@example.org"\n[state]\npath = "{state}"\n')
    config.chmod(0o600)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["complaint", "1", "--authority", authority, "--config", str(config), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    if out.is_dir():
        text = (out / "complaint.txt").read_text()
    else:
        draft = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
        body = draft.get_body(("plain",))  # type: ignore[attr-defined]
        text = body.get_content()
        text = text.replace(" \n", " ")  # format=flowed
    return " ".join(text.split())


@pytest.mark.parametrize("authority", sorted(STANDS_IN))
def test_a_request_of_unknown_date_is_not_dated_as_a_fact(tmp_path: Path, authority: str) -> None:
    """With no request on record (not in Sent, not quoted, not entered), the case is dated from the
    controller's first answer. The complaint told the authority "21 April 2025: I sent the controller my
    objection", a date the person never gave: now that date is what it is, the latest the request was made."""
    assert STANDS_IN[authority] in complaint_text(tmp_path, authority, dated=False)


@pytest.mark.parametrize("authority", sorted(STANDS_IN))
def test_a_known_request_date_is_stated_plainly(tmp_path: Path, authority: str) -> None:
    """A request dated from its own mail (here quoted by the controller) keeps its plain date."""
    text = complaint_text(tmp_path, authority, dated=True)
    assert re.sub(r" \([^)]*\)", "", STANDS_IN[authority]) in text
    assert STANDS_IN[authority] not in text
