"""Pictures: the derivatives of a post's ``image`` (DESIGN §4), made with Pillow.

Where they are published and under which names is :mod:`union_network.core.pictures`
(pure). :func:`images_section` adds one output file per derivative to the owning
site's plan (other sites link to them there); :func:`write_derivative` encodes it,
or takes it from the cache (``<network cache>/pictures/``, keyed by the digest of
the source and the encoder settings), so an unchanged picture is never encoded
again. Tests count encodes through :data:`ENCODE_HOOKS`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from union_network.core.pictures import JPEG_QUALITY, WEBP_QUALITY, derivative_path, derivative_widths
from union_network.core.siteplan import SitePlan
from union_network.plan.planner import Planner
from union_network.read.load import default_cache_dir
from union_network.read.pictures import image_info

CACHE_FOLDER = "pictures"
#: called with the derivative's path each time one is really encoded (not taken from the cache)
ENCODE_HOOKS: list[Callable[[str], None]] = []


@dataclass(frozen=True)
class Derivative:
    """One file to make: data of a plan output file (picklable)."""

    source: str  # absolute path of the source picture
    digest: str
    width: int
    fmt: str  # "webp", "jpg" or "png"
    cache_dir: str


def images_section(planner: Planner, plan: SitePlan) -> None:
    """The derivatives of the site's own posts' pictures (other sites link to them here)."""
    cache_dir = str(default_cache_dir(planner.network.root_dir) / CACHE_FOLDER)
    done: set[str] = set()
    for post in planner.routes.own[plan.slug]:
        if post.image is None:
            continue
        source = plan.source_dir / post.image
        info = image_info(source)
        if info is None or info.digest in done:
            continue
        done.add(info.digest)
        for width in derivative_widths(info.width):
            for fmt in ("webp", info.fallback):
                plan.add_file(
                    derivative_path(info.digest, width, fmt),
                    write_derivative,
                    Derivative(str(source), info.digest, width, fmt, cache_dir),
                )


def encode(source: Path, width: int, fmt: str) -> bytes:
    """``source`` scaled to ``width`` (never up) and encoded as ``fmt``."""
    with Image.open(source) as img:
        img.seek(0)  # the first frame of an animation
        img = ImageOps.exif_transpose(img)
        if img.width > width:
            img = img.resize((width, max(1, round(img.height * width / img.width))), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if fmt == "jpg":
            img.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        elif fmt == "png":
            if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                img = img.convert("RGBA")
            img.save(out, "PNG", optimize=True)
        else:
            keep_alpha = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
            img.convert("RGBA" if keep_alpha else "RGB").save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def write_derivative(job: Derivative) -> bytes:
    """The derivative's bytes: from the cache when this picture was made before, else encoded."""
    cached = Path(job.cache_dir) / f"{job.digest}-{job.width}.{job.fmt}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = encode(Path(job.source), job.width, job.fmt)
    for hook in ENCODE_HOOKS:
        hook(derivative_path(job.digest, job.width, job.fmt))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(cached)
    except OSError:
        pass  # no cache is only a slower build
    return data
