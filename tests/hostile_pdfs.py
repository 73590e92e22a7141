"""Hostile PDFs for the verifier, each made from a real confirmation that the app's own code built
(app.pdf.document.build_pdf) and signed (app.signing.sign), then attacked the way the published
attacks on PDF signatures do: Mladenov et al. 2019 ("1 Trillion Dollar Refund": incremental saving,
signature wrapping, universal signature forgery) and Mainka et al. 2021 (shadow attacks), plus
files that try to break or stall the checker. pyHanko's incremental writer and raw byte editing
make them all; `CASES` says what the verifier must answer for each.
"""

from __future__ import annotations

import asyncio
import binascii
import hashlib
import io
import re
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import signing_helpers as helpers

from app.signing.verdict import VerdictCode

# --- the originals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Originals:
    """What every attack starts from: the app's own unsigned and signed confirmation, and who signed it."""

    identity: object  # SigningIdentity of NAME, STAFF_ID
    confirmation: object
    unsigned: bytes
    signed: bytes
    signature_page: int
    signature_box: tuple[float, float, float, float]


def make_originals() -> Originals:
    from app.pdf.document import build_pdf
    from app.signing.sign import sign_pdf

    identity, confirmation = helpers.make_identity(), helpers.make_confirmation()
    built = build_pdf(confirmation, fingerprint=identity.fingerprint)
    signed = sign_pdf(built.data, confirmation, identity, signature_page=built.signature_page,
                      signature_box=built.signature_box, signer_name=confirmation.staff.name)
    return Originals(identity, confirmation, built.data, signed, built.signature_page, built.signature_box)


def sign_as_the_app(o: Originals, pdf: bytes, *, identity=None, confirmation=None, payload: bytes | None = b"") -> bytes:
    """`pdf` (perhaps doctored first) signed by the app's own signing code, as a malicious signer could."""
    from app.signing.sign import confirmation_json_bytes, sign_pdf_with_payload

    if payload == b"":
        payload = confirmation_json_bytes(confirmation or o.confirmation)
    return sign_pdf_with_payload(pdf, payload, identity or o.identity, signature_page=o.signature_page,
                                 signature_box=o.signature_box, signer_name=o.confirmation.staff.name)


# --- raw PDF surgery ---------------------------------------------------------------------------------

def last_startxref(data: bytes) -> int:
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def serialise(obj) -> bytes:
    """A pyHanko object (dictionary, array, stream...) as PDF syntax."""
    buffer = io.BytesIO()
    obj.write_to_stream(buffer, None)
    return buffer.getvalue()


def first_page_ref(reader):
    return reader.root["/Pages"]["/Kids"].raw_get(0)


def reader_of(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def append_revision(data: bytes, objects: dict[int, bytes], *, prev: int | None = None, with_xref: bool = True,
                    xref_stream: bool = False, stream_entries: dict[int, tuple[int, int, int]] | None = None,
                    trailer_extra: bytes = b"", self_prev: bool = False) -> bytes:
    """An incremental update written by hand: `objects` (number -> body) appended, then, unless
    `with_xref` is False, a cross-reference section (a table, or a stream) and trailer whose /Prev
    is `prev` (default: the file's last xref; `self_prev`: the new section itself)."""
    reader = reader_of(data)
    trailer = reader.trailer_view
    root, info = trailer.raw_get("/Root"), trailer.raw_get("/Info")
    size = max(int(trailer["/Size"]), max(objects, default=0) + 1)
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not with_xref:
        return bytes(out)
    start = len(out)
    prev = start if self_prev else (last_startxref(data) if prev is None else prev)
    refs = b"/Root %d 0 R /Info %d 0 R" % (root.idnum, info.idnum)
    if not xref_stream:
        out += b"xref\n"
        for number, offset in sorted(offsets.items()):
            out += b"%d 1\n%010d 00000 n \n" % (number, offset)
        out += b"trailer\n<< /Size %d %s /Prev %d %s >>\n" % (size, refs, prev, trailer_extra)
    else:
        own = size
        entries = {n: (1, offset, 0) for n, offset in offsets.items()}
        entries[own] = (1, start, 0)
        entries.update(stream_entries or {})
        rows = b"".join(bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
                        for _, (kind, a, b) in sorted(entries.items()))
        index = b" ".join(b"%d 1" % n for n in sorted(entries))
        out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] %s /Prev %d /Length %d %s >>\nstream\n"
                % (own, own + 1, index, refs, prev, len(rows), trailer_extra) + rows + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _sig_spans(data: bytes) -> tuple[slice, slice]:
    """Where the last signature dictionary's /Contents hex string and /ByteRange array are."""
    contents = data.rindex(b"/Contents <") + len(b"/Contents ")
    byte_range = data.index(b"/ByteRange", contents) + len(b"/ByteRange")
    end = data.index(b"]", byte_range) + 1
    while data[end:end + 2] == b"  ":  # pyHanko leaves room after it: the span takes all but one space
        end += 1
    return slice(contents, data.index(b">", contents) + 1), slice(byte_range, end)


def same_length(data: bytes, old: bytes, new: bytes, after: int = 0) -> bytes:
    """`old` (its first occurrence after `after`) replaced by `new`, padded with spaces to the same length."""
    at = data.index(old, after)
    assert len(new) <= len(old), (old, new)
    return data[:at] + new.ljust(len(old)) + data[at + len(old):]


def with_byte_range(data: bytes, values) -> bytes:
    """The signature's /ByteRange text rewritten in place (same length): the file keeps its size."""
    _, span = _sig_spans(data)
    text = b"[" + b" ".join(b"%d" % v for v in values) + b"]"
    assert len(text) < span.stop - span.start, "no room for that /ByteRange"
    return data[:span.start] + b" " + text.ljust(span.stop - span.start - 1) + data[span.stop:]


