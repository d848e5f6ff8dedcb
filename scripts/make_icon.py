"""Draw the application icon and write resources/icon.png, icon.ico and icon.icns.

The icon: two overlapping circles (one person, and people together: individual and
collective co-production) on a rounded council-blue square. Drawn with Pillow (already
installed with matplotlib), so it needs no image editor and is reproducible:

    python scripts/make_icon.py

The generated files are committed; build.spec uses icon.ico (Windows), icon.icns (macOS)
and the window uses icon.png.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources"
SIZE = 1024
BLUE = (20, 70, 130, 255)
TEAL = (0, 166, 156, 230)
AMBER = (255, 184, 28, 230)
WHITE = (255, 255, 255, 255)


def draw(size: int = SIZE) -> Image.Image:
    """The icon at ``size`` pixels (drawn 4x larger, then downsampled for smooth edges)."""
    big = size * 4
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pad = big // 16
    d.rounded_rectangle([pad, pad, big - pad, big - pad], radius=big // 5, fill=BLUE)
    r = big * 0.22
    cy = big * 0.5
    for cx, colour in ((big * 0.39, TEAL), (big * 0.61, AMBER)):
        layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        ImageDraw.Draw(layer).ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
        img = Image.alpha_composite(img, layer)
    d = ImageDraw.Draw(img)
    # a white outline on both circles so the overlap reads at 16 px too
    for cx in (big * 0.39, big * 0.61):
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=WHITE, width=big // 48)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    icon = draw()
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "icon.png", optimize=True)
    icon.save(
        OUT / "icon.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    icon.save(OUT / "icon.icns")
    for name in ("icon.png", "icon.ico", "icon.icns"):
        print(f"wrote {OUT / name} ({(OUT / name).stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
