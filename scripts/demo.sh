#!/usr/bin/env bash
# Installs mailbot into .venv and runs it once on the bundled sample mailbox (no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
mkdir -p .demo
if ! .venv/bin/python -m pip install -q . >.demo/pip.log 2>&1; then
  cat .demo/pip.log >&2
  exit 1
fi

# Work on a copy, so the bundled sample stays as it is and the demo can be re-run from scratch.
# (Git keeps no empty folders: the copy has only new/; mailbot adds cur/ and tmp/.)
rm -rf .demo/Maildir .demo/state .demo/config
cp -r samples/Maildir .demo/Maildir
export XDG_STATE_HOME="$PWD/.demo/state" XDG_CONFIG_HOME="$PWD/.demo/config"
unset MAILBOT_CONFIG

drafts() { find .demo/Maildir/.Drafts/cur -type f 2>/dev/null | wc -l; }

# The sample mail is from April 2025: a first scan files mail older than [scan] max_age_days (60)
# without answering it, so the demo lifts the limit to show every reply.
mkdir -p .demo/config/mailbot
(umask 077; printf '[identity]\nname = "Your Name"\nemail = "you@example.invalid"\n[scan]\nmax_age_days = 0\n' \
  > .demo/config/mailbot/config.toml)

echo "== mailbot scan on the sample Maildir (replies become drafts in .demo/Maildir/.Drafts) =="
.venv/bin/mailbot scan --maildir .demo/Maildir
first=$(drafts)
echo
echo "== a second scan finds nothing new and writes nothing twice =="
.venv/bin/mailbot scan --maildir .demo/Maildir
second=$(drafts)
echo
echo "== the cases it opened =="
.venv/bin/mailbot cases
echo
echo "drafts written: $first (look at them: ls .demo/Maildir/.Drafts/cur)"
echo "drafts written by the second scan: $((second - first))"