def resign(data: bytes, identity, *, strip=None) -> bytes:
    """A fresh CMS signature over whatever the /ByteRange now says, by `identity`: the attacker here is
    (or has the key of) the signer, so only the verifier's structural checks can tell. `strip` edits
    the CMS (e.g. drops its certificates) after signing."""
    from asn1crypto import cms, keys, x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    contents, span = _sig_spans(data)
    values = [int(v) for v in data[span].strip(b" []").split()]
    digest = hashlib.sha256()
    for start, length in zip(values[::2], values[1::2]):
        digest.update(data[start:start + length])
    signer = signers.SimpleSigner(x509.Certificate.load(identity.certificate_der),
                                  keys.PrivateKeyInfo.load(identity.private_key_der), SimpleCertificateStore())
    signed = asyncio.run(signer.async_sign(digest.digest(), "sha256", use_pades=True))
    if strip is not None:
        signed = cms.ContentInfo.load(strip(cms.ContentInfo.load(signed.dump())).dump(force=True))
    hex_value = binascii.hexlify(signed.dump()).upper()
    room = contents.stop - contents.start - 2
    assert len(hex_value) <= room
    return data[:contents.start + 1] + hex_value.ljust(room, b"0") + data[contents.stop - 1:]


def resign_hashes_apart(o: "Originals") -> bytes:
    """Signed again by the signer's own key, the data digested with SHA-256 but the signed attributes
    signed with ECDSA over SHA-512: each hash strong, the pair against RFC 8933. pyHanko will not
    sign so, so the CMS is built here."""
    from asn1crypto import algos, cms, x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from pyhanko.sign.general import as_signing_certificate_v2

    data = o.signed
    contents, span = _sig_spans(data)
    values = [int(v) for v in data[span].strip(b" []").split()]
    signed = b"".join(data[start:start + length] for start, length in zip(values[::2], values[1::2]))
    certificate = x509.Certificate.load(o.identity.certificate_der)
    attributes = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(signed).digest()]}),
        cms.CMSAttribute({"type": "signing_certificate_v2",
                          "values": [as_signing_certificate_v2(certificate, "sha256")]}),
    ])
    key = serialization.load_der_private_key(o.identity.private_key_der, None)
    signer_info = cms.SignerInfo({
        "version": "v1", "digest_algorithm": {"algorithm": "sha256"}, "signed_attrs": attributes,
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": certificate.issuer, "serial_number": certificate.serial_number})}),
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha512_ecdsa"}),
        "signature": key.sign(attributes.dump(), ec.ECDSA(hashes.SHA512())),
    })
    signed_data = cms.SignedData({"version": "v1", "digest_algorithms": [{"algorithm": "sha256"}],
                                  "encap_content_info": {"content_type": "data"}, "certificates": [certificate],
                                  "signer_infos": [signer_info]})
    hex_value = binascii.hexlify(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()).upper()
    room = contents.stop - contents.start - 2
    return data[:contents.start + 1] + hex_value.ljust(room, b"0") + data[contents.stop - 1:]


def without_certificates(content_info):
    content_info["content"]["certificates"] = []
    return content_info


def without_signer_infos(content_info):
    content_info["content"]["signer_infos"] = []
    return content_info


def zlib_bomb(expanded: int) -> bytes:
    """A valid zlib stream of `expanded` zero bytes (a ratio of about 1000:1), made in milliseconds:
    each megabyte is deflated after a full flush, so its compressed form is the same every time."""
    mb = 1024 * 1024
    assert expanded % mb == 0
    compressor = zlib.compressobj(9)
    head = compressor.compress(bytes(mb)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(mb)) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    body = head + again * (expanded // mb - 1) + tail[:-4]  # the checksum is of one megabyte: redo it
    a, b = 1, expanded % 65521  # Adler-32 of zeros: a stays 1, b grows by 1 a byte
    return body + ((b << 16) | a).to_bytes(4, "big")


def bomb_stream(expanded: int, extra: bytes = b"") -> bytes:
    data = zlib_bomb(expanded)
    return b"<< /Filter /FlateDecode /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def qpdf_encrypt(data: bytes, *args: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(data)
        done = subprocess.run(["qpdf", "--allow-weak-crypto", "--encrypt", *args, "--", str(source), str(target)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode in (0, 3), done.stderr  # 3: warnings only
        return target.read_bytes()


# --- updates made with pyHanko, as any PDF editor makes them ----------------------------------------

def _name(text: str):
    from pyhanko.pdf_utils.generic import pdf_name

    return pdf_name(text)


def _rect(*values):
    from pyhanko.pdf_utils import generic

    return generic.ArrayObject(generic.FloatObject(v) for v in values)


def _form_xobject(writer, content: bytes, box=(0, 0, 500, 60)):
    from pyhanko.pdf_utils import generic

    return writer.add_object(generic.StreamObject({
        _name("/Type"): _name("/XObject"), _name("/Subtype"): _name("/Form"), _name("/BBox"): _rect(*box),
    }, stream_data=content))


def add_annotation(subtype: str, *, white_box: bool = False, text: str = "", action=None, field: bool = False):
    """An edit that adds an annotation to page 1: over the items table, white-filled when `white_box`."""
    from pyhanko.pdf_utils import generic

    def edit(writer) -> None:
        page_ref, _ = writer.find_page_for_modification(0)
        annotation = generic.DictionaryObject({
            _name("/Type"): _name("/Annot"), _name("/Subtype"): _name(subtype), _name("/F"): generic.NumberObject(4),
            _name("/Rect"): _rect(40, 300, 560, 520), _name("/P"): page_ref,
        })
        if text:
            annotation[_name("/Contents")] = generic.TextStringObject(text)
        if white_box:
            annotation[_name("/IC")] = _rect(1, 1, 1)
            annotation[_name("/C")] = _rect(1, 1, 1)
            annotation[_name("/AP")] = generic.DictionaryObject(
                {_name("/N"): _form_xobject(writer, b"1 1 1 rg 0 0 520 220 re f", (0, 0, 520, 220))})
        if action is not None:
            annotation[_name("/A")] = action
        if field:  # an empty signature field that draws a fake "signed" stamp over the page
            annotation[_name("/FT")] = _name("/Sig")
            annotation[_name("/T")] = generic.TextStringObject("HRApproval")
            annotation[_name("/AP")] = generic.DictionaryObject({_name("/N"): _form_xobject(
                writer, b"BT /Helv 18 Tf 10 20 Td (Approved by HR) Tj ET", (0, 0, 520, 220))})
        ref = writer.add_object(annotation)
        writer.register_annotation(page_ref, ref)
        if field:
            form = writer.root["/AcroForm"] if "/AcroForm" in writer.root else None
            if form is None:
                writer.root[_name("/AcroForm")] = generic.DictionaryObject(
                    {_name("/Fields"): generic.ArrayObject([ref])})
                writer.update_root()
            else:
                form["/Fields"].append(ref)
                writer.update_container(form)

    return edit


def javascript_action(script: str):
    from pyhanko.pdf_utils import generic

    return generic.DictionaryObject({_name("/S"): _name("/JavaScript"), _name("/JS"): generic.TextStringObject(script)})


def launch_action():
    from pyhanko.pdf_utils import generic

    return generic.DictionaryObject({_name("/S"): _name("/Launch"), _name("/F"): generic.TextStringObject("cmd.exe")})


def uri_action():
    from pyhanko.pdf_utils import generic

    return generic.DictionaryObject({_name("/S"): _name("/URI"),
                                     _name("/URI"): generic.TextStringObject("https://example.invalid/phish")})


def set_in_catalog(key: str, make_value):
    def edit(writer) -> None:
        writer.root[_name(key)] = make_value(writer)
        writer.update_root()

    return edit


def javascript_name_tree(writer) -> None:
    from pyhanko.pdf_utils import generic

    names = writer.root.get("/Names") or generic.DictionaryObject()
    names[_name("/JavaScript")] = generic.DictionaryObject({_name("/Names"): generic.ArrayObject([
        generic.TextStringObject("run"), writer.add_object(javascript_action("app.alert('hi')"))])})
    writer.root[_name("/Names")] = names
    writer.update_root()


def page_open_action(writer) -> None:
    from pyhanko.pdf_utils import generic

    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page[_name("/AA")] = generic.DictionaryObject({_name("/O"): javascript_action("app.alert('opened')")})
    writer.update_container(page)


def optional_content_layer(writer) -> None:
    """Shadow 'hide': the page's own text put in a layer that starts hidden; a later update (or a
    viewer's layer panel) shows it."""
    from pyhanko.pdf_utils import generic

    ocg = writer.add_object(generic.DictionaryObject({_name("/Type"): _name("/OCG"),
                                                      _name("/Name"): generic.TextStringObject("Hidden")}))
    writer.root[_name("/OCProperties")] = generic.DictionaryObject({
        _name("/OCGs"): generic.ArrayObject([ocg]),
        _name("/D"): generic.DictionaryObject({_name("/OFF"): generic.ArrayObject([ocg])}),
    })
    writer.update_root()
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Resources"][_name("/Properties")] = generic.DictionaryObject({_name("/OC1"): ocg})
    writer.update_container(page)
    hidden = generic.StreamObject(stream_data=b"/OC /OC1 BDC BT /F1+0 24 Tf 72 400 Td (All items done) Tj ET EMC")
    writer.add_stream_to_page(0, writer.add_object(hidden))


def white_rectangle_in_content(writer) -> None:
    """Shadow 'hide' drawn in the page itself: a white box over the items table, before signing."""
    from pyhanko.pdf_utils import generic

    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"q 1 1 1 rg 40 300 520 220 re f Q")))


