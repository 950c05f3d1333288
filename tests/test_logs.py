"""The service's log lines (structlog over stdlib logging): their fields, and secrets masked in every form."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from mailbot import logs

SECRET = 'pa"ss\\word-4711'  # a quote and a backslash: JSON escapes them, the mask must still catch it


@pytest.fixture
def root_restored() -> Iterator[None]:
    """logs.setup replaces the root logger's handlers: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _emit() -> None:
    logs.register_secret(SECRET)
    log = logging.getLogger("mailbot.service")
    log.info("waiting for new mail (IMAP IDLE)", extra={"account": "work"})
    log.warning("login refused with %s", SECRET, extra={"account": "work", "tried": [SECRET, 3]})
    try:
        raise ValueError(f"server said: {SECRET}")
    except ValueError as exc:
        log.error("round failed", exc_info=exc, extra={"error": exc})


@pytest.mark.usefixtures("root_restored")
def test_json_lines_carry_the_documented_fields_and_mask_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    """Each line is one JSON object with time, level, logger, message and the extra keys; the traceback is
    a string under `exception`; the secret appears nowhere, not even JSON-escaped."""
    logs.setup(json_lines=True)
    _emit()
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines()]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("info", "mailbot.service", "waiting for new mail (IMAP IDLE)"),
        ("warning", "mailbot.service", "login refused with ***"),
        ("error", "mailbot.service", "round failed"),
    ]
    assert all(line["time"].startswith("20") and line["time"].endswith("Z") for line in lines)
    assert lines[0]["account"] == "work"
    assert lines[1]["tried"] == ["***", 3]
    assert lines[2]["error"] == "server said: ***"
    assert "Traceback" in lines[2]["exception"]
    assert "ValueError: server said: ***" in lines[2]["exception"]
    assert "4711" not in err


@pytest.mark.usefixtures("root_restored")
def test_text_lines_name_level_logger_and_extras_and_mask_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    """Readable lines: time, level, message, logger and key=value extras; tracebacks follow, masked."""
    logs.setup(json_lines=False, debug=True)
    _emit()
    logging.getLogger("imapclient").info("protocol chatter")
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("20")
    assert "[info" in first
    assert "waiting for new mail (IMAP IDLE)" in first
    assert "[mailbot.service]" in first
    assert "account=work" in first
    assert "Traceback" in err
    assert "protocol chatter" not in err  # third-party loggers speak only from WARNING up
    assert "4711" not in err
