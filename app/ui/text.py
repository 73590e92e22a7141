"""Wording shared by several widgets, translatable."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from app.core.audit import Answer, Status


def tr(text: str) -> str:
    return QCoreApplication.translate("text", text)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"  # not %-d: Windows' strftime has no such flag


def describe_answer(answer: Answer) -> str:
    if answer.status is Status.DONE:
        return tr("Done")
    if answer.status is Status.ACTION:
        due = long_date(answer.due) if answer.due else tr("no date yet")
        return tr("Needs action: {action} (by {due})").format(action=answer.action or tr("not said yet"), due=due)
    if answer.status is Status.NOT_APPLICABLE:
        return tr("Not applicable: {reason}").format(reason=answer.reason or tr("no reason yet"))
    return tr("Not answered")