def second_attachment(writer) -> None:
    from pyhanko.pdf_utils import embed

    embed.embed_file(writer, embed.FileSpec(
        file_spec_string="payslip.pdf.exe", file_name="payslip.pdf.exe",
        embedded_data=embed.EmbeddedFileObject.from_file_data(writer, b"MZ\x90\x00")))


def xfa_form(writer) -> None:
    from pyhanko.pdf_utils import generic

    form = writer.root.get("/AcroForm")
    if form is None:
        form = generic.DictionaryObject({_name("/Fields"): generic.ArrayObject()})
        writer.root[_name("/AcroForm")] = form
    form[_name("/XFA")] = writer.add_object(generic.StreamObject(stream_data=b"<xdp:xdp/>"))
    form[_name("/NeedAppearances")] = generic.BooleanObject(True)
    writer.update_root()


def replace_font(writer) -> None:
    """Shadow 'replace': the page's fonts swapped for another in an update (a font whose glyphs draw
    other letters would change every word on the page)."""
    from pyhanko.pdf_utils import generic

    page_ref, _ = writer.find_page_for_modification(0)
    fonts = page_ref.get_object()["/Resources"]["/Font"]
    helvetica = writer.add_object(generic.DictionaryObject({
        _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type1"), _name("/BaseFont"): _name("/Helvetica")}))
    for key in list(fonts):
        fonts[key] = helvetica
    writer.update_container(fonts)


def remove_page_stream(index: int):
    """Shadow 'hide' revealed: an update that drops one of page 1's content streams (the overlay)."""
    from pyhanko.pdf_utils import generic

    def edit(writer) -> None:
        page_ref, _ = writer.find_page_for_modification(0)
        page = page_ref.get_object()
        streams = page["/Contents"]
        refs = [streams.raw_get(n) for n in range(len(streams))]
        del refs[index]
        page[_name("/Contents")] = generic.ArrayObject(refs)
        writer.update_container(page)

    return edit


def remove_annotations_but_the_stamp(writer) -> None:
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    from pyhanko.pdf_utils import generic

    page[_name("/Annots")] = generic.ArrayObject(a for a in page.raw_get("/Annots")
                                                 if a.get_object().get("/FT") == "/Sig" and "/V" in a.get_object())
    writer.update_container(page)


# --- the attacks -----------------------------------------------------------------------------------

def _catalog_with(o: Originals, data: bytes, extra: bytes) -> dict[int, bytes]:
    reader = reader_of(data)
    root = reader.trailer_view.raw_get("/Root")
    body = serialise(reader.root)
    return {root.idnum: body[:-2] + extra + b">>"}


def isa_new_page_content_raw(o: Originals) -> bytes:
    """ISA: page 1 redefined in a hand-written update with new text and a new xref."""
    reader = reader_of(o.signed)
    page_ref = first_page_ref(reader)
    page = serialise(page_ref.get_object())
    size = int(reader.trailer_view["/Size"])
    content = b"BT /F1+0 30 Tf 72 700 Td (All checks done, no actions) Tj ET"
    return append_revision(o.signed, {
        size: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        page_ref.idnum: re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, page),
    })


def isa_catalog_open_action(o: Originals) -> bytes:
    size = int(reader_of(o.signed).trailer_view["/Size"])
    objects = _catalog_with(o, o.signed, b"/OpenAction %d 0 R\n" % size)
    objects[size] = b"<< /S /JavaScript /JS (app.alert\\('Approved'\\)) >>"
    return append_revision(o.signed, objects)


def isa_json_replaced_raw(o: Originals) -> bytes:
    """ISA: the embedded confirmation.json's stream object redefined with other data."""
    reader = reader_of(o.signed)
    spec = reader.root["/Names"]["/EmbeddedFiles"]["/Names"][1]
    number = spec["/EF"].raw_get("/F").idnum
    forged = helpers.make_confirmation(name=helpers.NAME).to_json()
    forged["items"] = [item for item in forged["items"] if item["status"] != "action"]
    import json

    payload = json.dumps(forged).encode()
    return append_revision(o.signed, {number: b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(payload)
                                      + payload + b"\nendstream"})


def isa_without_xref(o: Originals) -> bytes:
    """ISA for lenient readers: object bodies appended with no xref or trailer; a repairing reader
    takes the last definition of each object."""
    reader = reader_of(o.signed)
    page_ref = first_page_ref(reader)
    page = serialise(page_ref.get_object())
    size = int(reader.trailer_view["/Size"])
    content = b"BT /F1+0 30 Tf 72 700 Td (All checks done) Tj ET"
    return append_revision(o.signed, {
        size: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        page_ref.idnum: re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, page),
    }, with_xref=False)


def isa_prev_to_unsigned(o: Originals) -> bytes:
    """ISA whose /Prev skips the signed revision: it points at the unsigned original's xref, so a
    reader following the chain never sees the signature's revision at all."""
    return replace_isa_prev(o, last_startxref(o.unsigned))


def isa_prev_nowhere(o: Originals) -> bytes:
    return replace_isa_prev(o, 7)


def replace_isa_prev(o: Originals, prev: int) -> bytes:
    reader = reader_of(o.signed)
    page_ref = first_page_ref(reader)
    page = serialise(page_ref.get_object())
    return append_revision(o.signed, {page_ref.idnum: page.replace(b"/Rotate 0", b"/Rotate 180")}, prev=prev)


def swa_moved_signed_bytes(o: Originals) -> bytes:
    """SWA: a new signature dictionary (redefined in an update) whose /ByteRange points the second
    signed range at a copy of the original bytes moved behind the attacker's content, so the
    digest still matches while the file shows something else."""
    s = o.signed
    values = [int(v) for v in s[_sig_spans(s)[1]].strip(b" []").split()]
    len1, start2, len2 = values[1], values[2], values[3]
    evil = b"\n% the attacker's objects sit here, outside the signed ranges\n"
    moved_at = len(s) + len(evil)
    data = s + evil + s[start2:start2 + len2]
    reader = reader_of(s)
    sig_ref = reader.embedded_signatures[0].sig_field.raw_get("/V")
    sig_text = s[s.rindex(b"%d 0 obj" % sig_ref.idnum):]
    sig_text = sig_text[sig_text.index(b"<<"):sig_text.index(b"endobj")].rstrip()
    new_range = b"[0 %d %d %d]" % (len1, moved_at, len2)
    sig_text = re.sub(rb"/ByteRange \[[^\]]*\]\s*", b"/ByteRange " + new_range + b" ", sig_text)
    return append_revision(data, {sig_ref.idnum: sig_text})


def swa_gap_with_content(o: Originals) -> bytes:
    """SWA: the /Contents hex cut to the signature's real length, and the attacker's own dictionary
    entries put in the rest of the unsigned gap; the /ByteRange unchanged."""
    contents, _ = _sig_spans(o.signed)
    hex_value = o.signed[contents][1:-1]
    used = hex_value.rstrip(b"0")
    used += b"0" * (len(used) % 2)
    gap = b"<" + used + b"> /Evil (injected by the attacker)"
    return o.signed[:contents.start] + gap.ljust(contents.stop - contents.start) + o.signed[contents.stop:]


def swa_range_short_of_the_end(o: Originals) -> bytes:
    """A signature by the signer's own key whose /ByteRange stops short of the end of the file."""
    values = _byte_range(o.signed)
    return resign(with_byte_range(o.signed, [0, values[1], values[2], values[3] - 200]), o.identity)


def swa_range_overlapping(o: Originals) -> bytes:
    values = _byte_range(o.signed)
    return resign(with_byte_range(o.signed, [0, values[1] + 100, values[2], values[3]]), o.identity)


def swa_range_negative(o: Originals) -> bytes:
    values = _byte_range(o.signed)
    return resign(with_byte_range(o.signed, [0, values[1], -values[2], values[3]]), o.identity)


def swa_range_six_values(o: Originals) -> bytes:
    values = _byte_range(o.signed)
    return resign(with_byte_range(o.signed, [0, 10, 20, values[1] - 20, values[2], values[3]]), o.identity)


def swa_range_not_from_start(o: Originals) -> bytes:
    values = _byte_range(o.signed)
    return resign(with_byte_range(o.signed, [100, values[1] - 100, values[2], values[3]]), o.identity)


def swa_gap_elsewhere(o: Originals) -> bytes:
    """The /ByteRange leaves out bytes somewhere else (page text) as big as the signature, and covers
    the signature's own /Contents: the sizes add up to the file's, but the gap is not the signature."""
    values = _byte_range(o.signed)
    gap = values[2] - values[1]
    start = o.signed.index(b"stream", 2000) + 8
    return resign(with_byte_range(o.signed, [0, start, start + gap, len(o.signed) - start - gap]), o.identity)


def _byte_range(data: bytes) -> list[int]:
    return [int(v) for v in data[_sig_spans(data)[1]].strip(b" []").split()]


def usf_contents(value: bytes):
    def make(o: Originals) -> bytes:
        contents, _ = _sig_spans(o.signed)
        size = contents.stop - contents.start
        return o.signed[:contents.start] + value.ljust(size) + o.signed[contents.stop:]

    return make


def usf_key(old: bytes, new: bytes, *, signed_again: bool = False):
    def make(o: Originals) -> bytes:
        data = same_length(o.signed, old, new, o.signed.rindex(b"/Contents <"))
        return resign(data, o.identity) if signed_again else data

    return make


def usf_byte_range(text: bytes):
    def make(o: Originals) -> bytes:
        _, span = _sig_spans(o.signed)
        return o.signed[:span.start] + b" " + text.ljust(span.stop - span.start - 1) + o.signed[span.stop:]

    return make


def usf_cms(strip):
    return lambda o: resign(o.signed, o.identity, strip=strip)


def shadow_hide_revealed(o: Originals) -> bytes:
    """Signed with a white overlay stream on page 1; the update drops the overlay to reveal the text."""
    signed = sign_as_the_app(o, helpers.update(o.unsigned, white_rectangle_in_content))
    return helpers.update(signed, remove_page_stream(-1))


def shadow_hide_annotation_removed(o: Originals) -> bytes:
    signed = sign_as_the_app(o, helpers.update(o.unsigned, add_annotation("/Square", white_box=True)))
    return helpers.update(signed, remove_annotations_but_the_stamp)


def shadow_hide_and_replace(o: Originals) -> bytes:
    """Shadow 'hide-and-replace': a whole new xref section redefining the page, its content, fonts
    and the catalog; most viewers show only the newest definitions."""
    reader = reader_of(o.signed)
    objects = {}
    page_ref = first_page_ref(reader)
    size = int(reader.trailer_view["/Size"])
    content = b"BT /F9 24 Tf 72 700 Td (Nothing to report) Tj ET"
    objects[size] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    objects[size + 1] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = serialise(page_ref.get_object())
    page = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, page)
    page = page.replace(b"/Font 1 0 R", b"/Font << /F9 %d 0 R >>" % (size + 1))
    objects[page_ref.idnum] = page
    objects.update(_catalog_with(o, o.signed, b""))
    return append_revision(o.signed, objects)


