"""IMAP IDLE (RFC 2177) on an imapclient connection: wait until the selected folder changes, or time runs out."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from imapclient import IMAPClient

from mailbot.errors import MailboxError

log = logging.getLogger(__name__)

TICK = 1.0  # seconds between looks at `should_stop` while idling


def idle(
    client: IMAPClient,
    timeout: float,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    tick: float = TICK,
) -> bool:
    """IDLE on the selected folder for up to `timeout` seconds, ending it with DONE in every case.

    Args:
        client: a logged-in connection with a folder selected; usable again when this returns.
        timeout: the longest wait, in seconds (keep it under RFC 2177's 29 minutes).
        should_stop: asked every `tick` seconds; True ends the wait early, as a timeout does.
        tick: how often `should_stop` is asked.

    Returns:
        True when the folder changed (a message arrived: EXISTS or RECENT); False after the timeout
        or when asked to stop.

    Raises:
        MailboxError: the server ended the session (BYE) or closed the connection.
    """
    deadline = time.monotonic() + timeout
    client.idle()
    try:
        if _changed(_buffered(client)):
            return True
        while not should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            responses = client.idle_check(timeout=min(tick, left))
            if any(isinstance(r, tuple) and r and r[0] == b"BYE" for r in responses):
                raise MailboxError("IMAP server ended the session (BYE)")
            # imapclient reports a closed connection as "no news": look at the socket itself.
            if not responses and _peer_closed(client):
                raise MailboxError("IMAP connection closed by the server")
            if _changed(responses):
                return True
        return False
    finally:
        # A connection that already died has nothing to end; the next command reports it.
        with contextlib.suppress(Exception):
            client.idle_done()


def _buffered(client: IMAPClient) -> list[bytes]:
    """Lines the server sent with its `+ idling` that already sit in imaplib's read buffer.

    Dovecot may send `* n EXISTS` in the same packet as `+ idling`; imaplib then holds it in its
    buffer, where idle_check (which polls the socket) never sees it. imaplib has no IDLE before
    Python 3.14 and imapclient no way to read that buffer, so this is the one place that reaches
    into imapclient's imaplib object (`_imap`); it reads through imaplib's public `readline` only.
    """
    imap = client._imap
    sock = client.socket()
    lines: list[bytes] = []
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        while imap.file.peek(1):
            lines.append(imap.readline())
    except (OSError, ValueError):
        pass
    finally:
        sock.settimeout(timeout)
    if lines:
        log.debug("IDLE started with: %s", lines)
    return lines


def _changed(responses: Iterable[Any]) -> bool:
    """True when IDLE responses (parsed tuples, or raw lines) announce a new message."""
    for response in responses:
        if isinstance(response, bytes):
            words = response.split()
            if len(words) > 2 and words[0] == b"*" and words[2].upper() in (b"EXISTS", b"RECENT"):
                return True
        elif isinstance(response, tuple) and len(response) > 1 and response[1] in (b"EXISTS", b"RECENT"):
            return True
    return False


def _peer_closed(client: IMAPClient) -> bool:
    sock = client.socket()
    timeout = sock.gettimeout()
    try:
        sock.setblocking(False)
        return bool(sock.recv(1, socket.MSG_PEEK) == b"")
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        with contextlib.suppress(OSError):
            sock.settimeout(timeout)
