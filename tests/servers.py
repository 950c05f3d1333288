"""Real servers for integration tests: Dovecot (IMAP) from a temporary config, aiosmtpd (SMTP)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
PASSWORD = "correct horse battery staple"


def require(condition: bool, what: str) -> None:
    """Skip locally when a server is missing; under CI=true that is a failure, never a skip."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true")
    pytest.skip(f"{what} not available")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """Block until something listens on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Dovecot:
    """A Dovecot instance on 127.0.0.1 with one passwd-file user and Maildir storage."""

    root: Path
    port: int
    user: str = "ada"
    password: str = PASSWORD
    tls_port: int = 0
    cert: Path | None = None
    key: Path | None = None
    # Folder layout: Courier and Debian's Cyrus put everything under "INBOX." with "." between levels.
    prefix: str = ""
    separator: str = "/"
    special_use: bool = True  # Drafts and Sent exist from the start, marked \Drafts and \Sent
    mailboxes: dict[str, str] = field(default_factory=dict)  # more folders (no prefix): name -> "\Drafts" or ""
    capability: str = ""  # imap_capability: "" keeps Dovecot's, "+X" adds X, else the whole list
    proc: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.root / "dovecot.log"

    @property
    def conf(self) -> Path:
        return self.root / "dovecot.conf"

    def write_config(self) -> None:
        """Write dovecot.conf; as root, logins and mail run as dovenull / nobody (Dovecot refuses root)."""
        is_root = os.geteuid() == 0
        if is_root:
            mail = pwd.getpwnam("nobody")
            login_user, internal_user = "dovenull", "dovecot"
        else:
            mail = pwd.getpwuid(os.geteuid())
            login_user = internal_user = mail.pw_name
        maildir = self.root / "mail" / self.user
        maildir.mkdir(parents=True, exist_ok=True)
        for path in (self.root / "mail", maildir):
            os.chown(path, mail.pw_uid, mail.pw_gid) if is_root else None
        (self.root / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{mail.pw_uid}:{mail.pw_gid}::{maildir}::\n"
        )
        tls = ""
        if self.cert and self.key:
            tls = f"""
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
"""
        else:
            tls = "ssl = no\n"
        folders = {"Drafts": "\\Drafts", "Sent": "\\Sent"} if self.special_use else {}
        mailbox_blocks = "".join(
            f'  mailbox "{name}" {{\n' + (f"    special_use = {use}\n" if use else "") + "    auto = subscribe\n  }\n"
            for name, use in {**folders, **self.mailboxes}.items()
        )
        capability = f"imap_capability = {self.capability}\n" if self.capability else ""
        imaps = (
            f"inet_listener imaps {{\n    address = 127.0.0.1\n    port = {self.tls_port}\n  }}"
            if self.tls_port
            else ""
        )
        self.conf.write_text(f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
instance_name = mailbot-test-{self.port}
log_path = {self.log}
info_log_path = {self.log}
protocols = imap
listen = 127.0.0.1
{tls}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 0
mail_location = maildir:~
mail_max_userip_connections = 200
passdb {{
  driver = passwd-file
  args = {self.root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {self.root}/passwd
}}
{capability}namespace inbox {{
  inbox = yes
  separator = {self.separator}
  prefix = {self.prefix}
{mailbox_blocks}}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  {imaps}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")

    def start(self) -> None:
        """Start Dovecot in the foreground (as a child) and wait for its port."""
        assert DOVECOT is not None
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            log = self.log.read_text() if self.log.exists() else ""
            err = self.proc.stderr.read().decode() if self.proc and self.proc.stderr else ""
            raise RuntimeError(f"Dovecot did not start: {err}\n{log}") from None

    def stop(self) -> None:
        """Stop Dovecot and wait for it to exit."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def make_dovecot(tls: tuple[Path, Path] | None = None, **layout: Any) -> Dovecot:
    """A configured (not yet started) Dovecot in a fresh, world-searchable temporary folder;
    `layout` sets the folder fields (prefix, separator, special_use, mailboxes, capability)."""
    require(DOVECOT is not None, "Dovecot (Debian package dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="mbdc-", dir="/tmp"))
    root.chmod(0o755)
    server = Dovecot(root=root, port=free_port(), **layout)
    if tls:
        server.cert, server.key = tls
        server.tls_port = free_port()
    server.write_config()
    return server


# UID SEARCH with FROM, HEADER or X- header criteria: what Gmail's (word-based) and Exchange's (no
# index of X- headers) searches answer incompletely.
_HEADER_SEARCH = re.compile(rb"^(\S+) (?:UID )?SEARCH\b.*\b(?:FROM|HEADER|X-[\w-]+)\b", re.IGNORECASE)


@dataclass
class ImapProxy:
    """A TCP proxy on 127.0.0.1 in front of an IMAP server that can make it answer like others do.

    search: "" passes SEARCH through; "empty" answers header searches with no result; "bad" with BAD.
    refuse: IMAP commands (e.g. "CREATE") answered with NO instead of being passed on.
    fail_fetch: a pattern; a FETCH command matching it is answered with that answer instead:
        "BAD", "NO" or "EMPTY" (OK without any data).
    slow: a pattern and seconds; a command line matching it is passed on that much later (a busy server).
    drop: a pattern; a command line matching it closes the connection instead (a server killed mid-command).
    A refused command with a literal (APPEND) is refused before the client sends the literal.
    Every line the client sent (literals left out) is kept in `commands`.
    """

    upstream: int
    port: int = 0
    search: str = ""
    refuse: tuple[str, ...] = ()
    fail_fetch: tuple[bytes, str] | None = None
    slow: tuple[bytes, float] | None = None
    drop: bytes | None = None
    commands: list[bytes] = field(default_factory=list)
    _server: socket.socket | None = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)

    def start(self) -> ImapProxy:
        """Listen and accept connections in a thread."""
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        self.port = int(server.getsockname()[1])
        self._server = server
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Close every socket; the threads end with them."""
        for sock in [*self._sockets, *([self._server] if self._server else [])]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream))
            self._sockets += [client, upstream]
            lock = threading.Lock()
            for target, args in (
                (self._to_server, (client, upstream, lock)),
                (self._to_client, (upstream, client, lock)),
            ):
                thread = threading.Thread(target=target, args=args, daemon=True)
                thread.start()
                self._threads.append(thread)

    def _to_client(self, upstream: socket.socket, client: socket.socket, lock: threading.Lock) -> None:
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                with lock:
                    client.sendall(data)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_WR)

    def _refused(self, line: bytes) -> bool:
        words = line.split()
        return len(words) > 1 and words[1].decode(errors="replace").upper() in self.refuse

    def _answer(self, line: bytes) -> bytes | None:
        """The proxy's own answer to a command line, or None to pass it on."""
        tag = line.split(b" ", 1)[0]
        words = line.split()
        command = words[2] if len(words) > 2 and words[1].upper() == b"UID" else words[1] if len(words) > 1 else b""
        if self.search and _HEADER_SEARCH.match(line):
            if self.search == "bad":
                return tag + b" BAD Error in IMAP command SEARCH: criteria not supported\r\n"
            return b"* SEARCH\r\n" + tag + b" OK SEARCH completed\r\n"
        if command.decode(errors="replace").upper() in self.refuse:
            return tag + b" NO [CANNOT] Permission denied\r\n"
        if self.fail_fetch and command.upper() == b"FETCH" and re.search(self.fail_fetch[0], line, re.IGNORECASE):
            kind = self.fail_fetch[1]
            if kind == "EMPTY":
                return tag + b" OK Fetch completed\r\n"
            return tag + f" {kind} Error in IMAP command FETCH: server trouble\r\n".encode()
        return None

    def _to_server(self, client: socket.socket, upstream: socket.socket, lock: threading.Lock) -> None:
        buffer = b""
        literal = 0
        refusing = b""  # the tag of a refused command whose literals (LITERAL+) are read and dropped
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                buffer += data
                while buffer:
                    if literal:
                        chunk, buffer = buffer[:literal], buffer[literal:]
                        literal -= len(chunk)
                        if not refusing:
                            upstream.sendall(chunk)
                        continue
                    end = buffer.find(b"\r\n")
                    if end < 0:
                        break
                    line, buffer = buffer[: end + 2], buffer[end + 2 :]
                    found = re.search(rb"\{(\d+)\+?\}\r\n$", line)
                    self.commands.append(line.rstrip(b"\r\n"))
                    if self.slow and re.search(self.slow[0], line, re.IGNORECASE):
                        time.sleep(self.slow[1])
                    if self.drop and re.search(self.drop, line, re.IGNORECASE):
                        for sock in (client, upstream):
                            with contextlib.suppress(OSError):
                                sock.shutdown(socket.SHUT_RDWR)
                        return
                    if found and not refusing and self._refused(line):
                        if b"+}" not in line:
                            with lock:  # a synchronising literal: the client waits for "+", then never sends it
                                client.sendall(line.split(b" ", 1)[0] + b" NO [CANNOT] Permission denied\r\n")
                            continue
                        refusing = line.split(b" ", 1)[0]
                    if found:
                        literal = int(found.group(1))
                        if not refusing:
                            upstream.sendall(line)
                        continue
                    if refusing:  # the end of the refused command
                        with lock:
                            client.sendall(refusing + b" NO [CANNOT] Permission denied\r\n")
                        refusing = b""
                        continue
                    answer = self._answer(line.rstrip(b"\r\n"))
                    if answer is not None:
                        with lock:
                            client.sendall(answer)
                        continue
                    upstream.sendall(line)
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)
