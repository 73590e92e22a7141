"""The confirmation as an A4 PDF, unsigned, with a place kept for the signature stamp.

Output is deterministic: reportlab's invariant mode fixes the file ID and everything else, and
the creation date is written from `created_at` (now, unless given). The same confirmation,
handwriting, logo and `created_at` therefore give the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image as PILImage
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, LayoutError, PageTemplate

from app.core.confirmation import Confirmation
from app.pdf.flowables import PageCountingCanvas, Strokes
from app.pdf.fonts import REGULAR, register_fonts, unprintable_characters
from app.pdf.layout import (
    AUDIT_TYPE_LABELS, HANDWRITING_BOX_SIZE, LOGO_BOX, MARGIN, PAGE_SIZE, SIGNATURE_BOX_SIZE, title_of,
    ConfirmationLayout, one_line,
)

__all__ = ["BuiltPdf", "LogoError", "UnprintableTextError", "build_pdf", "check_printable",
           "unprintable_characters", "SIGNATURE_BOX_SIZE", "HANDWRITING_BOX_SIZE"]

CREATOR = "Staff Social Media Self-Audit"


@dataclass(frozen=True)
class BuiltPdf:
    data: bytes
    signature_page: int  # 0-based
    signature_box: tuple[float, float, float, float]  # x1, y1, x2, y2 in points, for the signer's stamp


class LogoError(ValueError):
    """The school logo file is missing, unreadable or not a PNG or JPEG image; names the file."""


class UnprintableTextError(ValueError):
    """Text the embedded font cannot show; `messages` are check_printable's, one per field."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def check_printable(confirmation: Confirmation, fingerprint: str = "") -> list[str]:
    """A plain-English message for every field holding a character the PDF's font cannot show."""
    fields = [
        ("Your name", confirmation.staff.name),
        ("Your staff ID or work email", confirmation.staff.id),
        ("Your role", confirmation.staff.role),
        ("The school's name", confirmation.school),
        ("The audit cycle", confirmation.cycle),
        ("The document ID", confirmation.document_id),
        ("The checklist's title", confirmation.checklist_title),
        ("The checklist's version", confirmation.checklist_version),
        ("The checklist's content hash", confirmation.checklist_sha256),
        ("The checklist's declaration", confirmation.declaration),
        ("The certificate fingerprint", fingerprint),
    ]
    # Labels that quote a text are written only for a field with a problem: shortening every
    # check's text for nothing cost more than the check itself.
    quoting: list[tuple[str, str, str]] = []  # label with {} for the quoted text, quoted text, text
    for section in dict.fromkeys(item.section for item in confirmation.items):
        quoting.append(("The section title \u201c{}\u201d", section, section))
    for item in confirmation.items:
        quoting += [("The check \u201c{}\u201d", item.check, item.check),
                    ("Your action for \u201c{}\u201d", item.check, item.action),
                    ("Your reason for \u201c{}\u201d", item.check, item.reason)]
    messages = []
    for label, quoted, text in [(label, None, text) for label, text in fields] + quoting:
        missing = unprintable_characters(text)
        if missing:
            shown = [_show_character(c) for c in missing]
            listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
            named = label if quoted is None else label.format(_short(quoted))
            messages.append(f"{named} contains {listed}, which the PDF's font cannot show.")
    return messages


def build_pdf(confirmation: Confirmation, *, fingerprint: str,
              handwriting: tuple[tuple[tuple[float, float], ...], ...] = (),
              logo: Path | None = None, created_at: datetime | None = None) -> BuiltPdf:
    """The confirmation as PDF bytes, and where the signer should draw the visible stamp.

    Raises UnprintableTextError rather than print a box for a character the font lacks,
    LogoError for a logo that cannot be used, ValueError for an empty fingerprint."""
    if not fingerprint.strip():
        raise ValueError("the signing certificate's fingerprint is needed for the declaration page")
    register_fonts()
    problems = check_printable(confirmation, fingerprint)
    if problems:
        raise UnprintableTextError(problems)
    logo_data = _read_logo(logo) if logo is not None else None
    created = (created_at or datetime.now()).astimezone()
    try:
        return _render(confirmation, fingerprint, handwriting, logo_data, created, split_rows=False)
    except LayoutError:
        # Only a cell taller than a page (a very long action or reason) gets here. Splitting
        # inside rows is kept for it alone: it can also cut a section title in two.
        return _render(confirmation, fingerprint, handwriting, logo_data, created, split_rows=True)


