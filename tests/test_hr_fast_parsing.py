"""The HR collection's faster parsing (app/hr/fast_parsing.py) changes no verdict.

Every hostile PDF (tests/hostile_pdfs.py) and the app's own confirmation, checked in worker
processes with the replacements installed (app.hr.worker.check_for_register, as `hr collect`
checks them), get exactly the verdict `self-audit verify` gives them. Each remembered check
gives what pyHanko's or asn1crypto's own gives, and one that fails fails again every time.
(The tokenizer replacements are checked in tests/test_hr_collect.py.)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helpers, here and in verification workers
import hostile_pdfs as hostile  # noqa: E402
import signing_helpers as helpers  # noqa: E402

from app.hr.worker import check_for_register  # noqa: E402
from app.signing.verify import iter_verdicts, verify_files  # noqa: E402


@pytest.fixture(scope="module")
def originals() -> hostile.Originals:
    return hostile.make_originals()


@pytest.fixture(scope="module")
def files(originals, tmp_path_factory) -> dict[str, Path]:
    """The app's own signed confirmation and every hostile case, as files."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "original.pdf").write_bytes(originals.signed)
    return {"the app's own confirmation": folder / "original.pdf", **hostile.write_cases(originals, folder)}


def _essence(verdict) -> tuple:
    """All a verdict says, less the confirmation's item texts, which the register's workers leave out."""
    confirmation = verdict.confirmation
    return (verdict.valid, verdict.code, verdict.reason, verdict.fingerprint, verdict.signer_name, verdict.signed_at,
            None if confirmation is None else (confirmation.document_id, confirmation.staff, confirmation.actions))


def test_every_hostile_file_gets_the_verdict_verify_gives_it(files):
    paths = list(files.values())
    plain = dict(verify_files(paths, workers=2))
    fast = {path: verdict for _, path, verdict in iter_verdicts(paths, workers=2, task=check_for_register)}
    assert fast[files["the app's own confirmation"]].valid
    for name, path in files.items():
        assert _essence(fast[path]) == _essence(plain[path]), name


# --- each remembered check, against the original ------------------------------------------------------

@pytest.fixture(scope="module")
def signature(originals):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    reader = PdfFileReader(io.BytesIO(originals.signed), strict=True)
    name, _, field = next(enumerate_sig_fields(reader, filled_status=True))
    return EmbeddedPdfSignature(reader, field, name)


def _failure(function, *args) -> tuple[str, str]:
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the same failure as the original's is the point
        function(*args)
    return type(raised.value).__name__, str(raised.value)


def test_the_signing_certificate_check_passes_and_fails_as_pyhankos(signature):
    from asn1crypto import x509
    from pyhanko.sign.validation import generic_cms

    from app.hr.fast_parsing import replacements

    fast = replacements()["_check_signing_certificate"]
    original = generic_cms._check_signing_certificate
    signed_attrs = signature.signer_info["signed_attrs"]
    assert fast(signature.signer_cert, signed_attrs) is original(signature.signer_cert, signed_attrs) is None
    assert fast(signature.signer_cert, signed_attrs) is None  # remembered
    someone_else = x509.Certificate.load(helpers.make_identity("Ann Other", "S9999").certificate_der)
    expected = _failure(original, someone_else, signed_attrs)
    assert expected[0] == "SignatureValidationError"
    for _ in range(2):  # a failure is never remembered as a pass
        assert _failure(fast, someone_else, signed_attrs) == expected
    assert fast(signature.signer_cert, signed_attrs) is None


def test_name_comparison_forms_are_asn1cryptos(signature):
    from asn1crypto import x509

    from app.hr.fast_parsing import replacements

    fast = replacements()["Name.hashable"]
    names = [signature.signer_cert.subject, signature.signer_cert.issuer,
             x509.Name.build({"common_name": "Siân  Ó Briain", "serial_number": "S1234"}),
             x509.Name.build({"common_name": "Nguyễn Thị Minh Khai", "organization_name": "Ysgol Gymraeg"})]
    for name in names:
        assert fast(name) == name.hashable
        assert fast(name) == name.hashable  # remembered
    refused = x509.Name.build({"common_name": "Private \ue000 use"})
    expected = _failure(lambda n: n.hashable, refused)
    assert expected[0] == "ValueError"
    for _ in range(2):
        assert _failure(fast, refused) == expected


