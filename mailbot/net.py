"""Network helpers shared by IMAP and SMTP: a verifying TLS context, one-line connection errors, host names."""

from __future__ import annotations

import re
import socket
import ssl

# A host name in lower case: labels bounded in length and number, so matching is linear on any input.
HOST_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}[a-z]{2,63}")


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """A verifying TLS context; `ca_file` adds a CA to trust (a private or self-signed server)."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def describe_connection_error(host: str, port: int, exc: BaseException, *, tls_port: int | None = None) -> str:
    """One line saying why a connection failed, never with credentials in it; `tls_port`, the protocol's
    port for TLS from the first byte, is proposed when a TLS handshake met a server speaking plain text."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate of {host}:{port} is not trusted ({exc.verify_message}); "
            "if this server uses a private CA, set ca_file to it"
        )
    if isinstance(exc, ssl.SSLError):
        line = f"TLS handshake with {host}:{port} failed ({exc.reason or exc})"
        if exc.reason == "WRONG_VERSION_NUMBER" and tls_port:
            # The server answered the handshake with plain text (an IMAP/SMTP greeting): the wrong port.
            line += f'; this port speaks plain text: try security = "starttls", or the TLS port {tls_port}'
        return line
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {host}: {exc.strerror}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{host}:{port} did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return f"{host}:{port} refused the connection"
    if isinstance(exc, OSError):
        return f"cannot connect to {host}:{port}: {exc.strerror or exc}"
    return f"{host}:{port}: {type(exc).__name__}"
