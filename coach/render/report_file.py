"""-o FILE: never destroyed or truncated by a run that fails, is interrupted or has nothing.

A whole report (text, json, csv, markdown, html) is written beside FILE and moved over it
only once it is complete. A streamed report (jsonl, whose point is that a killed run keeps
every line it finished) is written in place, but FILE is opened only with the first result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TextIO


class ReportFile:
    def __init__(self, path: str, *, streamed: bool = False):
        self.target = Path(path)
        self.streamed = streamed
        self.temp: Path | None = None
        self.handle: TextIO | _OpenOnFirstWrite | None = None

    def __enter__(self):
        if self.streamed or (self.target.exists() and not self.target.is_file()):
            # A named pipe or /dev/stdout has nothing to protect and cannot be renamed over.
            self.handle = _OpenOnFirstWrite(self.target)
            return self.handle
        descriptor, temp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".part")
        self.temp = Path(temp)
        self.handle = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, exc_type, exc, traceback) -> bool:
        assert self.handle is not None
        self.handle.close()
        if self.temp is None:
            return False
        if exc_type is None:
            os.chmod(self.temp, _mode_for(self.target))
            os.replace(self.temp, self.target)
        else:
            self.temp.unlink(missing_ok=True)
        return False


class _OpenOnFirstWrite:
    """The file, opened (and so truncated) only when there is something to write to it."""

    def __init__(self, path: Path):
        self.path = path
        self.file: TextIO | None = None

    def write(self, text: str) -> int:
        if self.file is None:
            self.file = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
        return self.file.write(text)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _mode_for(target: Path) -> int:
    """The permissions the file had, or those a plain open() would have given it."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
