"""How a confirmation is laid out on A4: the flowables in reading order and what every page carries."""

from __future__ import annotations

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Image, KeepTogether, Spacer, Table, TableStyle

from app.core.audit import AuditType, Status
from app.core.confirmation import Confirmation, ConfirmedItem
from app.pdf.flowables import HandwritingBox, ReservedArea, Strokes
from app.pdf.flowables import FastParagraph as Paragraph  # the same page as reportlab's, for less work
from app.pdf.fonts import BOLD, REGULAR

TITLE = "Social media self-audit confirmation"
INDUCTION_TITLE = "Social media induction confirmation"
PAGE_SIZE = A4
MARGIN = 18 * mm
SIGNATURE_BOX_SIZE = (260.0, 70.0)
HANDWRITING_BOX_SIZE = (180.0, 60.0)  # 3:1; a signature pad of the same shape draws undistorted
LOGO_BOX = (40 * mm, 18 * mm)

ANSWER_LABELS = {Status.DONE: "Done", Status.ACTION: "Needs action", Status.NOT_APPLICABLE: "Not applicable"}
AUDIT_TYPE_LABELS = {AuditType.ANNUAL: "Annual audit", AuditType.INDUCTION: "Induction (new starter)"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#5b6470")
HEADING = colors.HexColor("#1d3b5c")
RULE = colors.HexColor("#c9ced6")
SHADE = colors.HexColor("#eef1f5")
SIGNATURE_INK = colors.HexColor("#14213d")


class ConfirmationLayout:
    """The flowables of one confirmation, in reading order, and the header and footer of its pages.

    `split_rows` lets a table row break across pages: needed only when one cell outgrows a page."""

    def __init__(self, confirmation: Confirmation, width: float, split_rows: bool):
        self.confirmation = confirmation
        self.width = width
        self.split_rows = split_rows
        base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, textColor=INK)
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=8.5, leading=11)
        self.label = ParagraphStyle("label", self.small, textColor=MUTED)
        self.cell = ParagraphStyle("cell", base, fontSize=8.5, leading=11)
        self.section = ParagraphStyle("section", self.cell, fontName=BOLD, textColor=HEADING)
        self.cell_bold = ParagraphStyle("cell_bold", self.cell, fontName=BOLD)
        self.school = ParagraphStyle("school", base, fontName=BOLD, fontSize=11, leading=14, textColor=MUTED)
        self.title = ParagraphStyle("title", base, fontName=BOLD, fontSize=17, leading=21, textColor=HEADING)
        self.h2 = ParagraphStyle("h2", base, fontName=BOLD, fontSize=12, leading=15, textColor=HEADING,
                                 spaceBefore=12, spaceAfter=5)
        self.code = ParagraphStyle("code", self.small, fontSize=8, leading=10.5)

    # -- page 1 ---------------------------------------------------------------------------

    def heading(self, logo_data: tuple[bytes, float, float] | None) -> list:
        words = [Paragraph(_text(self.confirmation.school), self.school), Spacer(0, 2),
                 Paragraph(title_of(self.confirmation), self.title)]
        if logo_data is None:
            return [*words, Spacer(0, 10)]
        data, logo_width, logo_height = logo_data
        logo = Image(io.BytesIO(data), width=logo_width, height=logo_height, mask="auto", hAlign="LEFT")
        gap = 5 * mm
        table = Table([[logo, words]], colWidths=[LOGO_BOX[0] + gap, self.width - LOGO_BOX[0] - gap])
        table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "LEFT"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return [table, Spacer(0, 10)]

    def details(self) -> list:
        c = self.confirmation
        rows = [
            ("Name", f"<b>{_text(c.staff.name)}</b>"),
            ("Staff ID or work email", _text(c.staff.id)),
            ("Role", _text(c.staff.role)),
            ("Cycle", _text(c.cycle)),
            ("Audit", AUDIT_TYPE_LABELS[c.audit_type]),
            ("Checklist", f"{_text(c.checklist_title)}, version {_text(c.checklist_version)}"),
            ("Checklist SHA-256", f'<font size="7.5">{_text(c.checklist_sha256)}</font>'),
            ("Completed", _date_time(c.completed_at)),
            ("Document ID", _text(c.document_id)),
        ]
        if c.knowledge_check is not None:
            rows.insert(5, ("Knowledge check", f"{c.knowledge_check.score} of {c.knowledge_check.out_of} correct"))
        label_width = 44 * mm
        table = Table([[label, Paragraph(value, self.body)] for label, value in rows],
                      colWidths=[label_width, self.width - label_width], hAlign="LEFT")
        table.setStyle(_table_style([
            ("FONTSIZE", (0, 0), (0, -1), self.label.fontSize), ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            # A plain string sits its baseline one font size down; lower the smaller label to match.
            ("TOPPADDING", (0, 0), (0, -1), 1.5 + self.body.fontSize - self.label.fontSize),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE), ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ]))
        return [table]

    def summary(self) -> list:
        c = self.confirmation
        counts = [f"{c.count(Status.DONE)} done", _plural(c.count(Status.ACTION), "needs action", "need action"),
                  f"{c.count(Status.NOT_APPLICABLE)} not applicable"]
        flowables: list = [CondPageBreak(80), Paragraph("Summary", self.h2),
                           Paragraph(f"{_plural(len(c.items), 'check', 'checks')}: {', '.join(counts)}.", self.body)]
        actions = sorted(c.actions, key=lambda i: (i.due or date.max, c.items.index(i)))
        if not actions:
            flowables.append(Paragraph("No actions are outstanding.", self.body))
            return flowables
        flowables += [Spacer(0, 4), Paragraph("Outstanding actions, soonest first:", self.body), Spacer(0, 3)]
        widths = [34 * mm, self.width * 0.42, None]  # "30 September 2026" fits the first on one line
        widths[2] = self.width - widths[0] - widths[1]
        rows = [["By", "Action", "For the check"]]
        rows += [[_long_date(i.due) if i.due else "no date", Paragraph(_text(i.action), self.cell),
                  Paragraph(f"{c.items.index(i) + 1}. {_text(i.check)}", self.cell)] for i in actions]
        flowables.append(self._grid(rows, widths))
        return flowables

    # -- every item -----------------------------------------------------------------------

    def items_table(self) -> list:
        widths = [8 * mm, None, 26 * mm, 60 * mm]
        widths[1] = self.width - sum(w for w in widths if w)
        # Short fixed words are plain strings: Table draws those far faster than a Paragraph.
        rows: list[list] = [["", "Check", "Answer", "Action or reason"]]
        extra = []
        section = None
        for number, item in enumerate(self.confirmation.items, start=1):
            if item.section != section:
                section = item.section
                r = len(rows)
                rows.append([Paragraph(_text(section), self.section), "", "", ""])
                extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SHADE)]
                if not self.split_rows:  # a section title never ends a page alone (unless a row outgrows a page)
                    extra.append(("NOSPLIT", (0, r), (-1, r + 1)))
            detail = self._answer_detail(item)
            if item.status is Status.ACTION:
                extra.append(("FONTNAME", (2, len(rows)), (2, len(rows)), BOLD))
            rows.append([f"{number}.", Paragraph(_text(item.check), self.cell), ANSWER_LABELS[item.status],
                         detail or ""])
        # Not keepWithNext: that would push the whole (page-long) table onto a fresh page.
        return [CondPageBreak(110), Paragraph("Answers", self.h2), self._grid(rows, widths, extra)]

    def _answer_detail(self, item: ConfirmedItem) -> list:
        # The date as a paragraph of its own under the action, not a <br/> and <b> in one: the
        # same lines on the page, and plain text is laid out ten times faster than markup.
        if item.status is Status.ACTION:
            due = _long_date(item.due) if item.due else "no date"
            return [Paragraph(_text(item.action), self.cell), Paragraph(f"By {due}", self.cell_bold)]
        if item.status is Status.NOT_APPLICABLE:
            return [Paragraph(_text(item.reason), self.cell)]
        return []

    def _grid(self, rows: list, widths: list[float], extra: list | None = None) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=int(self.split_rows), hAlign="LEFT")
        table.setStyle(_table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTSIZE", (0, 0), (-1, -1), self.cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), self.cell.leading), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE), ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            *(extra or []),
        ]))
        return table

    # -- the declaration page -------------------------------------------------------------

    def declaration(self, fingerprint: str, handwriting: Strokes, on_stamp_placed) -> KeepTogether:
        c = self.confirmation
        paragraphs = [p for p in c.declaration.split("\n\n") if p.strip()] or [""]
        name = Paragraph(f"Signed by <b>{_text(c.staff.name)}</b>", self.body)
        if any(handwriting):  # strokes with points in them: a cleared pad gives () or ((),)
            box = HandwritingBox(handwriting, *HANDWRITING_BOX_SIZE, ink=SIGNATURE_INK, border=RULE)
            # The name's column is as wide as the name, so the drawing sits right beside it.
            room = self.width - HANDWRITING_BOX_SIZE[0]
            typed = (stringWidth("Signed by ", REGULAR, self.body.fontSize)
                     + stringWidth(one_line(c.staff.name), BOLD, self.body.fontSize))
            name_width = min(typed + 14, room)
            signed = Table([[name, box]], colWidths=[name_width, HANDWRITING_BOX_SIZE[0]], hAlign="LEFT")
            signed.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        else:
            signed = name
        return KeepTogether([
            Paragraph("Declaration", self.h2),
            *(Paragraph(_text(p), ParagraphStyle("declaration", self.body, spaceAfter=5)) for p in paragraphs),
            Spacer(0, 8), signed, Spacer(0, 2),
            Paragraph(f"Completed {_date_time(c.completed_at)}", self.label),
            Spacer(0, 10),
            Paragraph("Signing certificate fingerprint (SHA-256)", self.label),
            Paragraph(_text(fingerprint.strip()), self.code),
            Spacer(0, 10),
            Paragraph("Digital signature", self.label),
            Spacer(0, 3),
            ReservedArea(*SIGNATURE_BOX_SIZE, on_placed=on_stamp_placed),
        ])

    # -- every page -----------------------------------------------------------------------

    def decorate_page(self, canvas: Canvas, number: int, total: int) -> None:
        width, height = PAGE_SIZE
        footer_y = 10 * mm
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, footer_y + 10, width - MARGIN, footer_y + 10)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        page_label = f"Page {number} of {total}"
        canvas.drawRightString(width - MARGIN, footer_y, page_label)
        room = width - 2 * MARGIN - stringWidth(page_label, REGULAR, 7.5) - 12
        canvas.drawString(MARGIN, footer_y, _fit(f"Document ID: {one_line(self.confirmation.document_id)}", room, 7.5))
        if number > 1:
            staff = self.confirmation.staff
            header = (f"{one_line(staff.name)} \u00b7 {one_line(staff.id)} \u00b7 {title_of(self.confirmation)}, "
                      f"{self.confirmation.cycle}")
            canvas.drawString(MARGIN, height - 11 * mm, _fit(header, width - 2 * MARGIN, 7.5))
        canvas.restoreState()


def title_of(confirmation: Confirmation) -> str:
    return INDUCTION_TITLE if confirmation.audit_type is AuditType.INDUCTION else TITLE


def _table_style(commands: list) -> TableStyle:
    # Table draws every cell's text in its own font, Helvetica unless told: it must not creep in.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def _text(text: str) -> str:
    return escape(text)  # &, < and > for Paragraph markup; whitespace folds in the paragraph


def one_line(text: str) -> str:
    return " ".join(text.split())


def _fit(text: str, width: float, size: float) -> str:
    if stringWidth(text, REGULAR, size) <= width:
        return text
    while text and stringWidth(text + "\u2026", REGULAR, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"  # English months whatever the locale


def _date_time(moment: datetime) -> str:
    return f"{_long_date(moment.date())} at {moment:%H:%M}"
