"""`self-audit demo`: every sample confirmation passes the third-party checks HR's tools would make."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.signing.verify import verify_pdf


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    data = folder / "user-data"
    env = dict(os.environ, SELF_AUDIT_DATA_DIR=str(data))
    done = subprocess.run([sys.executable, "-m", "app", "demo", "--out", str(folder / "out"), "--count", "5"],
                          capture_output=True, text=True, env=env, cwd=folder, timeout=180)
    assert done.returncode == 0, done.stderr
    assert not data.exists(), "the demo touched the user's data folder"
    return folder / "out", done.stdout


def test_every_demo_file_is_valid_to_pdfsig_qpdf_and_the_verify_command(demo):
    out, _ = demo
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 5
    for pdf in pdfs:
        pdfsig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in pdfsig and "Total document signed" in pdfsig, pdfsig
        qpdf = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout, qpdf.stdout
        attached = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True).stdout
        assert "confirmation.json" in attached
    verify = subprocess.run([sys.executable, "-m", "app", "verify", str(out)], capture_output=True, text=True,
                            timeout=180)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.count("VALID  ") == 5 and "INVALID" not in verify.stdout


def test_the_pdf_text_shows_each_name_and_every_answer(demo, tmp_path):
    out, _ = demo
    labels = {"done": "Done", "action": "Needs action", "not-applicable": "Not applicable"}
    for pdf in sorted(out.glob("*.pdf")):
        verdict = verify_pdf(pdf.read_bytes())
        assert verdict.valid, verdict.reason
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        confirmation = verdict.confirmation
        assert confirmation.staff.name in text
        for item in confirmation.items:
            assert labels[item.status.value] in text
            if item.action:
                assert " ".join(item.action.split()) in text
        # the embedded data is what the signature covers, and it reads back
        saved = tmp_path / f"{pdf.stem}.json"
        subprocess.run(["pdfdetach", "-save", "1", "-o", str(saved), str(pdf)], check=True)
        assert json.loads(saved.read_text("utf-8"))["staff"]["name"] == confirmation.staff.name


def test_the_demo_mixes_roles_new_starters_actions_and_non_ascii_names(demo):
    out, report = demo
    confirmations = [verify_pdf(p.read_bytes()).confirmation for p in sorted(out.glob("*.pdf"))]
    assert any(c.audit_type.value == "induction" for c in confirmations)
    assert any(c.actions for c in confirmations)
    assert any(not c.staff.name.isascii() for c in confirmations)
    assert len({c.staff.role for c in confirmations}) > 1
    assert len({verify_pdf(p.read_bytes()).fingerprint for p in out.glob("*.pdf")}) == 5  # a key each
