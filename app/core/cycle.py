"""The audit cycle: by default the academic year, named like 2026-27."""

from __future__ import annotations

from datetime import date

from app.core.record import record

SEPTEMBER = 9


def cycle_for(day: date, start_month: int = SEPTEMBER) -> str:
    if not 1 <= start_month <= 12:
        raise ValueError(f"start month must be 1 to 12, not {start_month}")
    first_year = day.year if day.month >= start_month else day.year - 1
    if start_month == 1:
        return str(first_year)
    return f"{first_year}-{(first_year + 1) % 100:02d}"


@record
class CycleRules:
    """When each cycle starts and when its audit is due; the school configuration sets them."""

    start_month: int = SEPTEMBER
    due_month: int = 10
    due_day: int = 31

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError(f"start month must be 1 to 12, not {self.start_month}")
        date(2024, self.due_month, self.due_day)  # raises ValueError for a day that never exists

    def cycle_for(self, day: date) -> str:
        return cycle_for(day, self.start_month)

    def starts(self, cycle: str) -> date:
        return date(int(cycle[:4]), self.start_month, 1)

    def due_date(self, cycle: str) -> date:
        """The first due day on or after the cycle's start (29 February falls back to the 28th)."""
        start = self.starts(cycle)
        year = start.year if (self.due_month, self.due_day) >= (self.start_month, 1) else start.year + 1
        day = self.due_day
        if (self.due_month, day) == (2, 29) and not _leap(year):
            day = 28
        return date(year, self.due_month, day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
