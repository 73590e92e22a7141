"""The frozen app (PyInstaller, packaging/self-audit.spec) works on its own, and the Windows
installer script matches what the spec builds.

`make test` builds the bundle once with `make package`'s rule (dist/self-audit, rebuilt only when
the app or the packaging changed) and names it in SELF_AUDIT_FROZEN_APP; run on its own, this
file builds a fresh bundle into a temporary folder first (a few minutes). Never a copy of dist/
that might be stale: the suite tests what it built, or builds what it tests.

The frozen checks run the bundle as IT and staff do: its own executable, no Python, a data folder
of its own, the real OS keyring that tests/run_headless.sh provides.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import app

REPO = Path(__file__).resolve().parents[1]
PACKAGING = REPO / "packaging"
WINDOWS = PACKAGING / "windows"
FROZEN_ENV = "SELF_AUDIT_FROZEN_APP"
MAX_BUNDLE_BYTES = 200 * 1000 * 1000
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


def _packaging_module(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def frozen(tmp_path_factory) -> Path:
    """The frozen app's executable (the console one on Windows, so its output can be read)."""
    named = os.environ.get(FROZEN_ENV)
    if named:
        executable = Path(named)
        assert executable.is_file(), f"{FROZEN_ENV} names {executable}, which does not exist"
    else:
        build = tmp_path_factory.mktemp("frozen-build")
        result = subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(build / "dist"), "--workpath", str(build / "work"), str(PACKAGING / "self-audit.spec")],
            capture_output=True, text=True, cwd=REPO, timeout=1800,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        executable = build / "dist" / "self-audit" / f"self-audit{EXE_SUFFIX}"
    if sys.platform == "win32":
        executable = executable.with_name(f"self-audit-cli{EXE_SUFFIX}")
    return executable


def _run(executable: Path, *args: str, data: Path, extra_env: dict | None = None, timeout: float = 180):
    env = {**os.environ, "SELF_AUDIT_DATA_DIR": str(data), **(extra_env or {})}
    for leaked in ("PYTHONPATH", "PYTHONHOME", "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH"):
        env.pop(leaked, None)  # the bundle must need nothing from the Python that built it
    return subprocess.run([str(executable), *args], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=data.parent, timeout=timeout)


def _bundle(executable: Path) -> Path:
    return executable.parent


def _internal(executable: Path) -> Path:
    return _bundle(executable) / "_internal"


# --- the bundle ----------------------------------------------------------------------------------

