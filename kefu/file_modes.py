"""Files that hold secrets or personal data are the owner's alone: ``.env``, the SQLite
database (and its ``-wal``/``-shm``), Redis's append-only file and dump, logs under ``var/``.

New files get it from the umask (``kefu demo`` sets 077 for itself and every child; the systemd
units say ``UMask=0077``); files left from older runs are tightened by ``make_private``."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["FILE_MODE", "PRIVATE_UMASK", "create_private_file", "make_private"]

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private(path: Path) -> None:
    """chmod 600 a file, or 700 a directory and 600/700 everything under it. Files owned by
    someone else (a shared mount) are left as they are."""
    if not path.exists():
        return
    targets = [path] if path.is_file() else [path, *path.rglob("*")]
    for target in targets:
        if target.is_symlink():
            continue
        with contextlib.suppress(PermissionError):
            target.chmod(DIR_MODE if target.is_dir() else FILE_MODE)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 600 unless it exists (then tighten it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        make_private(path)
        return
    os.close(fd)
