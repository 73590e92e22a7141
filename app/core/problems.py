"""A problem found in an input file, said precisely enough to fix it."""

from __future__ import annotations

from app.core.record import record


@record
class Problem:
    """Something wrong in a file: which file, where in it, which field, and what."""

    file: str
    message: str
    line: int | None = None
    where: str = ""  # e.g. "item 'settings-review'"
    field: str = ""

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
        parts = [place]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"
