"""Reading an embedded file out of an untrusted PDF, within bounds: a flat or nested name tree,
and its stream inflated no further than a limit. Read with qpdf (pikepdf), as structure.py
reads the rest of what the signed file holds."""

from __future__ import annotations

import zlib

import pikepdf

_NAME_TREE_NODES = 1000


def embedded_files(pdf: pikepdf.Pdf, wanted: str) -> list:
    """The embedded file streams filed under `wanted`, from a flat or nested name tree; None for an
    entry by that name that holds no stream."""
    return [_stream_of(spec) for name, spec in _entries(pdf) if name == wanted]


def embedded_file_names(pdf: pikepdf.Pdf) -> list[str | None]:
    """The name of every embedded file (None for a name that is not a string), in tree order."""
    return [name for name, _ in _entries(pdf)]


def _entries(pdf: pikepdf.Pdf):
    names = pdf.Root.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
    if tree is None:
        return
    nodes, budget = [tree], _NAME_TREE_NODES
    while nodes and budget:
        node, budget = nodes.pop(), budget - 1
        if not isinstance(node, pikepdf.Dictionary):
            continue
        kids = node.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            nodes.extend(kids)
        entries = node.get("/Names")
        if isinstance(entries, pikepdf.Array):
            for at in range(0, len(entries) - 1, 2):
                yield _text(entries[at]), entries[at + 1]


def _stream_of(spec) -> pikepdf.Stream | None:
    files = spec.get("/EF") if isinstance(spec, pikepdf.Dictionary) else None
    if not isinstance(files, pikepdf.Dictionary):
        return None
    stream = files.get("/UF")
    if stream is None:
        stream = files.get("/F")
    return stream if isinstance(stream, pikepdf.Stream) else None


def _text(key) -> str | None:
    return str(key) if isinstance(key, pikepdf.String) else None


def stream_bytes(stream: pikepdf.Stream | None, max_bytes: int) -> bytes | None:
    """The decoded stream, or None when it is bigger than `max_bytes` or filtered unlike the app's."""
    if stream is None:
        return None
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else "several"
    raw = stream.read_raw_bytes()
    if filters is None:
        return raw if len(raw) <= max_bytes else None
    if filters != "/FlateDecode" or "/DecodeParms" in stream:
        return None
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(raw, max_bytes + 1)
    except zlib.error:
        return None
    return data if len(data) <= max_bytes else None
