"""The confirmation PDF, read back with real third-party tools (poppler-utils, qpdf)."""

from __future__ import annotations

import math
import re
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from app.core.audit import Answer, Audit, AuditType, Person, Status
from app.core.checklist import Profile
from app.core.confirmation import build_confirmation
from app.core.platforms import PLATFORMS
from app.pdf.document import (
    SIGNATURE_BOX_SIZE, LogoError, UnprintableTextError, build_pdf, check_printable, unprintable_characters,
)

FINGERPRINT = ":".join(f"{n * 37 % 256:02X}" for n in range(32))
DOCUMENT_ID = "3f9c2a10-5b1e-4c7d-9a8e-1f2b3c4d5e6f"
NOTE = "PRIVATENOTE zebracrossing marmalade"  # distinctive words that must never reach the PDF
COMPLETED = datetime(2026, 11, 20, 14, 5, 33)
SIGNATURE = (  # two wavy strokes and a dot, as a signature pad reports them
    tuple((0.05 + 0.6 * t / 40, 0.5 + 0.35 * math.sin(t / 3)) for t in range(41)),
    tuple((0.55 + 0.4 * t / 20, 0.8 - 0.6 * t / 20) for t in range(21)),
    ((0.97, 0.9),),
)


def confirm(checklist, name="Siân Ŵyn", *, audit_type=AuditType.ANNUAL, action="", reason=""):
    """Every applicable item answered: mostly done, every fifth needs action, every seventh does not apply."""
    profile = Profile(platforms=frozenset(PLATFORMS), answers={q.id: True for q in checklist.questions})
    answers = {}
    for n, item in enumerate(checklist.applicable_items(profile), start=1):
        if n % 5 == 0:
            answers[item.id] = Answer(Status.ACTION, action=action or f"Untag myself from the summer fair photos {n}",
                                      due=date(2026, 12, n), note=NOTE)
        elif n % 7 == 0:
            answers[item.id] = Answer(Status.NOT_APPLICABLE, reason=reason or f"I have no account there ({n})",
                                      note=NOTE)
        else:
            answers[item.id] = Answer(Status.DONE, note=NOTE)
    audit = Audit(person=Person(name, "S1234@school.example", "Teaching assistant"), school=checklist.school,
                  checklist_id=checklist.id, checklist_version=checklist.version, checklist_sha256=checklist.sha256,
                  cycle="2026-27", audit_type=audit_type, started_at=datetime(2026, 11, 1, 9), profile=profile,
                  answers=answers, completed_at=COMPLETED)
    return build_confirmation(checklist, audit, DOCUMENT_ID)


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return result.stdout


