"""Keeps what every start would compute again (compiled patterns, parsed rules, month names) in the user's cache."""

from __future__ import annotations

import array
import atexit
import importlib.util
import marshal
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")

# Parsing and compiling the rules' patterns is pure Python in CPython's `re` (a fifth of a first
# scan); executing them is C. What `re` hands to its C engine (`_sre.compile`) is a list of
# integers, which is kept here, keyed by the pattern's source, for this exact interpreter build.
# Anything unexpected (another Python, a changed `re`, a damaged file) falls back to re.compile.
try:
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _TAG = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}-{_sre.CODESIZE}"
    _CODE_TYPE = "I" if _sre.CODESIZE == 4 else "L"
except (ImportError, AttributeError):  # pragma: no cover - not CPython
    _TAG = ""

# A rule file changed less than this long ago is not kept (see toml()).
_SETTLED_NS = 2_000_000_000
# The file: this mark, the CRC-32 of the rest, then the marshal data; a damaged file that marshal
# would still read (another pattern's code under a source, another month name) is not used.
_MARK = b"mailbot-start-2\n"
_READ_ERRORS = (OSError, ValueError, EOFError, TypeError, MemoryError, RecursionError, OverflowError)

# A cache file that would grow past this many bytes (patterns of rules since edited, other versions'
# files) starts again from what this process used: all five languages' patterns take about 4 MB.
MAX_BYTES = 8_000_000

Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]

_patterns: dict[str, Entry] = {}
_values: dict[str, Any] = {}
_used: set[str] = set()
_dirty = False  # something was computed that the file does not hold
_enabled = False  # load() was called: the file is read and written
_home: Path | None = None  # the folder load() read


