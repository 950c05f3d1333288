"""Real servers for integration tests: Dovecot (IMAP) from a temporary config, aiosmtpd (SMTP)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

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
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
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


def make_dovecot(tls: tuple[Path, Path] | None = None) -> Dovecot:
    """A configured (not yet started) Dovecot in a fresh, world-searchable temporary folder."""
    require(DOVECOT is not None, "Dovecot (Debian package dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="mbdc-", dir="/tmp"))
    root.chmod(0o755)
    server = Dovecot(root=root, port=free_port())
    if tls:
        server.cert, server.key = tls
        server.tls_port = free_port()
    server.write_config()
    return server