def signed_by(identity_of: Callable[[], object], **staff):
    def make(o: Originals) -> bytes:
        from app.signing.sign import confirmation_json_bytes

        payload = confirmation_json_bytes(helpers.make_confirmation(**staff)) if staff else None
        return sign_as_the_app(o, o.unsigned, identity=identity_of(), payload=payload or b"")

    return make


def doctored_then_signed(*edits):
    """A malicious signer's own PDF: the app's unsigned PDF doctored first, then signed by the app's code."""
    def make(o: Originals) -> bytes:
        pdf = o.unsigned
        for edit in edits:
            pdf = helpers.update(pdf, edit)
        return sign_as_the_app(o, pdf)

    return make


def bomb_as_page_content_signed(o: Originals) -> bytes:
    reader = reader_of(o.unsigned)
    page_ref = first_page_ref(reader)
    size = int(reader.trailer_view["/Size"])
    page = serialise(page_ref.get_object())
    page = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, page)
    doctored = append_revision(o.unsigned, {size: bomb_stream(4096 * 1024 * 1024), page_ref.idnum: page})
    return sign_as_the_app(o, doctored)


def bomb_as_page_content_signed_ascii85(o: Originals) -> bytes:
    import base64

    reader = reader_of(o.unsigned)
    page_ref = first_page_ref(reader)
    size = int(reader.trailer_view["/Size"])
    page = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, serialise(page_ref.get_object()))
    data = base64.a85encode(zlib_bomb(1024 * 1024 * 1024)) + b"~>"
    stream = b"<< /Filter [/ASCII85Decode /FlateDecode] /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    return sign_as_the_app(o, append_revision(o.unsigned, {size: stream, page_ref.idnum: page}))


