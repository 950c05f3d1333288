"""Sends a reply over SMTP (aiosmtplib): implicit TLS or STARTTLS, AUTH when configured, 4xx retried."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiosmtplib
from aiosmtplib.response import SMTPResponse
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from mailbot.config import ServerSettings
from mailbot.errors import DeliveryError
from mailbot.net import HOST_NAME, describe_connection_error, tls_context

log = logging.getLogger(__name__)


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, DeliveryError) and not exc.permanent


class _Client(aiosmtplib.SMTP):
    """aiosmtplib's client, noting when the message itself went to the server (DATA) and when it was taken."""

    handed_over = False
    accepted = False

    async def data(self, *args: Any, **kwargs: Any) -> SMTPResponse:
        self.handed_over = True
        response = await super().data(*args, **kwargs)
        self.accepted = True
        return response


async def _send_once(raw: bytes, sender: str, recipient: str, server: ServerSettings, secret: str, token: bool) -> None:
    client = _Client(
        hostname=server.host,
        port=server.port,
        username=server.username or None,
        password=None if token or not server.username else secret,
        oauth_token_generator=_token(secret) if token else None,
        use_tls=server.security == "tls",
        start_tls=server.security == "starttls",
        tls_context=tls_context(server.ca_file) if server.security != "none" else None,
        timeout=server.timeout,
        local_hostname=ehlo_name(sender),
    )
    try:
        async with client:
            await client.sendmail(sender, [recipient], raw)
    except aiosmtplib.SMTPAuthenticationError:
        raise DeliveryError(f"SMTP login refused for {server.username} at {server.host}", permanent=True) from None
    except aiosmtplib.SMTPRecipientsRefused as exc:
        # The one recipient refused at RCPT: its own code says whether to try again (a 5xx used to be retried).
        refused = exc.recipients[0] if exc.recipients else None
        code, said = (refused.code, refused.message) if refused else (0, str(exc))
        raise DeliveryError(f"SMTP {server.host} refused {recipient}: {code} {said}", permanent=code >= 500) from None
    except aiosmtplib.SMTPResponseException as exc:
        if client.accepted:
            return  # only the goodbye went wrong
        permanent = exc.code >= 500
        raise DeliveryError(f"SMTP {server.host} answered {exc.code} {exc.message}", permanent=permanent) from None
    except (aiosmtplib.SMTPException, OSError) as exc:
        if client.accepted:
            return
        cause = exc if isinstance(exc, OSError) and not isinstance(exc, aiosmtplib.SMTPException) else exc.__cause__
        if isinstance(cause, OSError):
            # aiosmtplib wraps a failed connection or TLS handshake (SMTPConnectError): say it as for IMAP,
            # with the hint for TLS against a port that speaks plain text.
            reason = "SMTP: " + describe_connection_error(server.host, server.port, cause, tls_port=465)
        elif isinstance(exc, TimeoutError):
            reason = f"SMTP: {server.host}:{server.port} did not answer in time"
        else:
            reason = f"SMTP {server.host}: {type(exc).__name__}: {exc}"
        if client.handed_over:
            # The server has the message but never said whether it took it: sending it again could make a
            # second copy at the controller, so it is not retried (the caller keeps it as a draft).
            raise DeliveryError(
                f"{reason} after the message was handed over: it may have been sent; not sent again", permanent=True
            ) from None
        raise DeliveryError(reason) from None


def ehlo_name(sender: str) -> str:
    """The name given in EHLO: the sender's own domain, never this machine's hostname (which names
    the person's computer to every server on the way); "localhost" when the domain is unusable."""
    domain = sender.rpartition("@")[2].strip().lower()
    return domain if HOST_NAME.fullmatch(domain) else "localhost"


def _token(value: str):  # type: ignore[no-untyped-def]  # aiosmtplib wants a coroutine factory
    async def generate() -> str:
        return value

    return generate


async def send_async(
    raw: bytes,
    recipient: str,
    server: ServerSettings,
    *,
    sender: str,
    environ: Mapping[str, str] | None = None,
    attempts: int = 4,
    max_wait: float = 30.0,
) -> None:
    """Send one message; a 4xx answer or a dropped connection is retried with backoff and jitter.

    Raises:
        DeliveryError: `permanent` for a 5xx answer or a refused login.
    """
    token = server.oauth2_token.configured
    secret = ""
    if token:
        secret = server.oauth2_token.reveal(environ)
    elif server.username:
        secret = server.password.reveal(environ)
    retrying = AsyncRetrying(
        retry=retry_if_exception(_transient),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential_jitter(multiplier=0.5, max=max_wait),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            await _send_once(raw, sender, recipient, server, secret, token)


def send(raw: bytes, recipient: str, server: ServerSettings, *, sender: str, **kwargs: object) -> None:
    """Blocking wrapper around send_async."""
    asyncio.run(send_async(raw, recipient, server, sender=sender, **kwargs))  # type: ignore[arg-type]
