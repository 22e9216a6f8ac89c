"""Uploaded images: type sniffed from the content, size and pixel count bounded, re-encoded
(which drops EXIF, GPS included) and thumbnailed. Every app stores images through this."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.core.exceptions import StrideError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


class ImageRejected(StrideError):
    code = "IMAGE_INVALID"
    status = 400
    default_message = _("Upload a JPEG, PNG or WebP image.")


class ImageTooLarge(ImageRejected):
    code = "IMAGE_TOO_LARGE"
    default_message = _("The image is too large.")


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85, optimize=True, progressive=True)  # no exif= : dropped
    return out.getvalue()


def process_image(upload, *, max_side: int = 1024, thumb_side: int = 160) -> ProcessedImage:
    """Check and re-encode an uploaded image as JPEG; the original bytes are never stored."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ImageTooLarge(
            _("The image is larger than %(size)s.")
            % {"size": filesizeformat(settings.IMAGE_UPLOAD_MAX_BYTES)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ACCEPTED_FORMATS:
                raise ImageRejected()
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ImageTooLarge(_("The image has too many pixels."))
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the EXIF said, then drop it
            if img.mode in ("RGBA", "LA", "P"):
                img = img.convert("RGBA")
                background = Image.new("RGB", img.size, (255, 255, 255))
                background.paste(img, mask=img.getchannel("A"))
                img = background
            elif img.mode != "RGB":
                img = img.convert("RGB")
            main = img.copy()
            main.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            thumb = ImageOps.fit(img, (thumb_side, thumb_side), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected() from None
    return ProcessedImage(
        image=ContentFile(_encode(main)),
        thumbnail=ContentFile(_encode(thumb)),
        width=main.width,
        height=main.height,
    )
