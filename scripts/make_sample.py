"""Generate the bundled sample images procedurally (no third-party pictures, nothing to license).

resources/sample.png        384×256 RGB, 8-bit: gradients, a shaded sphere, hard-edged shapes,
                            a zone plate, stripes, a checkerboard, marble texture and block letters.
resources/sample_noisy.png  the same plus Gaussian noise, sigma 25/255, seed 0, clipped to [0, 1].

Run from the repository root: ``python scripts/make_sample.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.core.image import Image, from_uint, to_uint8
from workbench.core.io import write_image

HEIGHT, WIDTH = 256, 384
NOISE_SIGMA = 25 / 255
RESOURCES = Path(__file__).resolve().parents[1] / "resources"

GLYPHS = {
    "W": ["10001", "10001", "10001", "10101", "10101", "11011", "10001"],
    "O": ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "K": ["10001", "10010", "10100", "11000", "10100", "10010", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    "C": ["01110", "10001", "10000", "10000", "10000", "10001", "01110"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
}


def background(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A smooth colour gradient: hue across, brightness down."""
    u, v = x / WIDTH, y / HEIGHT
    red = 0.55 + 0.35 * np.cos(2 * np.pi * u)
    green = 0.55 + 0.35 * np.cos(2 * np.pi * (u - 1 / 3))
    blue = 0.55 + 0.35 * np.cos(2 * np.pi * (u - 2 / 3))
    return np.stack([red, green, blue], axis=-1) * (0.55 + 0.45 * (1 - v))[..., None]


def paste(canvas: np.ndarray, where: np.ndarray, colour: np.ndarray | tuple, alpha: float = 1.0) -> None:
    """Blend ``colour`` (an RGB triple or an H×W×3 array) into ``canvas`` where ``where`` is True."""
    colour = np.broadcast_to(np.asarray(colour, dtype=np.float64), canvas.shape)
    canvas[where] = (1 - alpha) * canvas[where] + alpha * colour[where]


def draw_sphere(canvas: np.ndarray, y: np.ndarray, x: np.ndarray) -> None:
    cy, cx, radius = 80.0, 300.0, 52.0
    dy, dx = (y - cy) / radius, (x - cx) / radius
    inside = dx**2 + dy**2 < 1
    dz = np.sqrt(np.clip(1 - dx**2 - dy**2, 0, 1))
    light = np.array([-0.5, -0.6, 0.62]) / np.linalg.norm([-0.5, -0.6, 0.62])
    shade = np.clip(dx * light[0] + dy * light[1] + dz * light[2], 0, 1)
    specular = shade**40
    sphere = shade[..., None] * np.array([0.85, 0.3, 0.2]) + specular[..., None] * 0.6 + 0.05
    paste(canvas, inside, np.clip(sphere, 0, 1))


def draw_shapes(canvas: np.ndarray, y: np.ndarray, x: np.ndarray) -> None:
    paste(canvas, (np.abs(y - 200) < 30) & (np.abs(x - 70) < 45), (0.1, 0.25, 0.75))
    paste(canvas, (x - 140) ** 2 + (y - 190) ** 2 < 38**2, (0.95, 0.8, 0.1), alpha=0.7)
    triangle = (y > 150) & (y < 240) & (np.abs(x - 230) < (y - 150) * 0.6)
    paste(canvas, triangle, (0.1, 0.6, 0.3))


def draw_textures(canvas: np.ndarray, y: np.ndarray, x: np.ndarray) -> None:
    zone = (np.abs(y - 70) < 50) & (np.abs(x - 70) < 50)
    radius2 = (x - 70) ** 2 + (y - 70) ** 2
    paste(canvas, zone, np.repeat((0.5 + 0.5 * np.cos(np.pi * radius2 / 180))[..., None], 3, axis=-1))
    stripes = (np.abs(y - 70) < 50) & (np.abs(x - 180) < 45)
    wave = 0.5 + 0.4 * np.sin(2 * np.pi * (x * 0.8 + y * 0.6) / 9)
    paste(canvas, stripes, np.stack([wave, 0.3 + 0.4 * wave, 1 - wave], axis=-1))
    board = (y > 150) & (y < 246) & (x > 290) & (x < 374)
    size = 4 + np.clip(y - 150, 0, None) // 24
    cells = ((x - 290) // size + (y - 150) // 8) % 2
    paste(canvas, board, np.repeat((0.15 + 0.7 * cells)[..., None], 3, axis=-1))
    marble = (y > 8) & (y < 40) & (x > 130) & (x < 240)
    veins = 0.5 + 0.5 * np.sin(x / 6 + 3 * np.sin(y / 7) + 2 * np.sin((x + y) / 13))
    paste(canvas, marble, np.stack([0.9 * veins + 0.1, 0.85 * veins + 0.1, 0.75 * veins + 0.15], axis=-1))


def draw_text(canvas: np.ndarray, text: str, top: int, left: int, scale: int) -> None:
    """Block letters from the 5×7 ``GLYPHS``, dark on a light band."""
    band_width = len(text) * 6 * scale + scale
    canvas[top - scale : top + 8 * scale, left - scale : left + band_width] = (0.93, 0.92, 0.88)
    for index, letter in enumerate(text):
        bitmap = np.array([[int(bit) for bit in row] for row in GLYPHS[letter]], dtype=bool)
        block = np.kron(bitmap, np.ones((scale, scale), dtype=bool))
        x0 = left + index * 6 * scale
        region = canvas[top : top + block.shape[0], x0 : x0 + block.shape[1]]
        region[block] = (0.08, 0.08, 0.12)


def make_clean() -> np.ndarray:
    """The clean sample as uint8 H×W×3."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    canvas = background(y, x)
    draw_textures(canvas, y, x)
    draw_sphere(canvas, y, x)
    draw_shapes(canvas, y, x)
    draw_text(canvas, "WORKBENCH", top=124, left=116, scale=2)
    return to_uint8(canvas)


def make_noisy(clean: np.ndarray, seed: int = 0) -> np.ndarray:
    """``clean`` (uint8) plus Gaussian noise of std ``NOISE_SIGMA`` on the [0, 1] scale, clipped, as uint8."""
    noise = np.random.default_rng(seed).normal(0.0, NOISE_SIGMA, clean.shape)
    return to_uint8(np.clip(from_uint(clean) + noise, 0.0, 1.0))


def main() -> None:
    clean = make_clean()
    write_image(Image(from_uint(clean)), RESOURCES / "sample.png", overwrite=True)
    write_image(Image(from_uint(make_noisy(clean))), RESOURCES / "sample_noisy.png", overwrite=True)
    for name in ("sample.png", "sample_noisy.png"):
        print(f"{name}: {(RESOURCES / name).stat().st_size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
