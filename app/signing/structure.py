"""What the app never puts in a confirmation, looked for in a signed file before it is believed.

A signature proves who signed and that nothing changed since; it says nothing about what the
signed file does when opened. A person signing their own doctored PDF with the app's code (or
anyone else's) could sign scripts, links, layers that hide text (a "shadow attack" prepared
before signing) or annotations drawn over the page. The app's confirmations hold none of these:
one page tree of plain pages, the signature's own stamp, and confirmation.json. So anything else
is refused, by name. Walks are bounded, so a looped or huge tree costs milliseconds.

Not looked for: what the page content streams draw (a white box drawn over a line of the page
itself). That needs rendering; the signed confirmation.json, which the verifier reports, is the
record either way, and the signer could as well have signed different data.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import os
import re
import zlib
from collections.abc import Iterator

import pikepdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from app.core.confirmation import JSON_NAME
from app.signing.embedded_file import embedded_file_names

_MAX_NODES = 5000  # page tree nodes: a confirmation has a handful of pages
_MAX_OBJECTS = 20_000  # a confirmation has a few dozen
# Every compressed stream together, inflated: a confirmation's fonts, logo and pages come to
# about a megabyte; a decompression bomb (kilobytes that inflate to gigabytes) that a viewer
# would choke on stops here, after milliseconds. At 64 MB, not 32, the bound alone clears a
# confirmation without a logo (about 45 kB compressed): before, its largest font was inflated
# in every file just to prove that, 0.3 ms of the 10 a file takes.
MAX_INFLATED_BYTES = 64 * 1024 * 1024
# Filters the app's PDFs use (reportlab, pyHanko); others (LZW, run-length, JBIG2...) it never writes.
_FILTERS = {"/FlateDecode", "/ASCII85Decode", "/ASCIIHexDecode", "/DCTDecode"}
_MAX_RATIO = 1032 + 64  # deflate's greatest expansion, and a margin for a stream's few header bytes
_DISAGREEMENT = "objects that PDF readers would read differently"

# Catalog entries the app never writes, and what they are in plain words.
_CATALOG = {
    "/OpenAction": "an action run on opening",
    "/AA": "actions run on document events",
    "/OCProperties": "optional content (layers that can hide or show text)",
    "/Collection": "a PDF portfolio",
}
_NAME_TREES = {
    "/JavaScript": "document JavaScript",
    "/AP": "named appearances",
    "/Templates": "page templates",
    "/Pages": "named pages",
    "/URLS": "web captures",
    "/AlternatePresentations": "a slideshow",
    "/Renditions": "media renditions",
    "/IDS": "web capture IDs",
}
_HARMLESS_NAME_TREES = ("/EmbeddedFiles", "/Dests")  # the first checked below; the second only links


def unexpected_content(reader: PdfFileReader, signature_field: generic.IndirectObject,
                       pdf: pikepdf.Pdf | None) -> str | None:
    """The first thing found that the app never puts in a confirmation, in plain words; None if none.

    pyHanko's `reader` (which the signature checks used) decides the catalog and the form; the
    page tree, every stream and the attachments are read from `pdf` (`qpdf_open`), several times
    faster than reading every object through pyHanko's parser. The signature covers every byte,
    so the second parser only decides what the signed content holds; where the two disagree about
    which objects there are, or qpdf finds the file damaged (`pdf` None), the file is refused.
    """
    root = reader.root
    for key, what in _CATALOG.items():
        if key in root:
            return what
    names = _get(root, "/Names")
    if isinstance(names, generic.DictionaryObject):
        for key in names:
            if key not in _HARMLESS_NAME_TREES:
                return _NAME_TREES.get(key, f"a {key[1:]} name tree")
    found = _form_problem(_get(root, "/AcroForm"), signature_field)
    if found:
        return found
    live = _live_refs(reader)
    if len(live) > _MAX_OBJECTS:
        return "far more objects than a confirmation has"
    if pdf is None:
        return _DISAGREEMENT
    try:
        found = _page_problem(pdf, signature_field) or _stream_problem(pdf, live)
        if found:
            return found
        others = [name for name in embedded_file_names(pdf) if name != JSON_NAME]
        if pdf.get_warnings():
            return _DISAGREEMENT
    except pikepdf.PdfError:
        return _DISAGREEMENT
    if others:
        shown = others[0][:80] if isinstance(others[0], str) else "(no name)"
        return f"an attachment named \u201c{shown}\u201d"
    return None


@contextlib.contextmanager
def qpdf_open(data: bytes) -> Iterator[pikepdf.Pdf | None]:
    """`data` opened with qpdf (never repaired), or None when qpdf cannot read it. On Linux from an
    anonymous in-memory file, which qpdf reads natively (from a Python stream it takes twice as
    long); never the file on disk again, which could have changed since `data` was read."""
    with contextlib.ExitStack() as stack:
        if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
            descriptor = os.memfd_create("confirmation.pdf", os.MFD_CLOEXEC)
            stack.callback(os.close, descriptor)
            with os.fdopen(os.dup(descriptor), "wb") as file:
                file.write(data)
            source: str | io.BytesIO = f"/proc/self/fd/{descriptor}"
        else:
            source = io.BytesIO(data)
        try:
            pdf = stack.enter_context(pikepdf.open(source, attempt_recovery=False))
        except pikepdf.PdfError:
            pdf = None
        yield pdf


def _form_problem(form, signature_field: generic.IndirectObject) -> str | None:
    if not isinstance(form, generic.DictionaryObject):
        return None
    if "/XFA" in form:
        return "an XFA form"
    if _get(form, "/NeedAppearances"):
        return "form fields that a viewer is told to redraw"
    fields = _get(form, "/Fields")
    refs = _raw_items(fields)
    if any(not _same(ref, signature_field) for ref in refs):
        return "a form field besides the signature"
    return None


def _page_problem(pdf: pikepdf.Pdf, signature_field: generic.IndirectObject) -> str | None:
    signature = (signature_field.idnum, signature_field.generation)
    if not isinstance(pdf.Root.get("/Pages"), pikepdf.Dictionary):
        return "a document catalog without a page tree"
    nodes, seen, page_number = [pdf.Root.get("/Pages")], set(), 0
    while nodes:
        node = nodes.pop()
        key = node.objgen if isinstance(node, pikepdf.Object) and node.is_indirect else len(seen)
        if key in seen:
            return "a page tree that loops back on itself"
        seen.add(key)
        if len(seen) > _MAX_NODES:
            return "a page tree far larger than a confirmation's"
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/AA" in node:
            return "page actions"
        kids = _items(node.get("/Kids"))
        if kids or node.get("/Type") == "/Pages":
            nodes.extend(reversed(kids))
            continue
        page_number += 1
        for annotation in _items(node.get("/Annots")):
            if isinstance(annotation, pikepdf.Object) and annotation.is_indirect and annotation.objgen == signature:
                if "/A" in annotation or "/AA" in annotation:
                    return "actions on the signature's stamp"
                continue
            subtype = annotation.get("/Subtype") if isinstance(annotation, pikepdf.Dictionary) else None
            kind = str(subtype)[1:] if isinstance(subtype, pikepdf.Name) else "unknown"
            if kind == "Widget":
                return f"a form field drawn on page {page_number}"
            return f"a {kind} annotation on page {page_number}"
    return None


def _stream_problem(pdf: pikepdf.Pdf, live: set[tuple[int, int]]) -> str | None:
    """Streams compressed in a way the app never uses, or that inflate past MAX_INFLATED_BYTES in all;
    and any object that pyHanko's reader does not see, or sees where qpdf sees none."""
    streams, seen = [], set()
    for obj in pdf.objects:
        if obj is None or obj.objgen == (0, 0):  # a null: free, or what qpdf could not read
            continue
        seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            filters = obj.get("/Filter")
            names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else \
                [str(filters)] if filters is not None else []
            unknown = [name for name in names if name not in _FILTERS]
            if unknown:
                return f"a stream compressed with {unknown[0][1:]}"
            if "/FlateDecode" in names:
                streams.append(_ascii_decoded(obj.read_raw_bytes(), names))
    if seen != live:
        return _DISAGREEMENT
    if _inflates_past(streams, MAX_INFLATED_BYTES):
        return f"compressed data that would inflate to over {MAX_INFLATED_BYTES // 1024 // 1024} MB " \
               "(a decompression bomb)"
    return None