def test_the_bundle_is_one_folder_of_at_most_200_mb(frozen):
    files = [p for p in _bundle(frozen).rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    assert size <= MAX_BUNDLE_BYTES, f"the bundle is {size / 1e6:.1f} MB"
    internal = _internal(frozen)
    assert (internal / "app" / "_bundled" / "checklists" / "model-policy.toml").is_file()
    assert (internal / "app" / "_bundled" / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (internal / "app" / "_bundled" / "resources" / "icons" / "app.svg").is_file()


def test_the_bundle_leaves_out_what_the_app_never_loads(frozen):
    names = {p.relative_to(_internal(frozen)).as_posix() for p in _internal(frozen).rglob("*")}
    assert not [n for n in names if "/translations/" in n and n.endswith(".qm")], "Qt's translations are bundled"
    for unused in ("QtQml", "QtQuick", "QtWebEngine", "QtPdf", "QtMultimedia"):
        assert not [n for n in names if unused in n], f"{unused} is bundled"
    plugins = {n.split("/")[-1] for n in names if "/plugins/" in n}
    assert not [p for p in plugins if "eglfs" in p or "gtk3" in p or "tiff" in p or "opensslbackend" in p]
    assert not [n for n in names if "libgtk-3" in n]
    if sys.platform.startswith("linux"):
        assert {"libqxcb.so", "libqoffscreen.so", "libqwayland.so", "libqsvg.so", "libqico.so"} <= plugins
    assert not [p for p in _internal(frozen).rglob("*") if p.is_symlink() and not p.exists()], "dangling links"


# --- the app, frozen -------------------------------------------------------------------------------

def test_the_frozen_app_reports_the_version_it_was_built_from(frozen, tmp_path):
    result = _run(frozen, "--version", data=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"self-audit {app.__version__}"


def test_the_frozen_app_validates_its_bundled_checklists(frozen, tmp_path, policies):
    shipped = sorted((_internal(frozen) / "app" / "_bundled" / "checklists").glob("*.toml"))
    assert {p.stem for p in shipped} >= {"barton-st-peters", "bury-ce", "evendons-bpet", "model-policy", "st-hughs"}
    result = _run(frozen, "checklists", "validate", *map(str, shipped), "--policies", str(policies),
                  data=tmp_path / "data")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(shipped)} file(s) checked: no problems." in result.stdout


def test_the_frozen_window_starts_offscreen_and_logs_no_error(frozen, tmp_path):
    data = tmp_path / "data"
    window = frozen.with_name(f"self-audit{EXE_SUFFIX}")  # the windowed one on Windows
    result = _run(window, data=data, extra_env={"QT_QPA_PLATFORM": "offscreen", "SELF_AUDIT_EXIT_AFTER_PAINT": "1"},
                  timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    log = (data / "logs" / "self-audit.log").read_text(encoding="utf-8")
    assert f"started {app.__version__}" in log
    assert not re.search(r" (ERROR|CRITICAL) ", log), log
    assert (data / "self-audit.sqlite3").is_file()
    if os.name == "posix":
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE((data / "self-audit.sqlite3").stat().st_mode) == 0o600


def test_the_frozen_app_writes_demo_pdfs_and_verifies_them_in_worker_processes(frozen, tmp_path):
    demo = tmp_path / "demo"
    made = _run(frozen, "demo", "--out", str(demo), "--count", "3", data=tmp_path / "data")
    assert made.returncode == 0, made.stdout + made.stderr
    pdfs = sorted(demo.glob("*.pdf"))
    assert len(pdfs) == 3

    verified = _run(frozen, "verify", str(demo), data=tmp_path / "data")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count("VALID  ") == 3 and "INVALID" not in verified.stdout

    # Another tool agrees: the signature is intact and the bundled font is embedded.
    pdfsig = subprocess.run(["pdfsig", str(pdfs[0])], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in pdfsig.stdout and "Total document signed" in pdfsig.stdout, pdfsig.stdout
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True, timeout=60).stdout
    assert "DejaVuSans" in fonts

    # The workers really check: a changed file is caught, and the others still pass.
    with pdfs[1].open("ab") as tampered:
        tampered.write(b"\n% appended after signing\n")
    checked = _run(frozen, "verify", str(demo), data=tmp_path / "data")
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert [line for line in lines if line.startswith("INVALID") and pdfs[1].name in line]
    assert sum(line.startswith("VALID  ") for line in lines) == 2


def test_the_frozen_app_reaches_the_os_keyring(frozen, tmp_path):
    """A signing secret put in the real keyring is found and removed by the frozen app's
    `my-data delete`: its keyring back ends survived freezing (they are found through entry points)."""
    import keyring

    from app.signing.identity import KEYRING_SERVICE, IdentityStore, keyring_username

    data = tmp_path / "data"
    store = IdentityStore(data / "identity")
    identity = store.create("Alex Example", "S9001", "Frozen Test School")
    username = keyring_username(identity.certificate_der)
    assert keyring.get_password(KEYRING_SERVICE, username) is not None

    result = _run(frozen, "my-data", "delete", "--yes", data=data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert keyring.get_password(KEYRING_SERVICE, username) is None
    assert not (data / "identity").exists()


# --- the Windows installer, by construction (it cannot run here) --------------------------------------

def _iss() -> str:
    return (WINDOWS / "self-audit.iss").read_text(encoding="utf-8")


def _iss_section(name: str) -> list[str]:
    lines, inside = [], False
    for line in _iss().splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            inside = stripped == f"[{name}]"
        elif inside and stripped and not stripped.startswith(";"):
            lines.append(stripped)
    return lines


def _iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', _iss(), re.MULTILINE))


def _iss_setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _iss_section("Setup"))


def test_the_installer_packs_the_executables_and_folder_the_spec_builds():
    version_info = _packaging_module("version_info")
    spec = (PACKAGING / "self-audit.spec").read_text(encoding="utf-8")
    defines = _iss_defines()
    assert defines["AppExe"] == f"{version_info.EXE_NAME}.exe"
    assert defines["CliExe"] == f"{version_info.EXE_NAME}-cli.exe"
    assert 'executable(f"{EXE_NAME}-cli", console=True)' in spec and "executable(EXE_NAME, console=False)" in spec
    assert "name=EXE_NAME," in spec  # COLLECT: the folder dist/self-audit
    # DistDir, relative to the script, is where PyInstaller puts that folder (build.ps1: --distpath dist).
    dist = (WINDOWS / defines["DistDir"].replace("\\", "/")).resolve()
    assert dist == (REPO / "dist" / version_info.EXE_NAME).resolve()
    assert "--distpath dist" in (WINDOWS / "build.ps1").read_text(encoding="utf-8")
    files = _iss_section("Files")
    for packed in ("{#DistDir}\\{#AppExe}", "{#DistDir}\\{#CliExe}", "{#DistDir}\\_internal\\*"):
        assert any(f'Source: "{packed}"' in line for line in files), packed
    icon = _iss_setup()["SetupIconFile"].replace("\\", "/")
    assert (WINDOWS / icon).resolve() == (REPO / "resources" / "icons" / "app.ico").resolve()
    assert any("{autoprograms}" in line and "{#AppExe}" in line for line in _iss_section("Icons"))


def test_the_installer_is_per_user_and_needs_no_admin_rights():
    setup = _iss_setup()
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}\\")  # %LOCALAPPDATA%\Programs for a per-user install
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])


