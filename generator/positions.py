"""Where each value of a YAML file was written, so that every finding can name file:line:col."""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a data file; `line` and `col` count from 1 as editors do."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class SourceMap:
    """Positions of the values (and of the keys) of one file, by their path from the root."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> SourceMap:
        return cls(file="<memory>")

    def where(self, path: Path, key: bool = False) -> Location:
        """The position of `path`, or of its nearest ancestor that was written.

        With `key`, prefer the position of the mapping key (for "unknown key" findings).
        """
        path = tuple(path)
        if key and path in self.keys:
            return Location(self.file, *self.keys[path])
        while True:
            if path in self.values:
                return Location(self.file, *self.values[path])
            if path in self.keys:
                return Location(self.file, *self.keys[path])
            if not path:
                return Location(self.file, 1, 1)
            path = path[:-1]


def dotted(loc: Path) -> str:
    """A path as a maintainer reads it: duties[2].text.en."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
