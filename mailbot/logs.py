"""Log output for the service: readable lines or JSON on stderr, with known secrets masked."""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import UTC, datetime

_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_STANDARD = set(vars(logging.makeLogRecord({})))


def register_secret(value: str) -> None:
    """Mask this value wherever it might appear in a log line (defence in depth: none is logged)."""
    if len(value) >= 4:
        with _LOCK:
            _SECRETS.add(value)


def mask(text: str) -> str:
    """The text with every registered secret replaced by ***."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _STANDARD and k != "message")
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = f"{stamp} {record.levelname:<7} {record.getMessage()}" + (f" [{extra}]" if extra else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return mask(line)


class _Json(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **{k: v for k, v in vars(record).items() if k not in _STANDARD and k != "message"},
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return mask(json.dumps(data, ensure_ascii=False, default=str))


def setup(*, json_lines: bool = False, debug: bool = False) -> None:
    """Send mailbot's logs to stderr, as text lines or JSON Lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Json() if json_lines else _Text())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("imapclient", "aiosmtplib", "asyncio", "mailparser_reply", "mailparser"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
