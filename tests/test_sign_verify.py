"""Signing a confirmation PDF, and verifying it: real PDFs, checked by poppler, qpdf and pyHanko, then
altered in every way we can think of, each caught by verify_pdf with its own code and by the command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helpers, here and in verification workers
import signing_helpers as helpers  # noqa: E402

from app.cli import main  # noqa: E402
from app.core.confirmation import JSON_NAME, Confirmation  # noqa: E402
from app.signing.sign import confirmation_json_bytes, sign_pdf, sign_pdf_with_payload  # noqa: E402
from app.signing.verify import MAX_BYTES, VerdictCode, verify_files, verify_pdf  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def identity():
    return helpers.make_identity()


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return helpers.make_pdf(pages=3)


@pytest.fixture(scope="module")
def confirmation() -> Confirmation:
    return helpers.make_confirmation()


def _json(**staff) -> bytes:
    return confirmation_json_bytes(helpers.make_confirmation(**staff))


def _sign(pdf, identity, payload: bytes | None) -> bytes:
    return sign_pdf_with_payload(pdf, payload, identity, signature_page=helpers.SIGNATURE_PAGE,
                                 signature_box=helpers.SIGNATURE_BOX, signer_name=helpers.NAME)


@pytest.fixture(scope="module")
def signed(unsigned, confirmation, identity) -> bytes:
    return sign_pdf(unsigned, confirmation, identity, signature_page=helpers.SIGNATURE_PAGE,
                    signature_box=helpers.SIGNATURE_BOX, signer_name=helpers.NAME)


@pytest.fixture(scope="module")
def signed_file(signed, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("signed") / "2026-27_O-Briain_Sian_S1234_self-audit.pdf"
    path.write_bytes(signed)
    return path


@pytest.fixture(scope="module")
def nss_db(identity, tmp_path_factory) -> Path:
    """An NSS database trusting the test certificate, so pdfsig can say more than 'issuer unknown'."""
    folder = tmp_path_factory.mktemp("nss")
    (folder / "cert.pem").write_bytes(helpers.certificate_pem(identity))
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{folder}", "-n", "me", "-t", "C,C,C", "-i",
                    str(folder / "cert.pem")], check=True, capture_output=True)
    return folder


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


# The signed PDF, as other tools see it

def test_pdfsig_finds_one_valid_signature_over_the_whole_document(signed_file, nss_db):
    output = _run("pdfsig", "-nssdir", f"sql:{nss_db}", str(signed_file)).stdout
    assert "Signature #1:" in output and "Signature #2:" not in output
    assert "Signature is Valid" in output  # pdfsig exits 0 whatever it finds: read what it says
    assert "Total document signed" in output
    assert "Certificate is Trusted" in output
    assert "ETSI.CAdES.detached" in output and "SHA-256" in output
    assert f"Common Name: {helpers.NAME}" in output


def test_pyhanko_validation_agrees(signed, identity):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.pdf_embedded import read_certification_data
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(signed))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[signature.signer_cert], allow_fetching=False)
    status = validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE and status.docmdp_ok
    assert signature.docmdp_level is MDPPerm.NO_CHANGES
    assert read_certification_data(reader).permission is MDPPerm.NO_CHANGES
    assert status.md_algorithm == "sha256"
    assert signature.signer_cert.dump() == identity.certificate_der
    signed_attributes = {a["type"].native for a in signature.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in signed_attributes  # PAdES B-B
    assert "signing_time" not in signed_attributes  # PAdES keeps it in /M
    sig = signature.sig_object
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig["/Reason"] == "Social media self-audit confirmation"
    assert "/Location" not in sig and "/ContactInfo" not in sig
    # One revision added to reportlab's: the embedded data and the signature together.
    assert reader.xrefs.total_revisions == 2 and signature.signed_revision == 1
    # No /AF (it would declare PDF 2.0 for nothing); an EC P-256 key is declared as ISO/TS 32002,
    # which pyHanko does by raising the catalog's version to 2.0: the one reason it says 2.0.
    assert "/AF" not in reader.root
    if reader.root.get("/Version") == "/2.0":
        assert [e["/ExtensionLevel"] for e in reader.root["/Extensions"]["/ISO_"]] == [32002]


def test_the_stamp_is_on_the_chosen_page_in_the_chosen_box(signed):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    (signature,) = reader.embedded_signatures
    widget = signature.sig_field
    assert widget.raw_get("/P") == reader.root["/Pages"]["/Kids"].raw_get(helpers.SIGNATURE_PAGE)
    assert tuple(float(x) for x in widget["/Rect"]) == helpers.SIGNATURE_BOX
    appearance = widget["/AP"]["/N"].data
    assert b"(Digitally signed by Si\\342n \\323 Briain) Tj" in appearance  # WinAnsi: the accents survive


def test_qpdf_finds_no_structural_problem(signed_file):
    checked = _run("qpdf", "--check", str(signed_file))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout
    assert "WARNING" not in checked.stdout + checked.stderr


def test_the_embedded_json_comes_back_out_with_pdfdetach(signed_file, confirmation, tmp_path):
    assert JSON_NAME in _run("pdfdetach", "-list", str(signed_file)).stdout
    out = tmp_path / "x.json"
    saved = _run("pdfdetach", "-save", "1", "-o", str(out), str(signed_file))
    assert saved.returncode == 0, saved.stderr
    assert out.read_bytes() == confirmation_json_bytes(confirmation)
    assert Confirmation.from_json(json.loads(out.read_text(encoding="utf-8"))) == confirmation


def test_a_signed_pdf_verifies(signed, confirmation, identity):
    verdict = verify_pdf(signed)
    assert verdict.valid and verdict.code is VerdictCode.VALID and verdict.reason == ""
    assert verdict.confirmation == confirmation
    assert verdict.fingerprint == identity.fingerprint
    assert verdict.signer_name == helpers.NAME
    assert abs(verdict.signed_at - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_the_stamp_shows_any_name_its_font_cannot_as_near_as_it_can():
    from app.signing.sign import stamp_safe

    assert stamp_safe("Siân Ó Briain") == "Siân Ó Briain"  # Latin-1: as it is
    assert stamp_safe("Dafydd ap Gŵyn") == "Dafydd ap Gwyn"
    assert stamp_safe("Łucja Wiśniewska") == "Lucja Wisniewska"
    assert stamp_safe("Chloë Œuvre") == "Chloë OEuvre"
    assert stamp_safe("李 Wei") == "? Wei"


def test_signing_changes_nothing_of_the_input(unsigned, signed):
    assert signed.startswith(unsigned)  # an incremental update: reportlab's bytes are all still there


# Altered copies: each has its own code, and the command says INVALID and exits 1

def _content_stream_marker(data: bytes) -> bytes:
    return re.search(rb"stream\r?\n", data).group(0)


def _staff_without_id(confirmation: Confirmation) -> bytes:
    data = confirmation.to_json()
    del data["staff"]["id"]
    return json.dumps(data).encode()


TAMPERED = {
    # name: (how to make it from (signed, unsigned, identity), the code verify_pdf must give)
    "flipped byte in a page's content": (
        lambda s, u, i: helpers.flip_byte(s, _content_stream_marker(s), 10), VerdictCode.BROKEN_SIGNATURE),
    "flipped byte in the document title": (
        lambda s, u, i: helpers.flip_byte(s, b"/Title (", 2), VerdictCode.BROKEN_SIGNATURE),
    "signature value altered": (lambda s, u, i: helpers.bad_signature_value(s), VerdictCode.BROKEN_SIGNATURE),
    "garbage appended": (lambda s, u, i: s + b"garbage\n", VerdictCode.NOT_WHOLE_FILE),
    "a comment appended": (lambda s, u, i: s + b"% edited\n", VerdictCode.NOT_WHOLE_FILE),
    "page content added in an update": (
        lambda s, u, i: helpers.update(s, helpers.add_page_content), VerdictCode.CHANGED_AFTER_SIGNING),
    "annotation added": (
        lambda s, u, i: helpers.update(s, helpers.add_text_annotation), VerdictCode.CHANGED_AFTER_SIGNING),
    "title changed in the Info dictionary": (
        lambda s, u, i: helpers.update(s, helpers.change_title), VerdictCode.CHANGED_AFTER_SIGNING),
    "XMP metadata added": (
        lambda s, u, i: helpers.update(s, helpers.add_xmp_metadata), VerdictCode.CHANGED_AFTER_SIGNING),
    "form field added": (
        lambda s, u, i: helpers.update(s, helpers.add_text_field), VerdictCode.CHANGED_AFTER_SIGNING),
    "saved again with nothing changed": (
        lambda s, u, i: helpers.update(s, lambda writer: writer.update_root()), VerdictCode.CHANGED_AFTER_SIGNING),
    "embedded JSON replaced in an update": (
        lambda s, u, i: helpers.update(s, helpers.replace_attachment), VerdictCode.CHANGED_AFTER_SIGNING),
    "second signature added": (
        lambda s, u, i: helpers.add_second_signature(s, i), VerdictCode.MULTIPLE_SIGNATURES),
    "truncated": (lambda s, u, i: s[: len(s) - 300], VerdictCode.DAMAGED),
    "cut in half": (lambda s, u, i: s[: len(s) // 2], VerdictCode.DAMAGED),
    "not a PDF": (lambda s, u, i: b"\x89PNG\r\n\x1a\n" + bytes(200), VerdictCode.NOT_PDF),
    "empty": (lambda s, u, i: b"", VerdictCode.NOT_PDF),
    "unsigned PDF": (lambda s, u, i: u, VerdictCode.NO_SIGNATURE),
    "approval signature, not a certification": (
        lambda s, u, i: helpers.sign_differently(u, _json(), i, certify=False), VerdictCode.NOT_CERTIFIED),
    "certification that permits form filling": (
        lambda s, u, i: helpers.sign_differently(u, _json(), i, docmdp_permissions=_perm("FILL_FORMS")),
        VerdictCode.NOT_CERTIFIED),
    "signed as adbe.pkcs7.detached": (
        lambda s, u, i: helpers.sign_differently(u, _json(), i, subfilter=_subfilter("ADOBE_PKCS7_DETACHED")),
        VerdictCode.NOT_CERTIFIED),
    "certificate not made for signing": (
        lambda s, u, i: _sign(u, helpers.make_identity(can_sign=False), _json()), VerdictCode.CERTIFICATE_PROBLEM),
    "signed with SHA-1": (
        lambda s, u, i: helpers.sign_differently(u, _json(), i, md_algorithm="sha1"), VerdictCode.BROKEN_SIGNATURE),
    "an RSA key of 1024 bits": (
        lambda s, u, i: _sign(u, helpers.make_identity(key="RSA-1024"), _json()), VerdictCode.CERTIFICATE_PROBLEM),
    "a certificate with its key usage twice": (
        lambda s, u, i: _sign(u, helpers.with_key_usage_twice(i), _json()), VerdictCode.CERTIFICATE_PROBLEM),
    "certificate expired before signing": (
        lambda s, u, i: _sign(u, helpers.make_identity(days=-0.5), _json()), VerdictCode.CERTIFICATE_PROBLEM),
    "signed without the JSON": (lambda s, u, i: _sign(u, i, payload=None), VerdictCode.DATA_MISSING),
    "JSON that is not JSON": (lambda s, u, i: _sign(u, i, payload=b"{not json"), VerdictCode.DATA_NOT_JSON),
    "JSON that is not UTF-8": (lambda s, u, i: _sign(u, i, payload=b'{"a": "\xff"}'), VerdictCode.DATA_NOT_JSON),
    "JSON of another shape": (
        lambda s, u, i: _sign(u, i, payload=_staff_without_id(helpers.make_confirmation())),
        VerdictCode.DATA_NOT_CONFIRMATION),
    "staff name differs from the certificate": (
        lambda s, u, i: _sign(u, i, payload=_json(name="Sian Jones")), VerdictCode.SIGNER_MISMATCH),
    "staff ID not in the certificate": (
        lambda s, u, i: _sign(u, i, payload=_json(staff_id="S9999")), VerdictCode.SIGNER_MISMATCH),
}


def _perm(name):
    from pyhanko.sign.fields import MDPPerm

    return MDPPerm[name]


def _subfilter(name):
    from pyhanko.sign.fields import SigSeedSubFilter

    return SigSeedSubFilter[name]


@pytest.fixture(scope="module")
def tampered(signed, unsigned, identity, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tampered")
    files = {}
    for n, (name, (make, _)) in enumerate(TAMPERED.items()):
        files[name] = folder / f"{n:02d}.pdf"
        files[name].write_bytes(make(signed, unsigned, identity))
    return files


@pytest.mark.parametrize("name", list(TAMPERED))
def test_every_alteration_is_caught_with_its_own_code(name, tampered, capsys):
    path, expected = tampered[name], TAMPERED[name][1]
    verdict = verify_pdf(path.read_bytes())
    assert not verdict.valid and verdict.confirmation is None
    assert verdict.code is expected, verdict.reason
    assert verdict.reason

    assert main(["verify", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == f"INVALID  {path}  {verdict.reason}\n"
    assert err == ""


def test_reasons_say_what_happened(tampered):
    def reason(name: str) -> str:
        return verify_pdf(tampered[name].read_bytes()).reason

    assert reason("annotation added").startswith("it was changed after it was signed (")
    assert "annotations" in reason("annotation added")
    assert "form fields" in reason("form field added")
    assert "pages" in reason("page content added in an update")
    assert "document properties" in reason("title changed in the Info dictionary")
    assert "metadata" in reason("XMP metadata added")
    assert "attachments" in reason("embedded JSON replaced in an update")
    assert "staff.id" in reason("JSON of another shape")
    assert "Sian Jones" in reason("staff name differs from the certificate")
    assert "S9999" in reason("staff ID not in the certificate")
    assert reason("second signature added") == "it has 2 signatures; a confirmation has exactly one"
    assert "SHA1" in reason("signed with SHA-1") and "too weak" in reason("signed with SHA-1")
    assert "1024-bit RSA key" in reason("an RSA key of 1024 bits")
    assert reason("certificate not made for signing") == "the signer's certificate is not for signing documents"
    assert reason("a certificate with its key usage twice") == "the signer's certificate cannot be read"


@pytest.mark.parametrize("key, key_usage, digest", [
    ("RSA-2048", True, "sha256"), ("P-384", True, "sha256"), ("P-256", True, "sha512"), ("P-256", False, "sha256"),
])
def test_certificates_and_hashes_it_may_issue_verify_valid(key, key_usage, digest, unsigned):
    """A certificate from IT (imported as PKCS#12) need not be the app's EC P-256 one; one without a
    key usage extension may sign anything (RFC 5280)."""
    identity = helpers.make_identity(key=key, key_usage=key_usage)
    if digest == "sha256":
        signed = _sign(unsigned, identity, _json())
    else:
        signed = helpers.sign_differently(unsigned, _json(), identity, md_algorithm=digest)
    verdict = verify_pdf(signed)
    assert verdict.valid, verdict.reason
    assert verdict.signer_name == helpers.NAME and verdict.signed_at is not None


def test_verdicts_of_altered_files_still_name_the_signer_but_never_the_data(tampered, identity):
    verdict = verify_pdf(tampered["annotation added"].read_bytes())
    assert verdict.fingerprint == identity.fingerprint and verdict.signer_name == helpers.NAME
    assert verdict.confirmation is None


# Files from anywhere: size, time, crashes, odd paths

def test_a_file_over_the_size_limit_is_refused_before_it_is_read(signed_file, tmp_path, capsys):
    [(_, verdict)] = verify_files([signed_file], max_bytes=len(signed_file.read_bytes()) - 1)
    assert verdict.code is VerdictCode.TOO_LARGE and not verdict.valid
    [(_, verdict)] = verify_files([signed_file], max_bytes=len(signed_file.read_bytes()))
    assert verdict.valid

    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: costs no disk, and is never read
    assert main(["verify", str(huge)]) == 1
    assert capsys.readouterr().out == f"INVALID  {huge}  larger than 20 MB, more than a confirmation can be\n"


def test_a_file_that_takes_too_long_is_stopped_and_the_rest_go_on(signed_file, unsigned, tmp_path):
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(helpers.huge_signature_contents(unsigned, megabytes=1))  # ~8 s to read on a 2-core VM
    # Two workers: the slow file is third, so it has no start-up allowance.
    files = [signed_file, signed_file, slow, signed_file, signed_file]
    started = datetime.now()
    verdicts = verify_files(files, timeout_s=1.0, workers=2)
    assert [v.code for _, v in verdicts] == [VerdictCode.VALID] * 2 + [VerdictCode.TIMED_OUT] + [VerdictCode.VALID] * 2
    assert verdicts[2][1].reason == "checking it took too long (over 1 s), so it was stopped"
    assert datetime.now() - started < timedelta(seconds=8)  # not the ~8 s the slow file would take here


def test_a_file_that_crashes_its_worker_is_damaged_and_the_rest_go_on(signed_file, tmp_path):
    from app.signing.verify import _Job, _WorkerPool

    crash = tmp_path / "crash.pdf"
    crash.write_bytes(signed_file.read_bytes())
    files = [signed_file, crash, signed_file, signed_file]
    with _WorkerPool(2) as pool:
        verdicts = pool.run(deque(_Job(n, p) for n, p in enumerate(files)), MAX_BYTES, 20.0,
                            task=helpers.crash_if_named_crash)
    assert [verdicts[n].code for n in range(4)] == [
        VerdictCode.VALID, VerdictCode.DAMAGED, VerdictCode.VALID, VerdictCode.VALID]


def test_paths_that_are_not_files_get_their_own_verdicts(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)  # opening it would block: never opened
    verdicts = dict(verify_files([tmp_path / "missing.pdf", tmp_path, fifo]))
    assert {v.code for v in verdicts.values()} == {VerdictCode.UNREADABLE}
    assert verdicts[tmp_path / "missing.pdf"].reason == "no such file"


# The command

def _command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "verify", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(REPO)))


def test_the_command_checks_a_folder_file_by_file(signed, tampered, identity, tmp_path):
    folder = tmp_path / "collected"
    folder.mkdir()
    (folder / "a-valid.pdf").write_bytes(signed)
    (folder / "b-valid.PDF").write_bytes(signed)
    for name in ("garbage appended", "annotation added", "not a PDF", "staff name differs from the certificate",
                 "second signature added", "truncated"):
        (folder / f"c-{name}.pdf").write_bytes(tampered[name].read_bytes())
    (folder / "notes.txt").write_text("not a confirmation")  # not a PDF by name: left alone

    done = _command(str(folder))
    assert done.returncode == 1
    assert done.stderr == ""  # no pyHanko traceback on tampered files
    lines = done.stdout.splitlines()
    pdfs = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".pdf")
    assert [line.split("  ")[1] for line in lines] == [str(p) for p in pdfs]
    fingerprint = identity.fingerprint.replace(":", "")[:16]
    valid = f"{helpers.NAME} ({helpers.STAFF_ID}), {helpers.SCHOOL}, {helpers.CYCLE}, fingerprint {fingerprint}…"
    assert lines[0] == f"VALID  {pdfs[0]}  {valid}"
    assert lines[1] == f"VALID  {pdfs[1]}  {valid}"
    assert all(line.startswith("INVALID  ") for line in lines[2:])


def test_the_command_exits_0_only_when_every_file_is_valid(signed_file):
    done = _command(str(signed_file), str(signed_file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("VALID  ") == 2 and "INVALID" not in done.stdout


def test_usage_errors_exit_2(signed_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["verify"])
    assert exit_.value.code == 2
    (tmp_path / "._copied-by-a-mac.pdf").write_bytes(b"\0\5\26\7")  # hidden: not a confirmation
    assert main(["verify", str(tmp_path)]) == 2  # a folder with no PDF in it
    assert "no PDF files" in capsys.readouterr().err
    assert main(["verify", str(signed_file), str(tmp_path / "typo.pdf")]) == 2
    captured = capsys.readouterr()
    assert "no such file or folder" in captured.err and captured.out == ""
