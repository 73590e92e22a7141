"""Reading an embedded file out of an untrusted PDF, within bounds: a flat or nested name tree,
and its stream inflated no further than a limit."""

from __future__ import annotations

import zlib

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

_NAME_TREE_NODES = 1000


def embedded_files(reader: PdfFileReader, wanted: str) -> list:
    """The embedded file streams filed under `wanted`, from a flat or nested name tree; None for an
    entry by that name that holds no stream."""
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except (KeyError, TypeError):
        return []
    found, nodes, budget = [], [tree], _NAME_TREE_NODES
    while nodes and budget:
        node, budget = nodes.pop(), budget - 1
        if not isinstance(node, generic.DictionaryObject):
            continue
        kids = _get(node, "/Kids")
        if isinstance(kids, generic.ArrayObject):
            nodes.extend(kid.get_object() for kid in kids)
        names = _get(node, "/Names")
        if isinstance(names, generic.ArrayObject):
            for at in range(0, len(names) - 1, 2):
                if _text(names[at]) == wanted:
                    found.append(_stream_of(names[at + 1]))
    return found


def _stream_of(spec) -> generic.StreamObject | None:
    files = _get(spec, "/EF") if isinstance(spec, generic.DictionaryObject) else None
    if not isinstance(files, generic.DictionaryObject):
        return None
    stream = _get(files, "/UF") or _get(files, "/F")
    return stream if isinstance(stream, generic.StreamObject) else None


def _get(dictionary, key: str):
    value = dictionary.get(key)
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _text(key) -> str | None:
    if isinstance(key, generic.TextStringObject):
        return str(key)
    return bytes(key).decode("latin-1") if isinstance(key, generic.ByteStringObject) else None


def stream_bytes(stream: generic.StreamObject | None, max_bytes: int) -> bytes | None:
    """The decoded stream, or None when it is bigger than `max_bytes` or filtered unlike the app's."""
    if stream is None:
        return None
    filters = _get(stream, "/Filter")
    if isinstance(filters, generic.ArrayObject):
        filters = filters[0] if len(filters) == 1 else "several"
    raw = stream.encoded_data
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
