"""Finds the bundled rules/ and templates/ folders, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled folder `name` ("rules" or "templates").

    A wheel carries them inside the package (mailbot/_data/); a source checkout or
    an editable install has them at the top of the repository.
    """
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