def test_names_compare_as_asn1crypto_compares_them(signature):
    from asn1crypto import x509
    from pyhanko.sign.validation.generic_cms import get_signing_cert_attr

    from app.hr.fast_parsing import replacements

    fast, original = replacements()["Name.__eq__"], x509.Name.__eq__
    certificate = signature.signer_cert
    named = get_signing_cert_attr(signature.signer_info["signed_attrs"])["certs"][0]["issuer_serial"]["issuer"][0]
    tagged = named.chosen  # the signed attributes' copy of the issuer: [4] EXPLICIT, so other bytes
    assert tagged.dump() != certificate.issuer.dump()
    someone_else = x509.Certificate.load(helpers.make_identity("Ann Other", "S9999").certificate_der)
    pairs = [(tagged, certificate.issuer), (certificate.issuer, tagged), (certificate.subject, certificate.issuer),
             (someone_else.subject, certificate.issuer), (certificate.issuer, someone_else.subject),
             (x509.Name.build({"common_name": "SIÂN  ó briain"}),
              x509.Name.build({"common_name": "Siân Ó Briain"})),
             (certificate.issuer, "not a name")]
    for a, b in pairs:
        assert fast(a, b) == original(a, b), (a, b)
    assert fast(tagged, certificate.issuer) is True
    refused = x509.Name.build({"common_name": "Private \ue000 use"})
    copy = x509.Name.load(refused.dump())
    expected = _failure(original, refused, copy)
    assert expected[0] == "ValueError"
    assert _failure(fast, refused, copy) == expected


def test_plain_ascii_is_prepared_as_asn1crypto_prepares_it():
    import random

    from asn1crypto import x509

    from app.hr.fast_parsing import replacements

    fast, original = replacements()["_ldap_string_prep"], x509.NameTypeAndValue._ldap_string_prep
    printable = [chr(c) for c in range(0x20, 0x7F)]
    cases = printable + ["", " ", "   ", "  Tom   SMITH  ", "S1234", "anna@example.org", "O'Brien-Smith, J."]
    randomly = random.Random(5)
    cases += ["".join(randomly.choice(printable + [" "] * 8) for _ in range(randomly.randint(0, 16)))
              for _ in range(2000)]
    cases += ["Tom\tSmith", "Tom\x7fSmith", "Siân", "ß", "\u00a0x"]  # not plain printable ASCII: the original's way
    for text in cases:
        assert fast(None, text) == original(None, text), repr(text)


def test_object_identifiers_read_as_asn1crypto_reads_them(signature):
    from asn1crypto import core

    from app.hr.fast_parsing import replacements

    fast = replacements()["ObjectIdentifier.dotted"]
    dotted = ["1.2.840.10045.4.3.2", "2.5.4.3", "1.2.840.113549.1.9.16.2.47", "2.999.1234567890123", "0.0", "1.39",
              "2.5.29.15", "1.3.6.1.4.1.311.60.2.1.3"]
    from_bytes = [core.ObjectIdentifier.load(core.ObjectIdentifier(d).dump()) for d in dotted]
    from_the_file = [signature.signer_info["digest_algorithm"]["algorithm"],
                     signature.signer_info["signature_algorithm"]["algorithm"],
                     signature.signer_cert["tbs_certificate"]["subject_public_key_info"]["algorithm"]["algorithm"]]
    for oid in from_bytes + from_the_file:
        fresh = type(oid).load(oid.dump())
        assert fast(fresh) == oid.dotted
        assert fast(type(oid).load(oid.dump())) == fresh.dotted == oid.dotted  # the second from the first's bytes
    assert [fast(core.ObjectIdentifier.load(o.dump())) for o in from_bytes] == dotted
