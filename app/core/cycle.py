"""The audit cycle: by default the academic year, named like 2026-27."""

from __future__ import annotations

from datetime import date

SEPTEMBER = 9


def cycle_for(day: date, start_month: int = SEPTEMBER) -> str:
    if not 1 <= start_month <= 12:
        raise ValueError(f"start month must be 1 to 12, not {start_month}")
    first_year = day.year if day.month >= start_month else day.year - 1
    if start_month == 1:
        return str(first_year)
    return f"{first_year}-{(first_year + 1) % 100:02d}"
