"""The real wheel is a working app, and the import rules that keep the core pure hold."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import app

REPO = Path(__file__).resolve().parents[1]


def test_the_suite_runs_against_the_installed_wheel_under_make_test():
    if os.environ.get("SELF_AUDIT_TEST_INSTALLED") == "1":
        assert "site-packages" in app.__file__, f"make test should test the installed wheel, not {app.__file__}"
    assert (Path(app.__file__).parent.parent / "app").is_dir()


def test_a_built_wheel_carries_the_checklists_and_works_on_its_own(tmp_path):
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
                            str(REPO)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("staff_self_audit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("barton-st-peters", "model-policy", "bury-ce", "st-hughs", "evendons-bpet", "platform-guides"):
        assert f"app/_bundled/checklists/{shipped}.toml" in names
    assert "app/_bundled/checklists/README.md" in names
    assert any(n.startswith("app/_bundled/resources/") for n in names)

    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    probe = subprocess.run(
        [sys.executable, "-c", "import app, app.resources as r; print(app.__file__); print(r.checklists_dir())"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=True,
    ).stdout.split()
    assert all(p.startswith(str(target)) for p in probe)
    shipped = sorted(str(p) for p in (target / "app/_bundled/checklists").glob("*.toml"))
    result = subprocess.run([sys.executable, "-m", "app", "checklists", "validate", *shipped],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    version = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=60)
    assert version.stdout.strip() == f"self-audit {app.__version__}"


def test_the_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--config", str(REPO / "pyproject.toml")],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_the_console_command_is_installed():
    command = Path(sys.executable).with_name("self-audit")
    result = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"self-audit {app.__version__}"
