"""Commands that only read the state work on a state file the user may only read (SQLite `mode=ro`)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

from mailbot.cli import cli

NOBODY = 65534
READS = (["cases"], ["cases", "--json"], ["case", "1"], ["case", "1", "--json"])


@pytest.fixture
def home() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are root's alone when the tests run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="mailbot-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        path.chmod(0o700)
    shutil.rmtree(folder)


def _invoke(config: Path) -> list[tuple[int, str, str]]:
    """(exit status, stdout, stderr) of each of READS."""
    out = []
    for args in READS:
        result = CliRunner().invoke(cli, [*args, "--config", str(config)])
        out.append((result.exit_code, result.stdout, result.stderr))
    return out


def _as_reader(config: Path, folder: Path, folder_mode: int) -> list[tuple[int, str, str]]:
    """Run each of READS as a user who owns the state but may only read it, nor (unless `folder_mode`
    lets its owner write) create the files SQLite puts beside it."""
    # First as we are: every module the commands import is loaded before the user may not read them.
    _invoke(config)
    state = folder / "state.sqlite3"
    state.chmod(0o400)
    folder.chmod(folder_mode)
    if os.geteuid() != 0:
        return _invoke(config)
    for path in (folder, *folder.iterdir()):
        os.chown(path, NOBODY, NOBODY)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            data = json.dumps(_invoke(config)).encode()
        except BaseException as exc:
            data = json.dumps([[99, "", repr(exc)]]).encode()
        os.write(writing, data)
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return [tuple(x) for x in json.loads(data)]  # type: ignore[misc]


@pytest.mark.parametrize("folder_mode", [0o755, 0o555], ids=["folder-writable", "folder-read-only"])
def test_read_only_commands_work_on_a_state_the_user_may_only_read(home: Path, folder_mode: int) -> None:
    """`mailbot cases` (and `case N`, `--json`) on a state file the user could only read failed with
    "cannot open state: Permission denied", though it only reads: they open it read-only now, also when
    the folder it is in may not be written (no -wal/-shm file can be created there)."""
    config = config_file(home)
    args = ["case", "open", "--controller", "privacy@exampleshop.example", "--type", "access"]
    opened = CliRunner().invoke(cli, [*args, "--date", "2024-01-31", "--config", str(config)])
    assert opened.exit_code == 0, opened.output
    state = home / "state.sqlite3"
    before = state.read_bytes()
    results = _as_reader(config, home, folder_mode)
    home.chmod(0o755)
    assert [code for code, _out, _err in results] == [0, 0, 0, 0], results
    assert "exampleshop.example" in results[0][1]
    assert json.loads(results[1][1])["controller"] == "exampleshop.example"
    assert results[2][1].startswith("case 1\texampleshop.example")
    assert json.loads(results[3][1])["request"]["date"] == "2024-01-31"
    assert all("Permission denied" not in err for _code, _out, err in results)
    assert state.read_bytes() == before
    assert state.stat().st_mode & 0o777 == 0o400