def _render(confirmation: Confirmation, fingerprint: str, handwriting: Strokes,
            logo: tuple[bytes, float, float] | None, created: datetime, split_rows: bool) -> BuiltPdf:
    placed: list[tuple[int, tuple[float, float, float, float]]] = []
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=f"{title_of(confirmation)}: {one_line(confirmation.staff.name)}, {confirmation.cycle}",
        author=one_line(confirmation.staff.name),
        subject=f"{confirmation.school}: {confirmation.checklist_title}, version {confirmation.checklist_version}"
                f" ({AUDIT_TYPE_LABELS[confirmation.audit_type]}, {confirmation.cycle})",
        keywords=confirmation.document_id, creator=CREATOR, lang="en-GB", invariant=1, pageCompression=1,
        initialFontName=REGULAR,
    )
    # No frame padding: the margins are the margins, and a table may use the whole width.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=PAGE_SIZE)])
    story = ConfirmationLayout(confirmation, doc.width, split_rows)
    flowables = [
        *story.heading(logo), *story.details(), *story.summary(), *story.items_table(),
        story.declaration(fingerprint, handwriting, lambda page, box: placed.append((page, box))),
    ]

    def make_canvas(*args, **kwargs) -> Canvas:
        canvas = PageCountingCanvas(*args, decorate_page=story.decorate_page, **kwargs)
        canvas.setDateFormatter(lambda *_: _pdf_date(created))
        return canvas

    doc.build(flowables, canvasmaker=make_canvas)
    if len(placed) != 1:  # a layout bug, never the user's doing
        raise RuntimeError(f"the signature area was placed {len(placed)} times")
    page, box = placed[0]
    return BuiltPdf(buffer.getvalue(), page, tuple(round(v, 2) for v in box))


def _read_logo(path: Path) -> tuple[bytes, float, float]:
    """The logo's bytes and its size scaled into LOGO_BOX; LogoError naming the file if unusable."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LogoError(f"The school logo {path} cannot be read: {exc.strerror or exc}.") from exc
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise LogoError(f"The school logo {path} is not a PNG or JPEG image.")
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()  # decodes it all, so a truncated file fails here and not half-drawn
            width, height = image.size
            if width > _LOGO_MAX_PIXELS[0] or height > _LOGO_MAX_PIXELS[1]:
                data = _shrunk_png(image)
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        raise LogoError(f"The school logo {path} is damaged or not a complete image ({exc}).") from exc
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return data, width * scale, height * scale


# About 380 dpi in LOGO_BOX: sharp in print, while a phone photo of the crest would make every
# PDF megabytes larger and its build slower.
_LOGO_MAX_PIXELS = (600, 270)


def _shrunk_png(image: PILImage.Image) -> bytes:
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if image.mode in ("P", "PA") or "transparency" in image.info else "RGB")
    image.thumbnail(_LOGO_MAX_PIXELS, PILImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _short(text: str, limit: int = 60) -> str:
    # A message names the field by its text: without the control character it is about.
    text = one_line("".join(c for c in text if unicodedata.category(c) != "Cc"))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _show_character(char: str) -> str:
    if unicodedata.category(char)[0] in "CMZ":  # invisible or combining: name it by code point
        return f"U+{ord(char):04X}"
    return f"'{char}'"


def _pdf_date(moment: datetime) -> str:
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"
