"""Log output for the service: readable lines or JSON Lines on stderr (structlog), known secrets masked."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from structlog.typing import EventDict, Processor, WrappedLogger

_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_NOISY = ("imapclient", "aiosmtplib", "asyncio", "mailparser_reply", "mailparser")


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


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {_masked(k): _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked(v) for v in value]
    # Anything else is rendered as text anyway: mask that text (an exception may carry a secret).
    return mask(str(value))


def mask_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: every value of the event, tracebacks included, with registered secrets masked.

    It runs before rendering, so a secret is caught before JSON escaping could disguise it.
    """
    return {key: _masked(value) for key, value in event_dict.items()}


def setup(*, json_lines: bool = False, debug: bool = False) -> None:
    """Send all logs (mailbot's stdlib loggers included) to stderr, as text lines or JSON Lines.

    JSON Lines carry the keys `time` (ISO 8601, UTC), `level`, `logger`, `message`, any `extra=` keys
    (e.g. `account`) and, after a failure, `exception` (the traceback as text).
    """
    # Imported here: only `mailbot run` logs this way, and every other command's start stays fast.
    import structlog

    last: list[Processor] = (
        [
            structlog.processors.EventRenamer("message"),
            mask_secrets,
            structlog.processors.JSONRenderer(ensure_ascii=False, default=str),
        ]
        if json_lines
        else [mask_secrets, structlog.dev.ConsoleRenderer(colors=False, timestamp_key="time")]
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            *last,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