def lzw_stream_signed(o: Originals) -> bytes:
    reader = reader_of(o.unsigned)
    size = int(reader.trailer_view["/Size"])
    objects = _catalog_with(o, o.unsigned, b"/PieceInfo << /X << /Private %d 0 R >> >>" % size)
    objects[size] = b"<< /Filter /LZWDecode /Length 4 >>\nstream\n\x80\x0b\x60\x50\nendstream"
    return sign_as_the_app(o, append_revision(o.unsigned, objects))


def bomb_as_json_signed(o: Originals) -> bytes:
    """confirmation.json as 4 GB of zeros in 4 MB: filed in the PDF before signing, so it is signed."""
    reader = reader_of(o.unsigned)
    size = int(reader.trailer_view["/Size"])
    objects = _catalog_with(o, o.unsigned, b"/Names << /EmbeddedFiles << /Names [(confirmation.json) %d 0 R] >> >>"
                            % (size + 1))
    objects[size] = bomb_stream(4096 * 1024 * 1024, b"/Type /EmbeddedFile")
    objects[size + 1] = b"<< /Type /Filespec /F (confirmation.json) /UF (confirmation.json) /EF << /F %d 0 R >> >>" % size
    return sign_as_the_app(o, append_revision(o.unsigned, objects), payload=None)


def bomb_in_update(o: Originals) -> bytes:
    reader = reader_of(o.signed)
    page_ref = first_page_ref(reader)
    size = int(reader.trailer_view["/Size"])
    page = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, serialise(page_ref.get_object()))
    return append_revision(o.signed, {size: bomb_stream(4096 * 1024 * 1024), page_ref.idnum: page})


def deep_nesting(depth: int, kind: str = "array"):
    def make(o: Originals) -> bytes:
        nested = b"[" * depth + b"]" * depth if kind == "array" else b"<</A " * depth + b"1" + b">>" * depth
        return append_revision(o.signed, _catalog_with(o, o.signed, b"/Deep " + nested + b"\n"))

    return make


def pages_loop(o: Originals) -> bytes:
    reader = reader_of(o.signed)
    pages_ref = reader.root.raw_get("/Pages")
    body = b"<< /Type /Pages /Count 2 /Kids [%d 0 R %d 0 R] >>" % (first_page_ref(reader).idnum, pages_ref.idnum)
    return append_revision(o.signed, {pages_ref.idnum: body})


def page_parent_loop(o: Originals) -> bytes:
    """A page that is its own parent, and a /Kids that names the page twice."""
    reader = reader_of(o.signed)
    pages_ref = reader.root.raw_get("/Pages")
    page_ref = first_page_ref(reader)
    page = serialise(page_ref.get_object()).replace(b"/Parent %d 0 R" % pages_ref.idnum, b"/Parent %d 0 R" % page_ref.idnum)
    return append_revision(o.signed, {page_ref.idnum: page, pages_ref.idnum: b"<< /Type /Pages /Count 2 /Kids [%d 0 R %d 0 R] >>"
                                      % (page_ref.idnum, page_ref.idnum)})


