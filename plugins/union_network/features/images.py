"""Pictures: a post's ``image`` as responsive derivatives (DESIGN §4).

Each picture is published by its own organisation's site (the post's canonical
site) as WebP plus a fallback in the source's family (JPEG, or PNG for PNG/GIF
sources, which may be transparent), in up to three widths (:data:`WIDTHS`, never
upscaled), at ``assets/pictures/<digest>-<width>.<ext>``. The digest is of the
source bytes and the encoder settings, so the URLs change exactly when the
picture does; aggregated items on other sites point at the canonical site's
files (absolute URLs), like their links.

:func:`picture` is the pure mapping from a picture to its derivative URLs;
:func:`images_section` adds one output file per derivative to the owning site's
plan; :func:`write_derivative` encodes it with Pillow, or takes it from the cache
(``<network cache>/pictures/``), so an unchanged picture is never encoded again.
Tests count encodes through :data:`ENCODE_HOOKS`.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from union_network.core.network import Post
from union_network.core.siteplan import ImageView, SitePlan

if TYPE_CHECKING:  # pragma: no cover - typing only (the planner imports this module)
    from union_network.plan.planner import Planner

WIDTHS = (480, 960, 1440)
FOLDER = "assets/pictures"
CACHE_FOLDER = "pictures"
WEBP_QUALITY = 80
JPEG_QUALITY = 82
#: part of every digest: changing how derivatives are made changes their names (and the cache keys)
ENCODER = f"v1 webp{WEBP_QUALITY} jpeg{JPEG_QUALITY} {'-'.join(map(str, WIDTHS))}"
#: called with the derivative's path each time one is really encoded (not taken from the cache)
ENCODE_HOOKS: list[Callable[[str], None]] = []

_TRANSPOSED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


@dataclass(frozen=True)
class ImageInfo:
    digest: str
    width: int  # as displayed (EXIF orientation applied)
    height: int
    fallback: str  # "jpg" or "png"


@dataclass(frozen=True)
class Derivative:
    """One file to make: data of a plan output file (picklable)."""

    source: str  # absolute path of the source picture
    digest: str
    width: int
    fmt: str  # "webp", "jpg" or "png"
    cache_dir: str


def derivative_widths(width: int) -> tuple[int, ...]:
    """The widths made of a picture ``width`` pixels wide: those of :data:`WIDTHS` below it, and
    the picture's own width when it is under the largest (never upscaled)."""
    below = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        below.append(width)
    return tuple(below) or (WIDTHS[-1],)


def derivative_path(digest: str, width: int, fmt: str) -> str:
    return f"{FOLDER}/{digest}-{width}.{fmt}"


def picture(site_url: str, info: ImageInfo, alt: str) -> ImageView:
    """The derivatives of a picture on the site at ``site_url`` (pure: no file is read)."""
    widths = derivative_widths(info.width)
    largest = widths[-1]
    return ImageView(
        alt=alt,
        width=largest,
        height=max(1, round(info.height * largest / info.width)),
        webp=tuple((w, site_url + derivative_path(info.digest, w, "webp")) for w in widths),
        fallback=tuple((w, site_url + derivative_path(info.digest, w, info.fallback)) for w in widths),
        fallback_type="image/png" if info.fallback == "png" else "image/jpeg",
    )


_INFO: dict[tuple[str, int, int], ImageInfo | None] = {}


def image_info(file: Path) -> ImageInfo | None:
    """Digest and displayed size of a picture; None when it is gone or unreadable.
    Remembered per process by path, size and modification time."""
    try:
        st = file.stat()
    except OSError:
        return None
    key = (str(file), st.st_size, st.st_mtime_ns)
    if key not in _INFO:
        try:
            data = file.read_bytes()
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                orientation = img.getexif().get(0x0112, 1)
                fallback = "png" if img.format in ("PNG", "GIF") else "jpg"
        except (OSError, SyntaxError, ValueError):
            _INFO[key] = None
        else:
            if orientation in _TRANSPOSED:
                width, height = height, width
            digest = hashlib.blake2b(data + ENCODER.encode(), digest_size=8).hexdigest()
            _INFO[key] = ImageInfo(digest, width, height, fallback)
    return _INFO[key]


def image_view(planner: Planner, post: Post) -> ImageView | None:
    """The picture of ``post`` as any site shows it (None without one)."""
    if post.image is None:
        return None
    info = image_info(planner.registry[post.org].folder / post.image)
    if info is None:
        return None
    return picture(planner.urls.site(post.org), info, post.image_alt)


def images_section(planner: Planner, plan: SitePlan) -> None:
    """The derivatives of the site's own posts' pictures (other sites link to them here)."""
    from union_network.read.load import default_cache_dir  # late: load imports the planner's neighbours

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


def write_derivative(plan: SitePlan, job: Derivative) -> bytes:
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
