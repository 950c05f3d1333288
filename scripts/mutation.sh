#!/usr/bin/env bash
# Mutation testing of the pure core with mutmut (slow: not part of CI). Usage: bash scripts/mutation.sh [module...]
# Modules are names under mailbot/ (parse hidden auth classify textmodel decide recipients compose cases; default: all that exist).
# Prints killed/total per module and every survivor; `.venv-mut/bin/mutmut show NAME` shows one mutant's diff.
# MUTMUT_CHILDREN=1 runs one worker at a time (a shared machine); the default is one per core.
set -euo pipefail
cd "$(dirname "$0")/.."

# A venv of its own with mailbot's dependencies but not mailbot: the tests must import the mutated copy
# that mutmut writes to mutants/ (it puts that folder first on sys.path), never an installed wheel.
deps=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat .venv-mut/deps 2>/dev/null)" != "$deps" ]; then
  echo "== .venv-mut: mutmut and the test dependencies (not mailbot itself) =="
  [ -x .venv-mut/bin/python ] || "${PYTHON:-python3}" -m venv .venv-mut
  .venv-mut/bin/python -m pip install -q "mutmut==3.8.1" ".[test]" >.venv-mut/pip.log 2>&1 || { cat .venv-mut/pip.log >&2; exit 1; }
  .venv-mut/bin/python -m pip uninstall -q -y privacy-mailbot >>.venv-mut/pip.log 2>&1
  echo "$deps" >.venv-mut/deps
fi

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  for m in parse hidden auth classify textmodel decide recipients compose cases; do [ -f "mailbot/$m.py" ] && modules+=("$m"); done
fi
patterns=()
for m in "${modules[@]}"; do
  [ -f "mailbot/$m.py" ] || { echo "no module mailbot/$m.py" >&2; exit 2; }
  patterns+=("mailbot.$m.*")
done

# A fresh copy every time: mutants/ holds copies of the sources and tests, stale after any edit.
rm -rf mutants
echo "== mutmut run ${patterns[*]} (the log is in mutants/run.log) =="
log=$(mktemp)
set +e
children=()
[ -n "${MUTMUT_CHILDREN:-}" ] && children=(--max-children "$MUTMUT_CHILDREN")
.venv-mut/bin/mutmut run "${children[@]}" "${patterns[@]}" >"$log" 2>&1
status=$?
set -e
tr '\r' '\n' <"$log" >mutants/run.log && rm -f "$log"
if [ ! -f "mutants/mailbot/${modules[0]}.py.meta" ]; then
  tail -n 40 mutants/run.log >&2
  echo "mutmut failed (exit $status)" >&2
  exit 1
fi

.venv-mut/bin/python - "${modules[@]}" <<'PY'
"""Killed/total per module from mutmut's result files, and the survivors by name."""
import json
import sys

KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # failed test, pytest error, timeout, type check
for module in sys.argv[1:]:
    with open(f"mutants/mailbot/{module}.py.meta", encoding="utf-8") as f:
        codes = {k: v for k, v in json.load(f)["exit_code_by_key"].items() if k.startswith(f"mailbot.{module}.")}
    killed = sum(1 for v in codes.values() if v in KILLED)
    total = len(codes)
    survivors = sorted(k for k, v in codes.items() if v not in KILLED)
    print(f"{module}: {killed}/{total} killed ({100 * killed / max(total, 1):.1f} %)")
    for name in survivors:
        print(f"    survived: {name}" + (" (no test reaches it)" if codes[name] in (5, 33) else ""))
PY