def compile(source: str) -> re.Pattern[str]:
    """The compiled pattern of `source` (no flags), from the cache when it holds it; re.error as re.compile."""
    entry = _patterns.get(source)
    if entry is not None:
        pattern = _from_entry(source, entry)
        if pattern is not None:
            _used.add(source)
            return pattern
    if not _TAG:  # pragma: no cover - not CPython
        return re.compile(source)
    try:
        parsed = _parser.parse(source, 0)
        code = _compiler._code(parsed, 0)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry = (
            int(parsed.state.flags),
            array.array(_CODE_TYPE, map(int, code)).tobytes(),
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
    except re.error:
        raise
    except Exception:
        return re.compile(source)
    pattern = _from_entry(source, entry)
    if pattern is None:  # pragma: no cover - `re`'s internals changed
        return re.compile(source)
    _patterns[source] = entry
    _used.add(source)
    _changed()
    return pattern


def value(key: str, compute: Callable[[], T]) -> T:
    """What `compute` returns, computed once and then kept (plain data only; the key names what it
    depends on besides the versions of LIBRARIES)."""
    _used.add(key)
    if key in _values:
        return cast(T, _values[key])
    result = compute()
    _values[key] = result
    _changed()
    return result


def toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file (tomllib; TOMLDecodeError and OSError as tomllib.load), kept while the
    file's size and modification time stay the same."""
    import tomllib

    info = path.stat()
    # The inode and the change time too: `cp -p`, `rsync -t` or `touch -r` keep size and mtime, and
    # nothing but a write sets ctime back.
    key = f"toml:{path.resolve()}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}"
    if key in _values:
        _used.add(key)
        return cast(dict[str, Any], _values[key])
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    # A file changed within the last seconds may change again within the same clock tick, keeping every
    # stamp (git's "racy clean" problem): it is kept only once it has been left alone for a while.
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < _SETTLED_NS:
        return data
    try:
        marshal.dumps(data)  # a TOML date or time is not plain data: such a file is parsed every time
    except ValueError:
        return data
    _values[key] = data
    _used.add(key)
    _changed()
    return data


# Libraries whose output value() keeps: an upgrade of any of them drops the values kept.
# mailbot itself: a new version may compute the same keys differently (its rules' months, say).
LIBRARIES = ("babel", "mailbot")


def _libraries() -> str:
    """The installed versions of LIBRARIES, as their locations and modification times (found without importing them)."""
    stamps = []
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        try:
            stamps.append(f"{name}@{origin}@{os.stat(origin).st_mtime_ns if origin else ''}")
        except OSError:
            stamps.append(name)
    return ";".join(stamps)


def _from_entry(source: str, entry: Entry) -> re.Pattern[str] | None:
    try:
        flags, code, groups, groupindex, indexgroup = entry
        pattern: re.Pattern[str] = _sre.compile(
            source, flags, array.array(_CODE_TYPE, code).tolist(), groups, groupindex, indexgroup
        )
    except Exception:
        return None
    return pattern


def folder() -> Path | None:
    """The private cache folder, made when missing; None when it cannot be made or is not the user's own."""
    import platformdirs

    path = platformdirs.user_cache_path("mailbot") / "start"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return path


def _name() -> str:
    return f"{_TAG}.marshal"


def _open_folder(where: Path | None) -> int | None:
    """A descriptor of the private cache folder, checked once opened: the reads and writes through it
    stay in that folder even when a parent is swapped (a link put in its place) after the check."""
    if where is None:
        return None
    try:
        fd = os.open(where, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    info = os.fstat(fd)
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        os.close(fd)
        return None
    return fd


def _read(where: int) -> bytes:
    fd = os.open(_name(), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=where)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        # Only a file of the user's own that nobody else may write.
        if not (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022):
            return b""
        return fh.read()


def load() -> None:
    """Read the cache folder and keep what this process adds to it at exit (the command line does
    this; without it, as in the pure stages' tests, the cache lives in memory only)."""
    global _patterns, _values, _enabled, _home
    if not _enabled:
        atexit.register(save)
    _enabled = True
    _home = folder() if _TAG else None  # written back where it was read, whatever the environment at exit
    where = _open_folder(_home)
    if where is None:
        return
    try:
        data = _read(where)
        mark, crc, payload = data[: len(_MARK)], data[len(_MARK) : len(_MARK) + 4], data[len(_MARK) + 4 :]
        if mark != _MARK or crc != zlib.crc32(payload).to_bytes(4, "big"):
            return
        # The folder and the file are the user's own and private, as for Jinja's template cache (also marshal).
        loaded: Any = marshal.loads(payload)  # noqa: S302
    except _READ_ERRORS:
        return
    finally:
        os.close(where)
    if isinstance(loaded, dict):
        patterns, values = loaded.get("patterns"), loaded.get("values")
        if isinstance(patterns, dict):
            _patterns = {**patterns, **_patterns}
        if isinstance(values, dict) and loaded.get("libraries") == _libraries():
            _values = {**values, **_values}


def _changed() -> None:
    global _dirty
    _dirty = True


def save() -> None:
    """Write the cache when this process computed something new (atomically, readable by the user only)."""
    global _dirty
    if not (_dirty and _enabled):
        return
    _dirty = False
    where = _open_folder(_home)
    if where is None:
        return
    try:
        payload = marshal.dumps({"patterns": _patterns, "values": _values, "libraries": _libraries()})
        if len(payload) > MAX_BYTES:  # entries of edited rules pile up: keep only what this process used
            patterns = {k: v for k, v in _patterns.items() if k in _used}
            values = {k: v for k, v in _values.items() if k in _used}
            payload = marshal.dumps({"patterns": patterns, "values": values, "libraries": _libraries()})
        # A new name in the folder, then an atomic rename: a reader sees the old file or the new, whole.
        tmp = f".start-{os.getpid()}-{os.urandom(6).hex()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=where)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MARK + zlib.crc32(payload).to_bytes(4, "big") + payload)
            os.replace(tmp, _name(), src_dir_fd=where, dst_dir_fd=where)
        except BaseException:
            os.unlink(tmp, dir_fd=where)
            raise
    except (OSError, ValueError):
        pass
    finally:
        os.close(where)


def forget() -> None:
    """Drop everything kept, in memory only from now on (tests)."""
    global _patterns, _values, _dirty, _enabled, _home
    _patterns, _values = {}, {}
    _dirty = _enabled = False
    _home = None
    _used.clear()
