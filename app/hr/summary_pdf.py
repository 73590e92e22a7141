"""A one-page summary for the head teacher: completion by department (or role), and the most
common outstanding actions. Counts only, no one's name. reportlab, DejaVu Sans embedded, A4.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from app.hr.outputs import write_private
from app.hr.rules import RegisterView, StaffState, overdue_actions

MAX_GROUPS = 14  # more would not fit the page: the rest are added up as "Other"
MAX_ACTIONS = 8
INK = (0.13, 0.15, 0.18)
DONE = (0.16, 0.49, 0.36)
TRACK = (0.88, 0.90, 0.92)
MUTED = (0.38, 0.41, 0.45)


def summary_pdf(view: RegisterView, school: str = "", made_on: date | None = None) -> bytes:
    """The page's bytes. `school` defaults to the school most confirmations name."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from app.pdf.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    school = school or _most_common_school(view)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(f"Social media self-audit {view.cycle}: summary")
    page.setAuthor("Staff Social Media Self-Audit")
    width, height = A4
    left, right = 56, width - 56
    y = height - 64

    page.setFillColorRGB(*INK)
    page.setFont(BOLD, 18)
    page.drawString(left, y, f"Social media self-audit {view.cycle}")
    y -= 20
    page.setFont(REGULAR, 11)
    page.setFillColorRGB(*MUTED)
    page.drawString(left, y, _fit(f"{school} · as of {view.today:%d %B %Y}".lstrip(" ·"), REGULAR, 11,
                                  right - left))
    y -= 36

    y = _headline(page, view, left, right, y, BOLD, REGULAR)
    y = _chart(page, view, left, right, y - 30, BOLD, REGULAR)
    _actions(page, view, left, right, y - 30, BOLD, REGULAR)

    page.setFont(REGULAR, 8)
    page.setFillColorRGB(*MUTED)
    made_on = made_on or date.today()
    page.drawString(left, 40, f"Made by Staff Social Media Self-Audit on {made_on:%d %B %Y} from the HR register. "
                              "Counts only: no one is named.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def write_summary(view: RegisterView, target: Path, school: str = "") -> None:
    """Writes the summary PDF to `target` (owner-only, all or nothing); raises OutputError."""
    write_private(Path(target), summary_pdf(view, school))


def _headline(page, view: RegisterView, left: float, right: float, y: float, bold: str, regular: str) -> float:
    completed = len(view.staff_in(StaffState.COMPLETED))
    attention = len(view.staff_in(StaffState.NEEDS_ATTENTION))
    missing = len(view.missing)
    people = len(view.staff)
    counting = [s.file for s in view.staff if s.file is not None]
    actions = sum(len(f.record.actions) for f in counting)
    overdue = sum(len(overdue_actions(f, view.today)) for f in counting)
    figures = [
        (f"{completed}", f"completed{f' of {people}' if view.has_roster else ''}"),
        (f"{attention}", "sent a file that needs checking"),
        (f"{missing}" if view.has_roster else "–", "missing" if view.has_roster else "missing (no staff list)"),
        (f"{actions}", f"outstanding actions, {overdue} overdue"),
    ]
    box = (right - left) / len(figures)
    for n, (figure, label) in enumerate(figures):
        x = left + n * box
        page.setFillColorRGB(*INK)
        page.setFont(bold, 22)
        page.drawString(x, y - 18, figure)
        page.setFont(regular, 8.5)
        page.setFillColorRGB(*MUTED)
        for line_number, line in enumerate(_wrap(label, regular, 8.5, box - 10)[:2]):
            page.drawString(x, y - 32 - 10 * line_number, line)
    return y - 52


def _chart(page, view: RegisterView, left: float, right: float, y: float, bold: str, regular: str) -> float:
    by_department = any(s.group != s.role for s in view.staff if s.on_roster)
    totals: Counter = Counter()
    done: Counter = Counter()
    for person in view.staff:
        group = person.group if person.on_roster else (person.role or "Not given")
        if view.has_roster and not person.on_roster:
            group = "Not on the staff list"
        totals[group] += 1
        done[group] += person.state == StaffState.COMPLETED
    groups = sorted(totals, key=lambda g: (-totals[g], g.casefold()))
    if len(groups) > MAX_GROUPS:
        kept, rest = groups[:MAX_GROUPS - 1], groups[MAX_GROUPS - 1:]
        totals["Other"] = sum(totals[g] for g in rest)
        done["Other"] = sum(done[g] for g in rest)
        groups = [*kept, "Other"]
    groups.sort(key=lambda g: (g == "Other", g.casefold()))

    page.setFillColorRGB(*INK)
    page.setFont(bold, 13)
    kind = "department" if by_department else "role"
    title = f"Completion by {kind}" if view.has_roster else f"Confirmations received by {kind} (no staff list imported)"
    page.drawString(left, y, title)
    y -= 22
    if not groups:
        page.setFont(regular, 10)
        page.drawString(left, y, "No confirmations and no staff list yet.")
        return y - 10
    label_width, figure_width = 150, 80
    bar_left, bar_right = left + label_width, right - figure_width
    most = max(totals.values())
    for group in groups:
        total, completed = totals[group], done[group]
        share = completed / total if view.has_roster else total / most
        page.setFillColorRGB(*INK)
        page.setFont(regular, 9.5)
        page.drawString(left, y, _fit(group, regular, 9.5, label_width - 8))
        page.setFillColorRGB(*TRACK)
        page.rect(bar_left, y - 3, bar_right - bar_left, 12, stroke=0, fill=1)
        page.setFillColorRGB(*DONE)
        page.rect(bar_left, y - 3, (bar_right - bar_left) * share, 12, stroke=0, fill=1)
        page.setFillColorRGB(*INK)
        figure = f"{completed} of {total} ({round(100 * completed / total)}%)" if view.has_roster else f"{total}"
        page.drawRightString(right, y, figure)
        y -= 19
    return y


def _actions(page, view: RegisterView, left: float, right: float, y: float, bold: str, regular: str) -> None:
    page.setFillColorRGB(*INK)
    page.setFont(bold, 13)
    page.drawString(left, y, "Most common outstanding actions")
    y -= 20
    common = view.outstanding_actions().most_common(MAX_ACTIONS)
    page.setFont(regular, 9.5)
    if not common:
        page.drawString(left, y, "None: every accepted confirmation is complete.")
        return
    for action, count in common:
        if y < 70:
            break
        page.drawRightString(left + 28, y, f"{count}×")
        page.drawString(left + 38, y, _fit(action, regular, 9.5, right - left - 38))
        y -= 16


def _most_common_school(view: RegisterView) -> str:
    schools = Counter(row.record.school for row in view.files if row.record.school)
    return schools.most_common(1)[0][0] if schools else ""


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
