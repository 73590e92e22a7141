"""Faster equivalents of pyHanko's and asn1crypto's hot spots, for the HR collection's worker processes.

Verifying a confirmation spent about 40 % of its time reading the signature's hex string one
byte at a time (pyHanko's tokenizer), about 20 % preparing certificate names again for every
comparison (asn1crypto), and more reading names byte by byte: together about half of the time.
Each replacement returns exactly what the original returns, leaves the stream where the
original leaves it, and hands anything unusual (a comment inside a hex string, an escape in a
name, a bad digit) to the original, so the rules and the messages of `self-audit verify` are
unchanged. Applied only in worker processes (app/hr/worker.py), by `install()`;
tests/test_hr_collect.py checks that each gives what the original gives.
"""

from __future__ import annotations

import binascii
import functools
import re

_WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]+")  # PDF whitespace
_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]*")
_LOOK_AHEAD = 64 * 1024  # a confirmation's signature is about 4 kB of hex
_DELIMITER = re.compile(rb"[ \n\r\t\x0c\x00()<>\[\]{}/%]")  # PDF whitespace and delimiters
# Regular printable ASCII, no "#" escape: a name the original would decode byte for byte.
_PLAIN_NAME = re.compile(b"[" + re.escape(bytes(c for c in range(0x21, 0x7F) if c not in b"#()<>[]{}/%"))
                         + b"]*")
_TOKEN_AHEAD = 256

_installed = False


def install() -> None:
    """Put the replacements in place in this process; safe to call again."""
    global _installed
    if _installed:
        return
    from asn1crypto import x509
    from pyhanko.pdf_utils import generic

    fast = replacements()
    generic.read_hex_string_from_stream = fast["read_hex_string_from_stream"]
    generic.read_until_delimiter = fast["read_until_delimiter"]
    generic._decode_name = fast["_decode_name"]
    x509.NameTypeAndValue._ldap_string_prep = fast["_ldap_string_prep"]
    _installed = True


def replacements() -> dict:
    """The faster functions, each falling back to the current original: name -> function."""
    from asn1crypto import x509
    from pyhanko.pdf_utils import generic

    original_hex = generic.read_hex_string_from_stream
    original_until = generic.read_until_delimiter
    original_name = generic._decode_name
    original_prep = x509.NameTypeAndValue._ldap_string_prep  # uses no state of its object

    def read_hex_string_from_stream(stream):
        start = stream.tell()
        ahead = stream.read(_LOOK_AHEAD)
        end = ahead.find(b">", 1)
        if ahead[:1] == b"<" and end > 0:
            digits = _WHITESPACE.sub(b"", ahead[1:end])
            if _HEX_DIGITS.fullmatch(digits):
                stream.seek(start + end + 1)
                return generic.pdf_string(binascii.unhexlify(digits + b"0" * (len(digits) % 2)))
        stream.seek(start)
        return original_hex(stream)

    def read_until_delimiter(stream):
        start = stream.tell()
        ahead = stream.read(_TOKEN_AHEAD)
        found = _DELIMITER.search(ahead)
        if found:
            stream.seek(start + found.start())  # left on the delimiter, as the original leaves it
            return ahead[:found.start()]
        if len(ahead) < _TOKEN_AHEAD:
            return ahead  # the end of the data: the original stays there too
        stream.seek(start)
        return original_until(stream)

    def _decode_name(name_bytes):
        if _PLAIN_NAME.fullmatch(name_bytes):  # no escapes, nothing that needs one
            return generic.NameObject("/" + name_bytes.decode("ascii"))
        return original_name(name_bytes)

    @functools.lru_cache(maxsize=4096)
    def prepared(string: str) -> str:
        return original_prep(None, string)

    def _ldap_string_prep(self, string):
        return prepared(string) if isinstance(string, str) else original_prep(self, string)

    return {"read_hex_string_from_stream": read_hex_string_from_stream, "read_until_delimiter": read_until_delimiter,
            "_decode_name": _decode_name, "_ldap_string_prep": _ldap_string_prep}
