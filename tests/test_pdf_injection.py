"""Nothing a person types can inject markup into the confirmation PDF: reportlab paragraph markup,
PDF syntax, newlines, direction overrides and control characters are either printed literally
(pdftotext reads them back) or refused before signing by check_printable with a plain message.
The signed file then holds no script, action or link, passes qpdf --check and verifies."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import signing_helpers as helpers  # noqa: E402

from app.pdf.document import UnprintableTextError, build_pdf, check_printable  # noqa: E402
from app.signing.sign import sign_pdf  # noqa: E402
from app.signing.verify import VerdictCode, verify_pdf  # noqa: E402

PRINTED = {
    # what a person might type: shown as typed (whitespace folded)
    "bold markup": "<b>All done</b>",
    "font markup": '<font color="white" size="40">hidden</font>',
    "a link": '<a href="https://evil.example/login">click here</a>',
    "an image of a local file": '<img src="/etc/passwd" width="500" height="500"/>',
    "entities": "Smith &amp; Sons &lt;Ltd&gt; &#169; &nbsp;",
    "a para tag": '<para alignment="center">centred</para>',
    "PDF string syntax": ") Tj ET BT /F1 99 Tf (pwned",
    "a PDF action": "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>",
    "PDF names and refs": "/Launch /URI /AA 1 0 R endobj trailer",
    "a newline": "first line\nsecond line\r\nthird",
    "a tab": "before\tafter",
    "quotes and backslashes": "O'Brien \"Jim\" C:\\Users\\x",
}
INVISIBLE = {
    # format characters (typed names refuse them, actions lose them: app.core.text_rules); should
    # one reach the PDF, its glyphs are still drawn in the order typed, since PDF text has no bidi
    "a right-to-left override": "Remove \u202epupils\u202c from my friends",
    "a zero-width joiner": "do\u200dne",
}
REFUSED = {
    # control characters: refused before signing, named by code point
    "a bell and an escape": ("done\x07\x1b[31m", "U+0007"),
    "a null": ("done\x00", "U+0000"),
    "a delete": ("done\x7f", "U+007F"),
}
FIELDS = ("role", "school", "action", "reason", "check")


def hostile_confirmation(text: str, *, name: str = helpers.NAME):
    base = helpers.make_confirmation(name=name)
    done, action, not_applicable = base.items
    items = (replace(done, check=f"Privacy {text}"), replace(action, action=f"Untag {text}"),
             replace(not_applicable, reason=f"Because {text}"))
    return replace(base, staff=replace(base.staff, role=f"Teacher {text}"), school=f"School {text}", items=items)


def folded(text: str) -> str:
    """Without whitespace or format characters: a narrow cell may break a long word anywhere."""
    return "".join(c for c in "".join(text.split()) if unicodedata.category(c) != "Cf")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def identity():
    return helpers.make_identity()


def signed_file(confirmation, identity, folder: Path) -> Path:
    built = build_pdf(confirmation, fingerprint=identity.fingerprint)
    signed = sign_pdf(built.data, confirmation, identity, signature_page=built.signature_page,
                      signature_box=built.signature_box, signer_name=confirmation.staff.name)
    path = folder / "confirmation.pdf"
    path.write_bytes(signed)
    return path


def assert_nothing_active(path: Path, folder: Path) -> None:
    checked = _run("qpdf", "--check", str(path))
    assert checked.returncode == 0 and "No syntax or stream encoding errors" in checked.stdout, checked.stdout
    plain = folder / "plain.pdf"  # every stream uncompressed, object streams undone: searchable
    done = _run("qpdf", "--qdf", "--object-streams=disable", str(path), str(plain))
    assert done.returncode in (0, 3), done.stderr
    syntax = plain.read_bytes()
    # Outside the content and string bytes, none of these names may appear as PDF keys or values.
    for name in (b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/URI", b"/AA", b"/SubmitForm", b"/GoToR"):
        assert not re.search(re.escape(name) + rb"[\s/<\[(]", _outside_strings_and_streams(syntax)), name
    assert syntax.count(b"/Subtype /Widget") == 1 and b"/Subtype /Link" not in syntax  # the stamp alone


def _outside_strings_and_streams(data: bytes) -> bytes:
    data = re.sub(rb"stream\r?\n.*?endstream", b"stream endstream", data, flags=re.S)
    return re.sub(rb"\((?:\\.|[^\\)])*\)", b"()", data)


@pytest.mark.parametrize("kind", [*PRINTED, *INVISIBLE])
def test_typed_text_is_printed_literally_and_injects_nothing(kind, identity, tmp_path):
    text = PRINTED.get(kind) or INVISIBLE[kind]
    confirmation = hostile_confirmation(text)
    assert check_printable(confirmation) == []
    path = signed_file(confirmation, identity, tmp_path)

    printed = folded(_run("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-").stdout)
    for field in (f"Teacher {text}", f"School {text}", f"Privacy {text}", f"Untag {text}", f"Because {text}"):
        assert folded(field) in printed, field
    assert_nothing_active(path, tmp_path)
    verdict = verify_pdf(path.read_bytes())
    assert verdict.valid, verdict.reason
    assert verdict.confirmation == confirmation  # the data keeps exactly what was typed


@pytest.mark.parametrize("kind", ["bold markup", "font markup", "PDF string syntax", "entities"])
def test_a_name_with_markup_is_printed_literally_on_the_page_and_the_stamp(kind, tmp_path):
    name = f"Sian {PRINTED[kind]}"[:64]  # a certificate's name holds 64 characters
    identity = helpers.make_identity(name=name)
    confirmation = hostile_confirmation("ok", name=name)
    path = signed_file(confirmation, identity, tmp_path)
    printed = folded(_run("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-").stdout)
    assert folded(f"Signed by {name}") in printed
    assert folded(f"Digitally signed by {name}") in printed  # the stamp, drawn by pyHanko
    info = _run("pdfinfo", "-enc", "UTF-8", str(path)).stdout
    assert f"Author:          {name}" in info.splitlines()  # the metadata too
    assert_nothing_active(path, tmp_path)
    assert verify_pdf(path.read_bytes()).valid


@pytest.mark.parametrize("kind", REFUSED)
def test_characters_that_hide_or_reorder_text_are_refused_with_a_plain_message(kind, identity):
    text, code_point = REFUSED[kind]
    confirmation = hostile_confirmation(text)
    messages = check_printable(confirmation)
    labels = ("Your role", "The school's name", "Your action for", "Your reason for", "The check")
    assert len(messages) == len(labels)
    for label, message in zip(sorted(labels), sorted(messages)):
        assert message.startswith(label) and code_point in message and "cannot show" in message, message
        assert message.isprintable(), message  # the field is quoted without the character itself
    with pytest.raises(UnprintableTextError):
        build_pdf(confirmation, fingerprint=identity.fingerprint)


def test_a_doctored_pdf_with_a_link_in_it_is_refused_by_the_verifier(identity, tmp_path):
    """The other side of the same rule: a signed confirmation carrying a link is not one the app made."""
    sys.path.insert(0, str(Path(__file__).parent))
    import hostile_pdfs

    originals = hostile_pdfs.make_originals()
    doctored = hostile_pdfs.doctored_then_signed(hostile_pdfs.add_annotation("/Link", action=hostile_pdfs.uri_action()))
    assert verify_pdf(doctored(originals)).code is VerdictCode.UNEXPECTED_CONTENT