def prev_loop(o: Originals) -> bytes:
    reader = reader_of(o.signed)
    page_ref = first_page_ref(reader)
    return append_revision(o.signed, {page_ref.idnum: serialise(page_ref.get_object())}, self_prev=True)


def prev_loop_pair(o: Originals) -> bytes:
    """Two updates whose /Prev point at each other: the first one's /Prev rewritten (same width) to
    the second's xref."""
    reader = reader_of(o.signed)
    page_ref = first_page_ref(reader)
    page = serialise(page_ref.get_object())
    first = append_revision(o.signed, {page_ref.idnum: page})
    both = append_revision(first, {page_ref.idnum: page}, prev=last_startxref(first))
    old = b"/Prev %d " % last_startxref(o.signed)
    new = b"/Prev %d" % last_startxref(both)
    assert len(new) <= len(old)
    at = both.index(old, len(o.signed))
    return both[:at] + new.ljust(len(old)) + both[at + len(old):]


def object_stream_self_reference(o: Originals) -> bytes:
    """An xref stream saying the catalog is inside object stream N, and object stream N inside itself."""
    reader = reader_of(o.signed)
    root = reader.trailer_view.raw_get("/Root").idnum
    size = int(reader.trailer_view["/Size"])
    objstm = size + 1  # size is the xref stream itself
    return append_revision(o.signed, {}, xref_stream=True,
                           stream_entries={root: (2, objstm, 0), objstm: (2, objstm, 0)})


def object_stream_extends_itself(o: Originals) -> bytes:
    reader = reader_of(o.signed)
    root = reader.trailer_view.raw_get("/Root").idnum
    size = int(reader.trailer_view["/Size"])
    objstm = size + 1
    catalog = serialise(reader.root)
    header = b"%d 0 " % root
    body = header + catalog
    stream = (b"<< /Type /ObjStm /N 1 /First %d /Extends %d 0 R /Length %d >>\nstream\n"
              % (len(header), objstm, len(body)) + body + b"\nendstream")
    data = append_revision(o.signed, {objstm: stream}, with_xref=False)
    objstm_at = data.rindex(b"%d 0 obj" % objstm)
    return append_revision(data, {}, xref_stream=True, stream_entries={
        objstm: (1, objstm_at, 0), root: (2, objstm, 0)})


def in_zip(o: Originals) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("confirmation.pdf", o.signed)
    return buffer.getvalue()


def junk_before(o: Originals) -> bytes:
    """A polyglot: bytes before %PDF-, which readers allow within the first kilobyte."""
    return b"GIF89a" + bytes(200) + o.signed


@dataclass(frozen=True)
class Case:
    name: str
    family: str
    make: Callable[[Originals], bytes]
    code: VerdictCode
    reason: str  # a fragment of the plain-English reason the verifier must give


C = VerdictCode
CHANGED = "it was changed after it was signed"
NOT_WHOLE = "the signature does not cover the whole file"
WRAPPED = "the signed bytes are not the whole file less the signature itself: the signature was moved or wrapped"
MALFORMED = "the signature's byte range is missing or malformed"
DAMAGED_TEXT = "the PDF is damaged and cannot be read"
UNEXPECTED = "which the app never puts in a confirmation"

