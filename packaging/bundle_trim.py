"""What the frozen app leaves out: Qt's translations, the Qt plugins it never loads, and the
shared libraries that only those plugins needed. Used by self-audit.spec after the analysis.

The app is in English (UK) only and its own strings are its own, so Qt's translations go. Of
Qt's plugins it keeps what draws a window on each OS (plus offscreen, for the smoke test and
for IT's headless checks), the image formats a school logo or the icon come in, the input
methods (accented names are typed through them) and the file-dialog theme; not the embedded
Linux back ends, network information, TLS (the app opens no network connection) or evdev.
"""

from __future__ import annotations

import sys
from pathlib import PurePosixPath

# Python modules the app never uses that the analysis would otherwise follow.
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "PIL.ImageTk", "PIL._imagingtk", "PIL.ImageQt",
    "PIL._avif", "PIL.AvifImagePlugin",  # libavif alone is 5 MB; a school logo is PNG, JPEG or SVG
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtMultimedia", "PySide6.QtPdf", "PySide6.QtOpenGLWidgets",
]

# Plugin folders dropped whole.
DROPPED_PLUGIN_FOLDERS = {
    "egldeviceintegrations", "generic", "networkinformation", "tls", "sqldrivers", "position",
    "multimedia", "qmltooling", "printsupport",
}
# Plugin folders where only these plugins stay (file names without "lib", "q" prefix or suffix).
KEPT_PLUGINS = {
    "platforms": {
        "linux": {"xcb", "wayland", "wayland-generic", "wayland-egl", "offscreen"},
        "win32": {"windows", "offscreen"},
        "darwin": {"cocoa", "offscreen"},
    },
    "imageformats": {"any": {"svg", "ico", "jpeg"}},  # PNG is built into QtGui
    # The portal theme gives the desktop's own file dialog; the GTK 3 theme would bring its own
    # copy of GTK, cairo and pango (about 20 MB) that may not match the desktop's.
    "platformthemes": {"linux": {"xdgdesktopportal"}},
}


def trim(binaries: list, datas: list, platform: str = sys.platform) -> tuple[list, list]:
    """The analysis' binaries and data without the dropped plugins, the translations, the libraries
    only those plugins needed, and the symbolic links to any of them."""
    dropped = {entry[0] for entry in [*binaries, *datas] if _is_dropped(entry[0], platform)}
    kept_binaries = [entry for entry in binaries if entry[0] not in dropped]
    gone = dropped | _orphaned_libraries(kept_binaries, [e for e in binaries if e[0] in dropped])

    def without(toc: list) -> list:
        return [(dest, source, kind) for dest, source, kind in toc
                if dest not in gone and not (kind == "SYMLINK" and source in gone)]

    return without(binaries), without(datas)


def _is_dropped(dest: str, platform: str) -> bool:
    # PySide6/Qt/plugins/... on Linux and macOS, PySide6/plugins/... on Windows.
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if parts[:1] != ("PySide6",):
        return False
    below = parts[2:] if parts[1:2] == ("Qt",) else parts[1:]
    if below[:1] == ("translations",):
        return True
    if below[:1] != ("plugins",) or len(below) < 3:
        return False
    folder, name = below[1], below[-1]
    if folder in DROPPED_PLUGIN_FOLDERS:
        return True
    if folder not in KEPT_PLUGINS:
        return False
    allowed = KEPT_PLUGINS[folder]
    wanted = allowed.get("any", set()) | allowed.get(_os_key(platform), set())
    return _plugin_name(name) not in wanted


def _os_key(platform: str) -> str:
    return "win32" if platform == "win32" else "darwin" if platform == "darwin" else "linux"


def _plugin_name(file_name: str) -> str:
    """libqxcb.so -> xcb, qwindows.dll -> windows, libqsvg.dylib -> svg, libqgtk3.so -> gtk3."""
    stem = file_name.split(".")[0]
    for prefix in ("lib", "q"):
        if stem.startswith(prefix):
            stem = stem[len(prefix):]
    return stem


def _orphaned_libraries(kept: list, dropped: list) -> set[str]:
    """Libraries the dropped plugins link against that nothing kept links against, directly or not."""
    from PyInstaller.depend.bindepend import get_imports

    by_name: dict[str, str] = {}  # a library's file name -> its destination in the bundle
    sources: dict[str, str] = {}
    for dest, source, kind in kept:
        if kind in ("BINARY", "EXTENSION"):
            by_name.setdefault(PurePosixPath(dest.replace("\\", "/")).name.lower(), dest)
            sources[dest] = source

    def closure(starts: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(starts)
        while todo:
            source = todo.pop()
            try:
                imports = get_imports(source)
            except Exception:  # noqa: BLE001 - not a binary PyInstaller can read: it links nothing
                continue
            for name, _path in imports:
                dest = by_name.get(PurePosixPath(name.replace("\\", "/")).name.lower())
                if dest is not None and dest not in seen:
                    seen.add(dest)
                    todo.append(sources[dest])
        return seen

    plugin_sources = [source for _dest, source, kind in dropped if kind in ("BINARY", "EXTENSION")]
    suspects = closure(plugin_sources)
    if not suspects:
        return set()
    others = [sources[dest] for dest in sources if dest not in suspects]
    needed = closure(others)
    return suspects - needed
