"""Deterministic pictures for benchmarks and tests: screenshots (flat UI, text) and photos (smooth + noise).

Drawn with Pillow from a seed, so every run builds the same bytes; nothing is downloaded.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

_WORDS = ("model", "token", "layer", "attention", "train", "loss", "epoch", "batch", "prompt", "output",
          "config", "python", "import", "return", "value", "tensor", "weight", "gradient", "context")


def screenshot(seed: int, width: int = 1680, height: int = 1200) -> Image.Image:
    """An application window: title bar, side bar, panels and lines of anti-aliased text (RGB)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (250, 250, 252))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(6, height // 60))
    draw.rectangle((0, 0, width, height // 20), fill=(60, 64, 72))
    draw.rectangle((0, height // 20, width // 6, height), fill=(236, 238, 242))
    accent = (rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(120, 240))
    for k in range(rng.randrange(2, 5)):            # panels
        x0 = rng.randrange(width // 5, width // 2)
        y0 = rng.randrange(height // 10, height // 2)
        draw.rectangle((x0, y0, x0 + rng.randrange(width // 8, width // 2), y0 + rng.randrange(height // 15, height // 3)),
                       outline=accent, width=2, fill=(255, 255, 255) if k % 2 else (244, 247, 255))
    inset = photo(seed, width // 4, height // 4)        # a picture inside the window (a slide, an avatar)
    image.paste(inset, (width - width // 4 - 24, height // 12))
    line = max(8, height // 40)
    for y in range(height // 12, height - line, line):    # text lines, left and right of the side bar
        if rng.random() < 0.25:
            continue
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(3, 12)))
        colour = rng.choice(((30, 30, 30), (30, 30, 30), accent, (170, 60, 40), (40, 130, 60)))
        draw.text((width // 6 + 20, y), words, fill=colour, font=font)
        if rng.random() < 0.5:
            draw.text((12, y), rng.choice(_WORDS), fill=(80, 80, 90), font=font)
    return image


def photo(seed: int, width: int = 2400, height: int = 1600) -> Image.Image:
    """A photograph-like picture: smooth colour fields, blurred shapes and sensor noise (RGB)."""
    rng = random.Random(seed)
    small = Image.new("RGB", (6, 4))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(6 * 4)])
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    image = Image.blend(image, noise, 0.12).filter(ImageFilter.GaussianBlur(0.6))
    return image


def png_bytes(image: Image.Image) -> bytes:
    """``image`` as PNG (Pillow's defaults, as a screenshot tool writes it)."""
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(image: Image.Image, quality: int = 92, orientation: int = 1) -> bytes:
    """``image`` as a camera JPEG: ``quality``, an EXIF block with ``orientation`` (274) and a camera make
    (``orientation`` 0: no EXIF block at all)."""
    out = io.BytesIO()
    if not orientation:
        image.save(out, "JPEG", quality=quality)
        return out.getvalue()
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Synthetic Camera"
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()