CASES = [
    # Incremental saving attacks (ISA): anything after the signed revision
    Case("ISA: page content redefined by hand, new xref", "ISA", isa_new_page_content_raw, C.CHANGED_AFTER_SIGNING,
         CHANGED),
    Case("ISA: page content added by pyHanko", "ISA", lambda o: helpers.update(o.signed, helpers.add_page_content),
         C.CHANGED_AFTER_SIGNING, "(pages"),
    Case("ISA: catalog redefined with a JavaScript /OpenAction", "ISA", isa_catalog_open_action,
         C.CHANGED_AFTER_SIGNING, CHANGED),
    Case("ISA: confirmation.json's stream redefined", "ISA", isa_json_replaced_raw, C.CHANGED_AFTER_SIGNING,
         "(attachments)"),
    Case("ISA: objects appended with no xref or trailer", "ISA", isa_without_xref, C.NOT_WHOLE_FILE, NOT_WHOLE),
    Case("ISA: new xref whose /Prev skips the signed revision", "ISA", isa_prev_to_unsigned, C.NO_SIGNATURE,
         "not signed"),
    Case("ISA: new xref whose /Prev points nowhere", "ISA", isa_prev_nowhere, C.DAMAGED, DAMAGED_TEXT),
    # Signature wrapping (SWA)
    Case("SWA: signed bytes moved behind new content, new /ByteRange", "SWA", swa_moved_signed_bytes,
         C.NOT_WHOLE_FILE, WRAPPED),
    Case("SWA: content put in the gap where the signature goes", "SWA", swa_gap_with_content, C.NOT_WHOLE_FILE,
         WRAPPED),
    Case("SWA: /ByteRange stops short of the end (re-signed)", "SWA", swa_range_short_of_the_end, C.NOT_WHOLE_FILE,
         NOT_WHOLE),
    Case("SWA: /ByteRange ranges overlap (re-signed)", "SWA", swa_range_overlapping, C.NOT_WHOLE_FILE, WRAPPED),
    Case("SWA: /ByteRange with a negative offset (re-signed)", "SWA", swa_range_negative, C.BROKEN_SIGNATURE,
         MALFORMED),
    Case("SWA: /ByteRange of three ranges (re-signed)", "SWA", swa_range_six_values, C.BROKEN_SIGNATURE, MALFORMED),
    Case("SWA: /ByteRange not from the first byte (re-signed)", "SWA", swa_range_not_from_start, C.NOT_WHOLE_FILE,
         WRAPPED),
    Case("SWA: gap elsewhere, the signature inside the signed bytes (re-signed)", "SWA", swa_gap_elsewhere,
         C.NOT_WHOLE_FILE, WRAPPED),
    # Universal signature forgery (USF)
    Case("USF: /Contents empty", "USF", usf_contents(b"<>"), C.BROKEN_SIGNATURE, "the signature"),
    Case("USF: /Contents all zeros", "USF", lambda o: usf_contents(
        b"<" + b"0" * (_sig_spans(o.signed)[0].stop - _sig_spans(o.signed)[0].start - 2) + b">")(o),
        C.BROKEN_SIGNATURE, "the signature"),
    Case("USF: /Contents missing", "USF", usf_key(b"/Contents <", b"/Contentz <"), C.BROKEN_SIGNATURE, "the signature"),
    Case("USF: /Contents a number", "USF", lambda o: usf_contents(b"0")(o), C.BROKEN_SIGNATURE, "the signature"),
    Case("USF: /ByteRange missing", "USF", usf_key(b"/ByteRange", b"/ByteRangz"), C.BROKEN_SIGNATURE,
         "the signature cannot be read"),
    Case("USF: /ByteRange null", "USF", usf_byte_range(b"null"), C.BROKEN_SIGNATURE, MALFORMED),
    Case("USF: /ByteRange []", "USF", usf_byte_range(b"[]"), C.BROKEN_SIGNATURE, MALFORMED),
    Case("USF: /ByteRange [0 0 0 0]", "USF", usf_byte_range(b"[0 0 0 0]"), C.NOT_WHOLE_FILE, WRAPPED),
    Case("USF: no certificate in the signature (re-signed)", "USF", usf_cms(without_certificates), C.BROKEN_SIGNATURE,
         "the signature cannot be read"),
    Case("USF: no signer info in the signature", "USF", usf_cms(without_signer_infos), C.BROKEN_SIGNATURE,
         "the signature cannot be read"),
    Case("USF: signature dictionary without /Filter (re-signed)", "USF",
         usf_key(b"/Filter /Adobe.PPKLite", b"", signed_again=True), C.NOT_CERTIFIED, "/Filter"),
    Case("USF: signature dictionary without /Type (re-signed)", "USF",
         usf_key(b"/Type /Sig", b"", signed_again=True), C.NOT_CERTIFIED, "(/Type /Sig)"),
    Case("USF: /Filter of another handler (re-signed)", "USF",
         usf_key(b"/Filter /Adobe.PPKLite", b"/Filter /Evil.Handler", signed_again=True), C.NOT_CERTIFIED, "/Filter"),
    Case("CMS: data digested with SHA-256, attributes signed over SHA-512 (re-signed)", "CMS", resign_hashes_apart,
         C.BROKEN_SIGNATURE, "does not use the hash of the signed data"),
    # Shadow attacks: hide, replace, hide-and-replace
    Case("Shadow hide: white overlay stream signed, removed in an update", "Shadow", shadow_hide_revealed,
         C.CHANGED_AFTER_SIGNING, "(pages"),
    Case("Shadow hide: white annotation signed, removed in an update", "Shadow", shadow_hide_annotation_removed,
         C.CHANGED_AFTER_SIGNING, "(pages"),
    Case("Shadow hide: text in a hidden optional-content layer, signed", "Shadow",
         doctored_then_signed(optional_content_layer), C.UNEXPECTED_CONTENT, "optional content"),
    Case("Shadow hide: white box annotation over the items, signed", "Shadow",
         doctored_then_signed(add_annotation("/Square", white_box=True)), C.UNEXPECTED_CONTENT, "Square annotation"),
    Case("Shadow replace: the page's fonts swapped in an update", "Shadow", lambda o: helpers.update(o.signed, replace_font),
         C.CHANGED_AFTER_SIGNING, CHANGED),
    Case("Shadow replace: form field value changed in an update", "Shadow",
         lambda o: helpers.update(o.signed, helpers.add_text_field), C.CHANGED_AFTER_SIGNING, "form fields"),
    Case("Shadow replace: viewer told to redraw fields, XFA form, signed", "Shadow", doctored_then_signed(xfa_form),
         C.UNEXPECTED_CONTENT, "XFA"),
    Case("Shadow hide-and-replace: new xref redefining page, content, font, catalog", "Shadow",
         shadow_hide_and_replace, C.CHANGED_AFTER_SIGNING, CHANGED),
    # Annotations or an extra signature drawn over the content
    Case("Annotation: free text over the items, added after signing", "Overlay",
         lambda o: helpers.update(o.signed, add_annotation("/FreeText", text="All done")), C.CHANGED_AFTER_SIGNING,
         "annotations"),
    Case("Annotation: free text over the items, signed", "Overlay",
         doctored_then_signed(add_annotation("/FreeText", text="All done")), C.UNEXPECTED_CONTENT,
         "FreeText annotation"),
    Case("Annotation: a sticky note, signed", "Overlay", doctored_then_signed(helpers.add_text_annotation),
         C.UNEXPECTED_CONTENT, "Text annotation"),
    Case("Extra signature: a second, real signature on top", "Overlay", lambda o: helpers.add_second_signature(
        o.signed, o.identity), C.MULTIPLE_SIGNATURES, "2 signatures"),
    Case("Extra signature: an empty signature field drawn over the page, signed", "Overlay",
         doctored_then_signed(add_annotation("/Widget", field=True)), C.UNEXPECTED_CONTENT, "form field"),
    Case("Extra signature: an empty signature field drawn over the page, added after", "Overlay",
         lambda o: helpers.update(o.signed, add_annotation("/Widget", field=True)), C.CHANGED_AFTER_SIGNING, CHANGED),
    # Active content a malicious signer builds into their own PDF with the app's signing code
    Case("Active: JavaScript /OpenAction, signed", "Active",
         doctored_then_signed(set_in_catalog("/OpenAction", lambda w: javascript_action("app.alert(1)"))),
         C.UNEXPECTED_CONTENT, "an action run on opening"),
    Case("Active: document-level JavaScript, signed", "Active", doctored_then_signed(javascript_name_tree),
         C.UNEXPECTED_CONTENT, "JavaScript"),
    Case("Active: page open action, signed", "Active", doctored_then_signed(page_open_action), C.UNEXPECTED_CONTENT,
         "page actions"),
    Case("Active: link that launches a program, signed", "Active",
         doctored_then_signed(add_annotation("/Link", action=launch_action())), C.UNEXPECTED_CONTENT,
         "Link annotation"),
    Case("Active: link to a web address, signed", "Active",
         doctored_then_signed(add_annotation("/Link", action=uri_action())), C.UNEXPECTED_CONTENT, "Link annotation"),
    Case("Active: a second attachment, signed", "Active", doctored_then_signed(second_attachment),
         C.UNEXPECTED_CONTENT, "payslip.pdf.exe"),
    # A signature by one person on another person's data
    Case("Mismatch: another person's certificate on this person's data", "Mismatch",
         signed_by(lambda: helpers.make_identity("Gareth Morgan", "S5678")), C.SIGNER_MISMATCH,
         "signed with a certificate for Gareth Morgan"),
    Case("Mismatch: same name, another staff ID", "Mismatch", signed_by(lambda: helpers.make_identity(
        helpers.NAME, "S9999")), C.SIGNER_MISMATCH, f"the staff ID {helpers.STAFF_ID} is not in the signer's"),
    Case("Mismatch: the staff ID only in the certificate's school field", "Mismatch", signed_by(
        lambda: helpers.make_identity(helpers.NAME, "S9999", school=helpers.STAFF_ID)), C.SIGNER_MISMATCH,
        f"the staff ID {helpers.STAFF_ID} is not in the signer's"),
    Case("Mismatch: the name differs only in case", "Mismatch", signed_by(lambda: helpers.make_identity(
        helpers.NAME.upper())), C.SIGNER_MISMATCH, "signed with a certificate for"),
    Case("Mismatch: the name with a zero-width space", "Mismatch", signed_by(lambda: helpers.make_identity(
        "Si\u200ban \u00d3 Briain")), C.SIGNER_MISMATCH, "signed with a certificate for"),
    # Files that are not what they say
    Case("Truncated: only the header", "Broken", lambda o: o.signed[:9], C.DAMAGED, DAMAGED_TEXT),
    Case("Truncated: before %%EOF", "Broken", lambda o: o.signed[:o.signed.rindex(b"%%EOF")], C.DAMAGED,
         DAMAGED_TEXT),
    Case("Truncated: inside the signature", "Broken", lambda o: o.signed[:_sig_spans(o.signed)[0].start + 100],
         C.DAMAGED, DAMAGED_TEXT),
    Case("Empty file", "Broken", lambda o: b"", C.NOT_PDF, "not a PDF file"),
    Case("A PNG named .pdf", "Not PDF", lambda o: b"\x89PNG\r\n\x1a\n" + bytes(64), C.NOT_PDF, "not a PDF file"),
    Case("A ZIP holding the signed PDF, named .pdf", "Not PDF", in_zip, C.DAMAGED, ""),
    Case("An HTML page named .pdf", "Not PDF", lambda o: b"<!DOCTYPE html><html><body><script>alert(1)</script>"
         b"</body></html>", C.NOT_PDF, "not a PDF file"),
    Case("A PDF header followed by garbage", "Not PDF", lambda o: b"%PDF-1.7\n" + bytes(range(256)) * 64, C.DAMAGED,
         DAMAGED_TEXT),
    Case("Junk before the PDF header (polyglot)", "Not PDF", junk_before, C.DAMAGED, DAMAGED_TEXT),
    Case("Encrypted: AES-256, no user password", "Encrypted", lambda o: qpdf_encrypt(o.signed, "", "owner", "256"),
         C.ENCRYPTED, "encrypted"),
    Case("Encrypted: AES-128 with a user password", "Encrypted",
         lambda o: qpdf_encrypt(o.signed, "user", "owner", "128", "--use-aes=y"), C.ENCRYPTED, "encrypted"),
    Case("Encrypted: RC4 128-bit, no user password", "Encrypted",
         lambda o: qpdf_encrypt(o.signed, "", "owner", "128", "--use-aes=n"), C.ENCRYPTED, "encrypted"),
    Case("Encrypted: RC4 40-bit with a user password", "Encrypted",
         lambda o: qpdf_encrypt(o.signed, "user", "owner", "40"), C.ENCRYPTED, "encrypted"),
    # Files made to exhaust the checker
    Case("Compression bomb: 4 GB page content, signed", "Exhaustion", bomb_as_page_content_signed,
         C.UNEXPECTED_CONTENT, "decompression bomb"),
    Case("Compression bomb: 4 GB confirmation.json, signed", "Exhaustion", bomb_as_json_signed,
         C.UNEXPECTED_CONTENT, "decompression bomb"),
    Case("Compression bomb: 4 GB page content as ASCII85 then Flate, signed", "Exhaustion",
         bomb_as_page_content_signed_ascii85, C.UNEXPECTED_CONTENT, "decompression bomb"),
    Case("A stream compressed with LZW, signed", "Exhaustion", lzw_stream_signed, C.UNEXPECTED_CONTENT, "LZWDecode"),
    Case("Compression bomb: 4 GB page content in an update", "Exhaustion", bomb_in_update, C.CHANGED_AFTER_SIGNING,
         CHANGED),
    Case("Deeply nested arrays (100,000) in an update", "Exhaustion", deep_nesting(100_000), C.DAMAGED, DAMAGED_TEXT),
    Case("Deeply nested dictionaries (20,000) in an update", "Exhaustion", deep_nesting(20_000, "dict"), C.DAMAGED,
         DAMAGED_TEXT),
    Case("Page tree whose /Kids holds itself", "Exhaustion", pages_loop, C.CHANGED_AFTER_SIGNING, CHANGED),
    Case("A page that is its own /Parent", "Exhaustion", page_parent_loop, C.CHANGED_AFTER_SIGNING, CHANGED),
    Case("xref section whose /Prev is itself", "Exhaustion", prev_loop, C.DAMAGED, DAMAGED_TEXT),
    Case("Two xref sections whose /Prev point at each other", "Exhaustion", prev_loop_pair, C.DAMAGED, DAMAGED_TEXT),
    Case("Object stream holding itself", "Exhaustion", object_stream_self_reference, C.DAMAGED, DAMAGED_TEXT),
    Case("Object stream that /Extends itself", "Exhaustion", object_stream_extends_itself, C.CHANGED_AFTER_SIGNING,
         CHANGED),
]


def write_cases(o: Originals, folder: Path) -> dict[str, Path]:
    """Every case as a file in `folder`, named by its number and name: case name -> path."""
    files = {}
    for n, case in enumerate(CASES):
        slug = re.sub(r"[^a-z0-9]+", "-", case.name.lower()).strip("-")[:60]
        files[case.name] = folder / f"{n:03d}-{slug}.pdf"
        files[case.name].write_bytes(case.make(o))
    return files
