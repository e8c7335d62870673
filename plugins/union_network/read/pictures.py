"""A post's picture file: its digest and displayed size (for core.pictures and features.images)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from union_network.core.pictures import ENCODER, ImageInfo

_TRANSPOSED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_INFO: dict[tuple[str, int, int], ImageInfo | None] = {}


def image_info(file: Path) -> ImageInfo | None:
    """Digest and displayed size of a picture; None when it is gone or unreadable.
    Remembered per process by path, size and modification time (only the header is decoded)."""
    from PIL import Image

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
