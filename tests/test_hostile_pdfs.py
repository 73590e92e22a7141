"""Files HR opens that anyone could have made: every known class of attack on PDF signatures, and
files made to break or stall the checker, each built from the app's own signed confirmation
(tests/hostile_pdfs.py). Each must be INVALID with its own code and a plain-English reason, within
the per-file limit, through the worker pool and the `self-audit verify` command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helpers, here and in verification workers
import hostile_pdfs as hostile  # noqa: E402

from app.signing.verify import MAX_BYTES, VerdictCode, verify_files, verify_pdf  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CASES = {case.name: case for case in hostile.CASES}


@pytest.fixture(scope="module")
def originals() -> hostile.Originals:
    return hostile.make_originals()


@pytest.fixture(scope="module")
def hostile_files(originals, tmp_path_factory) -> dict[str, Path]:
    """Every case as a file, built once for the module."""
    return hostile.write_cases(originals, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def verdicts(hostile_files):
    """All of them in one batch through the worker pool, with its real time and memory limits."""
    names = list(hostile_files)
    results = verify_files([hostile_files[name] for name in names], workers=2)
    return {name: verdict for name, (_, verdict) in zip(names, results)}


def test_the_originals_and_the_attack_tools_are_sound(originals):
    """The attacks start from a valid file, and re-signing (as a signer with their own key could)
    or signing a PDF as the app does gives a valid file: so what the cases catch is the attack."""
    assert verify_pdf(originals.signed).valid
    assert verify_pdf(hostile.resign(originals.signed, originals.identity)).valid
    assert verify_pdf(hostile.sign_as_the_app(originals, originals.unsigned)).valid


@pytest.mark.parametrize("name", list(CASES))
def test_every_hostile_file_is_invalid_with_its_own_code_and_reason(name, verdicts):
    case, verdict = CASES[name], verdicts[name]
    assert not verdict.valid and verdict.confirmation is None
    assert verdict.code is case.code, verdict.reason
    assert case.reason in verdict.reason
    assert verdict.reason[0].islower() and "\n" not in verdict.reason and "Error" not in verdict.reason


@pytest.mark.parametrize("name", [
    "SWA: /ByteRange stops short of the end (re-signed)", "SWA: /ByteRange not from the first byte (re-signed)",
    "USF: signature dictionary without /Filter (re-signed)", "USF: signature dictionary without /Type (re-signed)",
    "USF: /Filter of another handler (re-signed)",
])
def test_re_signed_forgeries_fool_a_bare_signature_check_but_not_the_verifier(name, hostile_files, verdicts):
    """pyHanko alone calls these signatures intact and valid: the verifier's own checks stop them."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(hostile_files[name].read_bytes()), strict=False)
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[signature.signer_cert]),
                                    skip_diff=True)
    assert status.intact and status.valid
    assert verdicts[name].code in (VerdictCode.NOT_WHOLE_FILE, VerdictCode.NOT_CERTIFIED)


def test_a_white_box_drawn_in_the_signers_own_page_hides_nothing_from_the_verdict(originals):
    """The one shadow 'hide' that is not refused: a box drawn in the page's own content before
    signing. Seeing it needs rendering; the verdict reports the signed data, where the action is."""
    from app.core.audit import Status

    doctored = hostile.helpers.update(originals.unsigned, hostile.white_rectangle_in_content)
    signed = hostile.sign_as_the_app(originals, doctored)
    verdict = verify_pdf(signed)
    assert verdict.valid
    assert [item.status for item in verdict.confirmation.items] == [Status.DONE, Status.ACTION, Status.NOT_APPLICABLE]
    assert verdict.confirmation.items[1].action == "Remove two former pupils"


def test_bytes_over_the_limit_are_refused_before_they_are_parsed():
    verdict = verify_pdf(b"%PDF-1.7\n" + bytes(MAX_BYTES))
    assert verdict.code is VerdictCode.TOO_LARGE and verdict.reason.startswith("larger than 20 MB")


def test_the_command_reports_every_file_of_a_hostile_folder(originals, hostile_files, tmp_path):
    folder = tmp_path / "collected from staff"
    folder.mkdir()
    for path in hostile_files.values():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "0-valid.pdf").write_bytes(originals.signed)
    with (folder / "zz-huge.pdf").open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: never read

    done = subprocess.run([sys.executable, "-m", "app", "verify", str(folder)], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 1
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    pdfs = sorted(folder.iterdir())
    assert [line.split("  ")[1] for line in lines] == [str(p) for p in pdfs]
    assert lines[0].startswith(f"VALID  {pdfs[0]}  {hostile.helpers.NAME}")
    assert all(line.startswith("INVALID  ") and line.split("  ", 2)[2] for line in lines[1:])
    assert lines[-1].endswith("larger than 20 MB, more than a confirmation can be")
    assert not any("took too long" in line or "crashed the checker" in line for line in lines)