def test_the_installer_takes_its_version_from_the_build_script():
    iss, build = _iss(), (WINDOWS / "build.ps1").read_text(encoding="utf-8")
    assert re.search(r"#ifndef AppVersion\s+#error", iss)  # no version, no installer
    setup = _iss_setup()
    assert setup["AppVersion"] == "{#AppVersion}" and "{#AppVersion}" in setup["OutputBaseFilename"]
    assert setup["VersionInfoVersion"] == "{#AppVersionNumeric}"
    assert '"/DAppVersion=$Version"' in build and '"/DAppVersionNumeric=$Numeric"' in build
    assert "v.read_version()" in build and "self-audit.iss" in build and "packaging\\self-audit.spec" in build


def test_the_installer_copies_a_school_config_given_with_config():
    files = _iss_section("Files")
    config = next(line for line in files if 'DestName: "school.toml"' in line)
    assert 'Source: "{code:SchoolConfigFile}"' in config and "external" in config and "Check: SchoolConfigGiven" in config
    assert "ExpandConstant('{param:CONFIG|}')" in _iss()
    guide = (PACKAGING / "README.md").read_text(encoding="utf-8")
    for switch in ("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CONFIG="):
        assert switch in guide and switch in _iss()


def test_the_windows_version_resource_carries_the_apps_version():
    version_info = _packaging_module("version_info")
    assert version_info.read_version() == app.__version__
    text = version_info.windows_version_file(app.__version__)
    seen: dict[str, object] = {}

    def record(name):
        def make(*args, **kwargs):
            seen.setdefault(name, []).append((args, kwargs))
            return name
        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo", "VarStruct")
    assert eval(compile(ast.parse(text, mode="eval"), "version_info", "eval"), {n: record(n) for n in names}) == "VSVersionInfo"
    numbers = version_info.version_tuple(app.__version__)
    assert seen["FixedFileInfo"][0][1]["filevers"] == numbers == seen["FixedFileInfo"][0][1]["prodvers"]
    strings = dict(args for args, _ in seen["StringStruct"])
    assert strings["FileVersion"] == strings["ProductVersion"] == app.__version__
    assert strings["OriginalFilename"] == "self-audit.exe"
    assert version_info.version_tuple("2026.10.3rc1") == (2026, 10, 3, 0)


def test_the_trim_keeps_each_os_its_window_and_drops_the_rest():
    trim = _packaging_module("bundle_trim")
    kept = {
        "linux": ["PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
                  "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
                  "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
                  "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
                  "PySide6/Qt/lib/libQt6Network.so.6"],
        "win32": ["PySide6/plugins/platforms/qwindows.dll", "PySide6/plugins/styles/qmodernwindowsstyle.dll",
                  "PySide6/plugins/imageformats/qico.dll", "PySide6/plugins/iconengines/qsvgicon.dll"],
        "darwin": ["PySide6/Qt/plugins/platforms/libqcocoa.dylib", "PySide6/Qt/plugins/styles/libqmacstyle.dylib",
                   "PySide6/Qt/plugins/imageformats/libqjpeg.dylib"],
    }
    dropped = {
        "linux": ["PySide6/Qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
                  "PySide6/Qt/plugins/tls/libqopensslbackend.so", "PySide6/Qt/translations/qtbase_de.qm",
                  "PySide6/Qt/plugins/imageformats/libqtiff.so"],
        "win32": ["PySide6/plugins/platforms/qdirect2d.dll", "PySide6/translations/qtbase_fr.qm",
                  "PySide6/plugins/networkinformation/qnetworklistmanager.dll"],
        "darwin": ["PySide6/Qt/plugins/platforms/libqminimal.dylib", "PySide6/Qt/plugins/imageformats/libqwebp.dylib"],
    }
    for platform in kept:
        assert not [p for p in kept[platform] if trim._is_dropped(p, platform)], platform
        assert all(trim._is_dropped(p, platform) for p in dropped[platform]), platform
    assert not trim._is_dropped("app/_bundled/resources/i18n/README.md", "linux")


def test_the_icons_are_drawn_from_the_svg_at_every_size():
    from PIL import Image

    icons = REPO / "resources" / "icons"
    with Image.open(icons / "app.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(icons / "app.icns") as icns:
        assert icns.size == (1024, 1024)
    with Image.open(icons / "app.png") as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
