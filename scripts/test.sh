#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs Dovecot if missing, builds the venv, lints, type-checks, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The IMAP server is its own package (dovecot-imapd): dovecot-core alone has the `dovecot` binary but no IMAP.
IMAP_BINARY=${DOVECOT_IMAP_BINARY:-/usr/lib/dovecot/imap}
if { ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; } || [ ! -x "$IMAP_BINARY" ]; then
  echo "== installing Dovecot's IMAP server (dovecot-imapd) =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Keep the package from starting a system-wide Dovecot: the tests start their own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q dovecot-imapd >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv =="
  "$PY" -m venv .venv
fi
echo "== installing mailbot (a real wheel, not editable) with test and dev tools =="
pip_quiet() {  # pip's output only when it fails
  if ! .venv/bin/python -m pip install -q "$@" >.venv/pip.log 2>&1; then cat .venv/pip.log >&2; exit 1; fi
}
pip_quiet ".[dev]"
pip_quiet --force-reinstall --no-deps .

echo "== ruff =="
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy --strict mailbot/ =="
.venv/bin/mypy
echo "== mailbot check =="
.venv/bin/mailbot check
echo "== pytest =="
# Run from outside the source tree so the installed wheel (with its bundled rules and
# templates) is what gets tested.
cd tests && ../.venv/bin/python -m pytest -q -p no:cacheprovider --rootdir=.. -c ../pyproject.toml "$@"
