"""Faster equivalents of pyHanko's and asn1crypto's hot spots, for the HR collection's worker processes.

Verifying a confirmation spent about 40 % of its time reading the signature's hex string one
byte at a time (pyHanko's tokenizer), about 20 % preparing certificate names again for every
comparison (asn1crypto), and more reading names byte by byte: together about half of the time.
Each replacement returns exactly what the original returns, leaves the stream where the
original leaves it, and hands anything unusual (a comment inside a hex string, an escape in a
name, a bad digit) to the original, so the rules and the messages of `self-audit verify` are
unchanged. Applied only in worker processes (app/hr/worker.py), by `install()`;
tests/test_hr_collect.py checks that each gives what the original gives.

Then work repeated for the same bytes, done once (together about a sixth of a file's time): the
check that the signer's certificate is the one the signed attributes name (pyHanko runs it twice
a file), a certificate name's comparison form and an object identifier's dotted form (worked out
again for every new object). Each remembers an answer that depends on nothing but the exact
bytes it is keyed by, and only an answer, never a failure: a check that fails runs, and fails,
every time. Two names that are the same bytes but for their tag are compared by comparing one
with itself, and plain ASCII names are prepared without the Unicode tables, which give them
nothing to do. tests/test_hr_fast_parsing.py checks each of these against the original, and
every hostile PDF's verdict through the workers.
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
_PRINTABLE_ASCII = re.compile("[\x20-\x7e]*")
_SPACES = re.compile(" +")
_REMEMBERED = 16  # answers kept at most (a file needs a few); then all forgotten at once
_DOTTED_FORMS = 1024  # object identifiers: the same few dozen in every file

_installed = False


def install() -> None:
    """Put the replacements in place in this process; safe to call again."""
    global _installed
    if _installed:
        return
    from asn1crypto import core, x509
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.validation import generic_cms

    fast = replacements()
    generic.read_hex_string_from_stream = fast["read_hex_string_from_stream"]
    generic.read_until_delimiter = fast["read_until_delimiter"]
    generic._decode_name = fast["_decode_name"]
    x509.NameTypeAndValue._ldap_string_prep = fast["_ldap_string_prep"]
    generic_cms._check_signing_certificate = fast["_check_signing_certificate"]
    x509.Name.hashable = property(fast["Name.hashable"], doc=x509.Name.hashable.__doc__)
    x509.Name.__eq__ = fast["Name.__eq__"]
    core.ObjectIdentifier.dotted = property(fast["ObjectIdentifier.dotted"], doc=core.ObjectIdentifier.dotted.__doc__)
    _installed = True


def replacements() -> dict:
    """The faster functions, each falling back to the current original: name -> function."""
    from asn1crypto import cms, core, x509
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.validation import generic_cms

    original_hex = generic.read_hex_string_from_stream
    original_until = generic.read_until_delimiter
    original_name = generic._decode_name
    original_prep = x509.NameTypeAndValue._ldap_string_prep  # uses no state of its object
    original_signing_check = generic_cms._check_signing_certificate
    original_hashable = x509.Name.hashable.fget
    original_name_equal = x509.Name.__eq__
    original_dotted = core.ObjectIdentifier.dotted.fget

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
        if _PRINTABLE_ASCII.fullmatch(string):
            # RFC 4518 on printable ASCII: nothing to remove, map or refuse, NFKC leaves it as it
            # is, and case folding is lower(); what remains is its handling of spaces.
            return " " + _SPACES.sub("  ", string.lower()).strip() + " "
        return original_prep(None, string)

    def _ldap_string_prep(self, string):
        return prepared(string) if isinstance(string, str) else original_prep(self, string)

    passed: dict[tuple[bytes, bytes], bool] = {}

    def _check_signing_certificate(cert, signed_attrs):
        # Returns nothing or raises. The same attributes come once as [0] IMPLICIT and once retagged
        # as a SET to check the signature over them: so keyed by their content, not their tag.
        if type(cert) is not x509.Certificate or type(signed_attrs) is not cms.CMSAttributes:
            return original_signing_check(cert, signed_attrs)
        try:
            key = (cert.dump(), signed_attrs.contents)  # `contents` is re-encoded if the value was changed
        except Exception:  # noqa: BLE001 - whatever it is, the original meets it as it would have
            return original_signing_check(cert, signed_attrs)
        if key in passed:
            return None
        original_signing_check(cert, signed_attrs)  # raises when they do not match: not remembered
        _remember(passed, key, True)
        return None

    hashables: dict[bytes, str] = {}

    def name_hashable(self):
        if type(self) is not x509.Name:
            return original_hashable(self)
        try:
            key = self.dump()
        except Exception:  # noqa: BLE001
            return original_hashable(self)
        value = hashables.get(key)
        if value is None:
            value = original_hashable(self)  # raises on a name it cannot prepare: not remembered
            _remember(hashables, key, value)
        return value

    def name_equal(self, other):
        # pyHanko compares the issuer the signed attributes name (tagged, so not byte for byte the
        # same) with the certificate's. Names whose encoded RDN sequences are the same bytes parse
        # to the same values, so the original finds them equal unless reading or preparing a value
        # fails. The comparison form reads and prepares every value (and is remembered, and wanted
        # later anyway): if it can be made, they are equal; if not, the original fails as it fails.
        if type(self) is x509.Name and type(other) is x509.Name:
            try:
                mine, theirs = self.chosen, other.chosen
                same = type(mine) is x509.RDNSequence and type(theirs) is x509.RDNSequence and \
                    mine.contents == theirs.contents
                if same:
                    name_hashable(other)
                    return True
            except Exception:  # noqa: BLE001 - the original meets it as it would have
                pass
        return original_name_equal(self, other)

    dotted_forms: dict[bytes, str] = {}

    def dotted(self):
        # An object identifier's dotted form, worked out byte by byte for every new object (some
        # thirty a file: algorithms, attribute and extension types), from nothing but its bytes.
        contents = self.contents
        if self._dotted is not None or type(contents) is not bytes:
            return original_dotted(self)
        value = dotted_forms.get(contents)
        if value is None:
            value = original_dotted(self)
            if len(dotted_forms) >= _DOTTED_FORMS:
                dotted_forms.clear()
            dotted_forms[contents] = value
        self._dotted = value
        return value

    return {"read_hex_string_from_stream": read_hex_string_from_stream, "read_until_delimiter": read_until_delimiter,
            "_decode_name": _decode_name, "_ldap_string_prep": _ldap_string_prep,
            "_check_signing_certificate": _check_signing_certificate,
            "Name.hashable": name_hashable,
            "Name.__eq__": name_equal, "ObjectIdentifier.dotted": dotted}


def _remember(memory: dict, key, value) -> None:
    if len(memory) >= _REMEMBERED:
        memory.clear()
    memory[key] = value
