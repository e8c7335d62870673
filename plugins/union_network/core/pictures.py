"""Where a post's picture is published: its responsive derivatives (pure; features.images makes them).

Each picture is published by its own organisation's site (the post's canonical
site) as WebP plus a fallback in the source's family (JPEG, or PNG for PNG/GIF
sources, which may be transparent), in up to three widths (:data:`WIDTHS`, never
upscaled), at ``assets/pictures/<digest>-<width>.<ext>``. The digest is of the
source bytes and the encoder settings, so the URLs change exactly when the
picture does; aggregated items on other sites point at the canonical site's
files (absolute URLs), like their links.
"""

from __future__ import annotations

from dataclasses import dataclass

from union_network.core.siteplan import ImageView

WIDTHS = (480, 960, 1440)
FOLDER = "assets/pictures"
WEBP_QUALITY = 80
JPEG_QUALITY = 82
#: part of every digest: changing how derivatives are made changes their names (and the cache keys)
ENCODER = f"v1 webp{WEBP_QUALITY} jpeg{JPEG_QUALITY} {'-'.join(map(str, WIDTHS))}"


@dataclass(frozen=True)
class ImageInfo:
    digest: str
    width: int  # as displayed (EXIF orientation applied)
    height: int
    fallback: str  # "jpg" or "png"


def derivative_widths(width: int) -> tuple[int, ...]:
    """The widths made of a picture ``width`` pixels wide: those of :data:`WIDTHS` below it, and
    the picture's own width when it is under the largest (never upscaled)."""
    below = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        below.append(width)
    return tuple(below) or (WIDTHS[-1],)


def derivative_path(digest: str, width: int, fmt: str) -> str:
    """Site-relative path of one derivative: ``assets/pictures/<digest>-<width>.<fmt>``."""
    return f"{FOLDER}/{digest}-{width}.{fmt}"


def picture(site_url: str, info: ImageInfo, alt: str) -> ImageView:
    """The derivatives of a picture published by the site at ``site_url``, as absolute URLs."""
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
