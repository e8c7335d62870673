"""Problems found in the input, reported as ``path:line: message``.

Every reader appends to one :class:`Problems` collection instead of raising, so
that a single run reports everything an editor got wrong.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


def escape_controls(text: str) -> str:
    """``text`` with control, bidi-override and undecodable characters written as escapes (``\\x07``),
    so that a file name or a value can neither garble a terminal nor hide what it says."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for ch in text
    )


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        path = escape_controls(self.path)
        where = f"{path}:{self.line}" if self.line else path
        prefix = "" if self.severity == ERROR else "предупреждение: "
        return f"{where}: {prefix}{escape_controls(self.message)}"


@dataclass
class Problems:
    """An ordered collection of problems; paths are shown relative to ``root``."""

    root: Path | None = None
    items: list[Problem] = field(default_factory=list)

    def _rel(self, path: Path | str) -> str:
        p = Path(path)
        if self.root is not None:
            root = self.root.resolve()
            # The path as named first: resolving it would show where a symlink points, not the link.
            for candidate in (Path(os.path.abspath(p)), p.resolve()):
                try:
                    return candidate.relative_to(root).as_posix()
                except ValueError:
                    pass
        return p.as_posix()

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        self.items.append(Problem(self._rel(path), line, message, ERROR))

    def warning(self, path: Path | str, line: int | None, message: str) -> None:
        self.items.append(Problem(self._rel(path), line, message, WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(set(self.items), key=lambda p: (p.path, p.line or 0, p.message)))


class UnionNetworkError(Exception):
    """Base of the errors a command reports to a person and stops on (no traceback).

    ``messages`` are the lines to show, in Russian, ``path:line: message`` where the
    place is known. Picklable (a worker process raises it to the parent) as long as a
    subclass keeps ``args`` equal to its constructor's arguments.
    """

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__(self.messages)

    def __str__(self) -> str:
        return "\n".join(self.messages)


class InputError(UnionNetworkError):
    """Raised when the input has errors; carries every problem found."""

    def __init__(self, problems: Problems):
        super().__init__(str(p) for p in problems)
        self.args = (problems,)
        self.problems = problems