def _live_refs(reader: PdfFileReader) -> set[tuple[int, int]]:
    """(number, generation) of every object the file's cross-reference sections hold now."""
    refs = {ref for revision in range(reader.xrefs.total_revisions)
            for ref in reader.xrefs.explicit_refs_in_revision(revision)}
    return {(ref.idnum, ref.generation) for ref in refs if reader.xrefs[ref] is not None}


def _inflates_past(streams: list[bytes], budget: int) -> bool:
    """Whether the Flate streams inflate to more than `budget` bytes together. Deflate expands at
    most about 1032:1, so the smallest streams, whose bound fits what is left, are never inflated."""
    streams = sorted(streams, key=len)
    bound = sum(_MAX_RATIO * len(stream) for stream in streams)
    while streams and bound > budget:
        stream = streams.pop()  # the largest first: the bound of the rest falls fastest
        bound -= _MAX_RATIO * len(stream)
        budget -= _inflated_size(stream, budget)
        if budget < 0:
            return True
    return False


def _ascii_decoded(data: bytes, filters: list[str]) -> bytes:
    """The data the Flate filter gets: ASCII85 or hex undone first where they come before it."""
    for name in filters[:filters.index("/FlateDecode")]:
        try:
            if name == "/ASCII85Decode":
                data = base64.a85decode(data.split(b"~>")[0], ignorechars=b" \t\n\r\x0c\x00")
            elif name == "/ASCIIHexDecode":
                digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">")[0])
                data = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        except ValueError:
            return b""
    return data


def _inflated_size(data: bytes, limit: int) -> int:
    """How many bytes `data` inflates to, counting no further than just past `limit`."""
    inflater, total, chunk = zlib.decompressobj(), 0, 1024 * 1024
    try:
        out = inflater.decompress(data, chunk)
        while out:
            total += len(out)
            if total > limit:
                return total
            out = inflater.decompress(inflater.unconsumed_tail, chunk)
    except zlib.error:
        return total
    return total


def _same(ref, signature_field: generic.IndirectObject) -> bool:
    return isinstance(ref, generic.IndirectObject) and (ref.idnum, ref.generation) == \
        (signature_field.idnum, signature_field.generation)


def _items(array) -> list:
    return list(array) if isinstance(array, pikepdf.Array) else []


def _raw_items(array) -> list:
    if not isinstance(array, generic.ArrayObject):
        return []
    return [array.raw_get(n) for n in range(len(array))]


def _get(dictionary, key: str):
    value = dictionary.raw_get(key) if key in dictionary else None
    return value.get_object() if isinstance(value, generic.IndirectObject) else value
