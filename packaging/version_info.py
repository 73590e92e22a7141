"""The app's version, read from app/__init__.py, and the Windows version resource made from it.

Used by the PyInstaller spec (self-audit.spec) and the Windows build script's check; reads the
file rather than importing `app`, so the build never picks up an installed copy's version.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCT = "Staff Social Media Self-Audit"
COMPANY = "Staff Self-Audit"
EXE_NAME = "self-audit"


def read_version(init_file: Path = REPO / "app" / "__init__.py") -> str:
    for node in ast.parse(init_file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{init_file}: no __version__")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' -> (1, 2, 3, 0); a suffix such as 'rc1' or '.dev2' is dropped (Windows wants four numbers)."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    if release is None:
        raise ValueError(f"not a version: {version!r}")
    numbers = [int(n) for n in release.group().split(".")][:4]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def windows_version_file(version: str, exe_name: str = EXE_NAME) -> str:
    """The VS_VERSIONINFO resource Windows shows in the file's Properties > Details, in the text form
    PyInstaller's `version=` reads (a Python expression; PyInstaller evaluates it on Windows only)."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": PRODUCT,
        "FileVersion": version,
        "InternalName": exe_name,
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    table = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('080904B0', [
{table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0809, 1200])])
  ]
)
"""
