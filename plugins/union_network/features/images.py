"""Pictures: the derivatives of a post's ``image`` (DESIGN §4), made with Pillow.

Where they are published and under which names is :mod:`union_network.core.pictures`
(pure). :func:`images_section` adds one output file per derivative to the owning
site's plan (other sites link to them there); :func:`write_derivative` encodes it,
or takes it from the cache (``<network cache>/pictures/``, keyed by the digest of
the source and the encoder settings), so an unchanged picture is never encoded
again. Tests count encodes through :data:`ENCODE_HOOKS`.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from union_network.core.files import write_atomic
from union_network.core.pictures import JPEG_QUALITY, WEBP_QUALITY, derivative_path, derivative_widths, picture
from union_network.core.siteplan import ImageView, SitePlan
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
    """The derivatives of the site's own posts' pictures (other sites link to them here) and of
    the raster images in their bodies (``plan.pictures``: the renderer makes those ``<picture>``)."""
    cache_dir = str(default_cache_dir(planner.network.root_dir) / CACHE_FOLDER)
    done: set[str] = set()
    sources = []
    for post in planner.routes.own[plan.slug]:
        if post.image is not None:
            sources.append(post.image)
        for rel in post.body_images:
            info = image_info(plan.source_dir / rel)
            if info is not None:
                plan.pictures[rel] = picture(plan.site_url, info, "")
                sources.append(rel)
    for rel in sources:
        source = plan.source_dir / rel
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
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        opened.seek(0)  # the first frame of an animation
        img: Image.Image = ImageOps.exif_transpose(opened)
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
        write_atomic(cached, data)
    except OSError:
        pass  # no cache is only a slower build
    return data


#: the width a picture in a post's text takes: the text column, the whole screen on phones
BODY_SIZES = "(min-width: 76em) 40rem, 100vw"
_IMG = re.compile(r"<img\b([^>]*?)\s*/?>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')


def responsive_body(content: str, page_url: str, pictures: dict[str, ImageView]) -> str:
    """A post page's rendered HTML with each ``<img>`` of a picture in ``pictures`` (by its path in
    the org's folder; ``src`` is relative to ``page_url``, e.g. ``news/a/``) as a lazy ``<picture>``:
    WebP and JPEG/PNG derivatives, width and height set; its alt, title and class kept."""
    if not pictures:
        return content

    def replace(match: re.Match) -> str:
        attrs = dict(_ATTR.findall(match.group(1)))
        src = html.unescape(attrs.get("src", ""))
        if not src or "://" in src or src.startswith(("/", "data:", "#")):
            return match.group(0)
        rel = posixpath.normpath(posixpath.join(page_url, src.split("?", 1)[0].split("#", 1)[0]))
        view = pictures.get(rel)
        if view is None:
            return match.group(0)
        keep = "".join(f' {name}="{attrs[name]}"' for name in ("title", "class") if name in attrs)
        sizes = html.escape(BODY_SIZES)
        return (
            f'<picture class="un-picture un-picture--body">'
            f'<source type="image/webp" srcset="{html.escape(view.webp_srcset)}" sizes="{sizes}">'
            f'<img src="{html.escape(view.src)}" srcset="{html.escape(view.fallback_srcset)}" sizes="{sizes}" '
            f'width="{view.width}" height="{view.height}" alt="{attrs.get("alt", "")}"{keep} '
            f'loading="lazy" decoding="async"></picture>'
        )

    return _IMG.sub(replace, content)
