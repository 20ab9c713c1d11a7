"""A job's progress on stderr: a bar redrawn in place (`\\r`) on a terminal, one plain line
per change otherwise (logs and pipes get no control characters)."""

from __future__ import annotations

from typing import TextIO

_WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._drawn = False

    def update(self, status: str, percent: int | None) -> None:
        if self._live:
            filled = (percent or 0) * _WIDTH // 100
            bar = "#" * filled + "-" * (_WIDTH - filled)
            shown = "" if percent is None else f"{percent:3d}%"
            self._stream.write(f"\r[{bar}] {shown} {status:<10}")
            self._drawn = True
        else:
            shown = "" if percent is None else f" {percent}%"
            self._stream.write(f"{status}{shown}\n")
        self._stream.flush()

    def finish(self) -> None:
        """End the bar's line, so what follows starts on its own."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
