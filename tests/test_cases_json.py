"""`mailbot cases --json` gives every case with its request and its messages in and out (DESIGN.md's contract)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from mailbot.cases import BASIS_QUOTED
from mailbot.cli import cli
from mailbot.store import Store


def test_cases_json_lists_each_case_s_request_and_its_messages_in_and_out(tmp_path: Path) -> None:
    """A case opened from the person's request, with the controller's answer filed in it: both are listed."""
    state = tmp_path / "state.sqlite3"
    store = Store(state)
    case = store.open_request_case(
        controller="whatsapp",
        platform="whatsapp",
        types=["objection"],
        request_date=date(2025, 4, 21),
        due=date(2025, 5, 21),
        basis=BASIS_QUOTED,
        thread_key="<req@example.org>",
        subject="Objection",
        text="I object to the processing of my data for AI training.",
    )
    mid = "<ask-1@support.whatsapp.com>"
    store.record_message(
        ("INBOX", 1, 1),
        status="done",
        message_id=mid,
        sender="privacy@support.whatsapp.com",
        subject="Re: Objection",
        category="request_info",
        platform="whatsapp",
        evidence=["phrase"],
        case_id=case.id,
    )
    store.add_to_case(case.id, mid, "request_info", at=date(2025, 4, 25), closes=False)
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[identity]\nname = "Ada Example"\nemail = "ada@example.org"\n[state]\npath = "{state}"\n')
    config.chmod(0o600)
    result = CliRunner().invoke(cli, ["cases", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines() if x.strip()]
    assert line["request"]["date"] == "2025-04-21"
    assert line["request"]["text"].startswith("I object")
    incoming = [e for e in line["events"] if e["direction"] == "in"]
    assert [(e["message_id"], e["category"]) for e in incoming] == [(mid, "request_info")]
    assert line["replies"] == []  # mailbot wrote nothing yet
