"""Draws the app's icon files from resources/icons/app.svg: app.png, app.ico (Windows), app.icns (macOS).

Run it after changing the SVG and commit what it writes; the build only reads the results:

    .venv/bin/python packaging/make_icons.py

Qt draws the SVG at each size (a small icon drawn small stays sharp, unlike one scaled down)
and Pillow packs the sizes into the .ico and .icns containers.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
PNG_SIZE = 256


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt paints only inside an application
    renderer = QSvgRenderer(str(ICONS / "app.svg"))
    if not renderer.isValid():
        print(f"make_icons: {ICONS / 'app.svg'} is not a valid SVG", file=sys.stderr)
        return 1

    def draw(size: int) -> Image.Image:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")

    drawn = {size: draw(size) for size in sorted({*ICO_SIZES, *ICNS_SIZES, PNG_SIZE})}
    drawn[PNG_SIZE].save(ICONS / "app.png", optimize=True)
    largest_ico = drawn[max(ICO_SIZES)]
    largest_ico.save(ICONS / "app.ico", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[drawn[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    drawn[max(ICNS_SIZES)].save(ICONS / "app.icns",
                                append_images=[drawn[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    for name in ("app.png", "app.ico", "app.icns"):
        print(f"wrote {ICONS / name} ({(ICONS / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