def write(tmp_path: Path, built, name="confirmation.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(built.data)
    return path


def text_of(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-enc", "UTF-8", *pages, str(path), "-")


def flat(text: str) -> str:
    return " ".join(text.split())


def words_on_page(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x1, y1, x2, y2) in PDF points, origin at the bottom left as in signature_box."""
    html = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    return [(w, float(x1), height - float(y2), float(x2), height - float(y1)) for x1, y1, x2, y2, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def inside_the_margins(x1: float, y1: float, x2: float, y2: float) -> bool:
    # 18 mm at the sides; the running header and the footer sit 10-11 mm from the top and bottom.
    side = 18 * 72 / 25.4 - 1
    return side <= x1 and x2 <= 595.28 - side and 25 <= y1 and y2 <= 841.89 - 25


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.M).group(1))


def largest(bundled):
    return max(bundled.values(), key=lambda c: sum(len(i.check) for i in c.items) + len(c.declaration))


@pytest.fixture(scope="module")
def built_pdf(bundled, tmp_path_factory):
    checklist = largest(bundled)
    confirmation = confirm(checklist)
    built = build_pdf(confirmation, fingerprint=FINGERPRINT, handwriting=SIGNATURE)
    return confirmation, built, write(tmp_path_factory.mktemp("pdf"), built)


# -- what it says -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Siân Ŵyn", "Łucja Wójcik", "Nguyễn Thị Minh Khai", "Seán Ó Briain",
                                  "Jiří Dvořák", "Ŷwain ap Gwŷn"])
def test_names_in_latin_scripts_come_out_as_typed(bundled, tmp_path, name):
    confirmation = confirm(bundled["bury-ce"], name)
    path = write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT))
    text = flat(text_of(path))
    assert name in text
    assert f"Signed by {name}" in text
    assert f"Author: {name}" in flat(run("pdfinfo", str(path)))


def test_a_name_typed_with_combining_accents_prints(bundled, tmp_path):
    # Person stores NFC; "ọ́" has no precomposed form, so a combining acute stays after NFC.
    typed = unicodedata.normalize("NFD", "Adéṣọ́lá Nguyễn")
    confirmation = confirm(bundled["bury-ce"], typed)
    assert "\u0301" in confirmation.staff.name
    assert unprintable_characters(confirmation.staff.name) == ""
    path = write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT))
    text = unicodedata.normalize("NFC", flat(text_of(path)))
    assert "Adéṣọ́lá Nguyễn" in text


def test_everything_hr_needs_is_in_the_text(built_pdf):
    confirmation, _, path = built_pdf
    text = flat(text_of(path))
    for expected in [confirmation.school, "Social media self-audit confirmation", confirmation.staff.name,
                     confirmation.staff.id, confirmation.staff.role, "2026-27", "Annual audit",
                     confirmation.checklist_title, confirmation.checklist_version, confirmation.checklist_sha256,
                     "20 November 2026 at 14:05", DOCUMENT_ID, FINGERPRINT, flat(confirmation.declaration),
                     f"Signed by {confirmation.staff.name}"]:
        assert expected in text, expected


def test_every_answer_with_its_action_date_or_reason(built_pdf):
    confirmation, _, path = built_pdf
    assert {i.status for i in confirmation.items} == set(Status)
    # -raw keeps the order things are drawn in: each row's cells, left to right.
    rows = flat(run("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"))
    for number, item in enumerate(confirmation.items, start=1):
        row = f"{number}. {flat(item.check)} "
        if item.status is Status.DONE:
            row += "Done"
        elif item.status is Status.ACTION:
            row += f"Needs action {item.action} By {item.due.day} December 2026"
        else:
            row += f"Not applicable {item.reason}"
        assert row in rows
    text = text_of(path)
    assert len(re.findall(r"\bDone\b", text)) == confirmation.count(Status.DONE)
    assert len(re.findall(r"\bNeeds action\b", text)) == confirmation.count(Status.ACTION)
    assert len(re.findall(r"\bNot applicable\b", text)) == confirmation.count(Status.NOT_APPLICABLE)
    done, action, na = (confirmation.count(s) for s in (Status.DONE, Status.ACTION, Status.NOT_APPLICABLE))
    assert f"{len(confirmation.items)} checks: {done} done, {action} need action, {na} not applicable." in flat(text)


def test_the_summary_lists_outstanding_actions_soonest_first(built_pdf):
    confirmation, _, path = built_pdf
    summary = flat(run("pdftotext", "-raw", "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"))
    summary = summary[summary.index("Outstanding actions"):]
    positions = [summary.index(f"{i.due.day} December 2026 {i.action}") for i in confirmation.actions]
    assert positions == sorted(positions) and len(positions) >= 2


def test_the_summary_when_nothing_or_one_thing_is_outstanding(bundled, tmp_path):
    confirmation = confirm(bundled["bury-ce"])
    all_done = replace(confirmation, items=tuple(
        replace(i, status=Status.DONE, action="", due=None, reason="") for i in confirmation.items))
    text = flat(text_of(write(tmp_path, build_pdf(all_done, fingerprint=FINGERPRINT), "done.pdf")))
    assert f"{len(all_done.items)} checks: {len(all_done.items)} done, 0 need action, 0 not applicable." in text
    assert "No actions are outstanding." in text and "Needs action" not in text
    one = replace(all_done, items=(confirmation.actions[0], *all_done.items[1:]))
    text = flat(text_of(write(tmp_path, build_pdf(one, fingerprint=FINGERPRINT), "one.pdf")))
    assert "1 needs action" in text


def test_induction_is_named_as_such(bundled, tmp_path):
    confirmation = confirm(bundled["st-hughs"], audit_type=AuditType.INDUCTION)
    text = flat(text_of(write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT))))
    assert "Induction (new starter)" in text and "Annual audit" not in text


def test_markup_characters_are_printed_not_obeyed(bundled, tmp_path):
    action = "Delete <b>old</b> posts & photos from 'A&amp;B' <br/> group"
    confirmation = confirm(bundled["bury-ce"], "Tom <i>O'Neil</i> & Co", action=action)
    text = flat(text_of(write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT))))
    assert action in text and "Tom <i>O'Neil</i> & Co" in text


def test_private_notes_never_reach_the_pdf(built_pdf, tmp_path):
    confirmation, built, path = built_pdf
    uncompressed = tmp_path / "qdf.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(uncompressed)], check=True)
    text = text_of(path)
    for word in NOTE.split():
        assert word not in text
        for data in (built.data, uncompressed.read_bytes()):
            assert word.encode() not in data
            assert word.encode("utf-16-be") not in data


# -- the file itself -----------------------------------------------------------------------


def test_fonts_are_dejavu_and_embedded(built_pdf):
    rows = run("pdffonts", str(built_pdf[2])).splitlines()[2:]
    fonts = {row.split()[0].split("+")[-1]: row.split() for row in rows}
    assert set(fonts) == {"DejaVuSans", "DejaVuSans-Bold"}  # no Helvetica or other stand-in
    for columns in fonts.values():
        emb, sub, uni = columns[-5:-2]
        assert (emb, uni) == ("yes", "yes")


def test_qpdf_finds_the_structure_clean(built_pdf):
    result = subprocess.run(["qpdf", "--check", str(built_pdf[2])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_metadata(built_pdf):
    confirmation, _, path = built_pdf
    info = dict(re.findall(r"^(\w[\w ]*?):\s+(.*)$", run("pdfinfo", str(path)), re.M))
    assert info["Title"] == f"Social media self-audit confirmation: {confirmation.staff.name}, 2026-27"
    assert info["Author"] == confirmation.staff.name
    assert confirmation.school in info["Subject"] and confirmation.checklist_title in info["Subject"]
    assert info["Creator"] == "Staff Social Media Self-Audit"
    assert info["Keywords"] == DOCUMENT_ID
    assert info["Page size"].endswith("(A4)")


def test_every_page_is_numbered_and_carries_the_document_id(built_pdf):
    _, _, path = built_pdf
    total = page_count(path)
    assert 2 <= total <= 4
    for page in range(1, total + 1):
        text = text_of(path, page)
        assert f"Page {page} of {total}" in text
        assert DOCUMENT_ID in text


@pytest.mark.parametrize("checklist_id", ["barton-st-peters", "bury-ce", "evendons-bpet", "model-policy", "st-hughs"])
def test_every_bundled_checklist_fits_two_to_four_pages_within_the_margins(bundled, tmp_path, checklist_id):
    path = write(tmp_path, build_pdf(confirm(bundled[checklist_id]), fingerprint=FINGERPRINT, handwriting=SIGNATURE))
    total = page_count(path)
    assert 2 <= total <= 4
    for page in range(1, total + 1):
        for word, x1, y1, x2, y2 in words_on_page(path, page):
            assert inside_the_margins(x1, y1, x2, y2), (page, word)


def test_very_long_answers_wrap_and_flow_onto_more_pages(bundled, tmp_path):
    action = "Ask the fair organisers to remove every photo I am tagged in. " * 60 + "Supercalifragilistic" * 12
    confirmation = confirm(bundled["bury-ce"], action=action, reason="Not on it. " * 400)
    path = write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT))
    total = page_count(path)
    assert total > 4
    for page in range(1, total + 1):
        for word, x1, y1, x2, y2 in words_on_page(path, page):
            assert inside_the_margins(x1, y1, x2, y2), (page, word)
    assert "Supercalifragilistic" in text_of(path)


# -- the signature -------------------------------------------------------------------------


def test_the_signature_box_is_empty_space_on_the_declaration_page(built_pdf, tmp_path):
    _, built, path = built_pdf
    x1, y1, x2, y2 = built.signature_box
    assert (round(x2 - x1), round(y2 - y1)) == SIGNATURE_BOX_SIZE
    assert 0 < x1 and x2 < 595 and 0 < y1 and y2 < 842
    page = built.signature_page + 1
    assert page == page_count(path)
    assert "Declaration" in text_of(path, page) and FINGERPRINT in text_of(path, page)
    for word, wx1, wy1, wx2, wy2 in words_on_page(path, page):
        assert wx2 <= x1 or wx1 >= x2 or wy2 <= y1 or wy1 >= y2, f"{word!r} is inside the signature box"
    # Nothing drawn there either: the rendered box is white.
    run("pdftoppm", "-png", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(tmp_path / "p"))
    image = Image.open(tmp_path / "p.png").convert("L")
    area = image.crop((math.ceil(x1), math.ceil(image.height - y2), int(x2), int(image.height - y1)))
    assert area.getextrema() == (255, 255)


def test_handwriting_is_drawn_as_lines_beside_the_name(bundled, tmp_path):
    confirmation = confirm(bundled["bury-ce"])
    with_ink = write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT, handwriting=SIGNATURE), "ink.pdf")
    without = write(tmp_path, build_pdf(confirmation, fingerprint=FINGERPRINT), "plain.pdf")
    assert run("pdfimages", "-list", str(with_ink)).splitlines()[2:] == []  # vectors, not a picture
    dark = {}
    for label, path in (("ink", with_ink), ("plain", without)):
        page = page_count(path)
        words = words_on_page(path, page)
        name = next(w for w in words if w[0] == "Ŵyn" and w[4] < 800)  # not the running header's
        declaration_end = next(w for w in words if w[0] == "true.")
        run("pdftoppm", "-png", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(path),
            str(tmp_path / label))
        image = Image.open(tmp_path / f"{label}.png").convert("L")
        # Right of the typed name, between the declaration above and the name's baseline.
        beside = image.crop((int(name[3]) + 2, int(image.height - declaration_end[2]) + 2, int(name[3]) + 200,
                             int(image.height - name[2])))
        dark[label] = sum(beside.histogram()[:128])
    assert dark["ink"] > 100 and dark["plain"] == 0
    cleared_pad = build_pdf(confirmation, fingerprint=FINGERPRINT, handwriting=((),), created_at=COMPLETED)
    assert cleared_pad == build_pdf(confirmation, fingerprint=FINGERPRINT, created_at=COMPLETED)


def test_same_input_gives_the_same_bytes_and_the_given_creation_date(bundled):
    confirmation = confirm(bundled["bury-ce"])
    when = datetime(2026, 11, 20, 14, 6, 1, tzinfo=timezone.utc)
    first = build_pdf(confirmation, fingerprint=FINGERPRINT, handwriting=SIGNATURE, created_at=when)
    second = build_pdf(confirmation, fingerprint=FINGERPRINT, handwriting=SIGNATURE, created_at=when)
    assert first == second
    assert b"/CreationDate (D:20261120140601+00'00')" in first.data


def test_an_empty_fingerprint_is_refused(bundled):
    with pytest.raises(ValueError, match="fingerprint"):
        build_pdf(confirm(bundled["bury-ce"]), fingerprint=" ")


# -- characters the font cannot show ------------------------------------------------------


def test_printable_latin_text_is_not_reported():
    text = ("Siân Ŵyn Ŷ ŵ ŷ Seán Ó Briain Łucja Wójcik ąćęłńśźż Jiří Dvořák ěščřžýáíéůú "
            "Nguyễn Thị Minh Khai ơư đ")
    assert unprintable_characters(text + " \t\n\u00a0\u2019\u201c\u201d\u2013\u2026£€") == ""


@pytest.mark.parametrize("char", ["ᚠ", "中", "🦄"])
def test_characters_outside_the_font_are_reported(char):
    assert unprintable_characters(f"Siân {char} Ŵyn {char}") == char


def test_check_printable_names_each_field(bundled):
    confirmation = confirm(bundled["bury-ce"], "Siân ᚠ Ŵyn", action="Post a 🦄 and a 中 less")
    messages = check_printable(confirmation)
    assert "Your name contains 'ᚠ', which the PDF's font cannot show." in messages
    action_messages = [m for m in messages if m.startswith("Your action for")]
    assert len(action_messages) == len(confirmation.actions)
    assert all(m.endswith("contains '🦄' and '中', which the PDF's font cannot show.") for m in action_messages)
    assert check_printable(confirm(bundled["bury-ce"], "Nguyễn Thị Minh Khai")) == []
    with pytest.raises(UnprintableTextError) as raised:
        build_pdf(confirmation, fingerprint=FINGERPRINT)
    assert raised.value.messages == messages


# -- the logo ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_logo_is_scaled_into_a_small_box(bundled, tmp_path, kind):
    logo = tmp_path / f"logo.{kind.lower()}"
    Image.new("RGB", (1200, 400), (20, 60, 120)).save(logo, kind)
    path = write(tmp_path, build_pdf(confirm(bundled["bury-ce"]), fingerprint=FINGERPRINT, logo=logo))
    images = run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(images) == 1 and images[0].split()[0] == "1"  # on page 1
    run("pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "p1"))
    page = Image.open(tmp_path / "p1.png").convert("RGB")
    blue = [(x, y) for x in range(0, page.width) for y in range(0, 200)
            if all(abs(a - b) < 15 for a, b in zip(page.getpixel((x, y)), (20, 60, 120)))]
    width = max(x for x, _ in blue) - min(x for x, _ in blue)
    height = max(y for _, y in blue) - min(y for _, y in blue)
    assert 100 <= width <= 116 and 30 <= height <= 40  # 3:1 kept, inside 40 x 18 mm


def test_a_large_logo_is_embedded_at_print_size(bundled, tmp_path):
    logo = tmp_path / "crest.jpg"
    Image.effect_noise((4000, 3000), 40).convert("CMYK").save(logo, "JPEG")
    built = build_pdf(confirm(bundled["bury-ce"]), fingerprint=FINGERPRINT, logo=logo)
    columns = run("pdfimages", "-list", str(write(tmp_path, built))).splitlines()[2].split()
    width, height = int(columns[3]), int(columns[4])
    assert (width, height) == (360, 270)
    assert len(built.data) < 1_000_000


def test_a_logo_with_transparency(bundled, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (300, 300), (200, 0, 0, 0)).save(logo)
    path = write(tmp_path, build_pdf(confirm(bundled["bury-ce"]), fingerprint=FINGERPRINT, logo=logo))
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_a_missing_logo_is_named_in_the_error(bundled, tmp_path):
    missing = tmp_path / "no-such-logo.png"
    with pytest.raises(LogoError, match=re.escape(str(missing))):
        build_pdf(confirm(bundled["bury-ce"]), fingerprint=FINGERPRINT, logo=missing)


@pytest.mark.parametrize("content", [b"not an image at all", b"GIF89a\x01\x00\x01\x00", "truncated"])
def test_a_broken_logo_is_named_in_the_error(bundled, tmp_path, content):
    logo = tmp_path / "school logo.png"
    if content == "truncated":
        Image.effect_noise((400, 400), 60).convert("RGB").save(logo)
        content = logo.read_bytes()[:3000]
    logo.write_bytes(content)
    with pytest.raises(LogoError, match=re.escape(str(logo))):
        build_pdf(confirm(bundled["bury-ce"]), fingerprint=FINGERPRINT, logo=logo)
