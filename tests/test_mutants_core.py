"""Tests written to kill mutants that survived `bash scripts/mutation.sh` (pure core, no I/O)."""

from __future__ import annotations
