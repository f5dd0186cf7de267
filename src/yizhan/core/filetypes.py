"""What an uploaded document is, read from its bytes against a short allow-list.

The client's file name and Content-Type are never trusted: an HTML "scan" opened by the station
head would run in his session. Only JPEG, PNG and PDF are accepted; images must also decode.
"""

from __future__ import annotations

import io
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from PIL import Image, UnidentifiedImageError


class FileType(NamedTuple):
    content_type: str
    suffix: str
    image: bool  # an image may be shown inline in an <img>; anything else is an attachment


JPEG = FileType("image/jpeg", ".jpg", True)
PNG = FileType("image/png", ".png", True)
PDF = FileType("application/pdf", ".pdf", False)
# magic number → type; Pillow's format name for the images
ALLOWED = [(b"\xff\xd8\xff", JPEG, "JPEG"), (b"\x89PNG\r\n\x1a\n", PNG, "PNG"), (b"%PDF-", PDF, None)]
# What a stored file outside the allow-list (kept from before the check) is served as: bytes to save.
OTHER = FileType("application/octet-stream", "", False)
REFUSED = "只能上传 JPG、PNG 图片或 PDF 文件；网页、SVG、脚本和无法识别的文件一律不收。"


def detect(content: bytes) -> FileType:
    """The document's type from its first bytes; ValidationError (Chinese) for anything else."""
    for magic, file_type, pillow_format in ALLOWED:
        if content.startswith(magic):
            if pillow_format is not None:
                _check_image(content, pillow_format)
            return file_type
    raise ValidationError({"file": REFUSED})


def _check_image(content: bytes, pillow_format: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != pillow_format:
                raise ValidationError({"file": REFUSED})
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"file": "图片已损坏或无法识别，请重新扫描后上传。"}) from None


def served_as(content: bytes) -> FileType:
    """The type a stored document is served with, from its bytes again: a file stored before the
    check may be anything, and is then only ever a download."""
    for magic, file_type, _ in ALLOWED:
        if content.startswith(magic):
            return file_type
    return OTHER


def response(content: bytes, *, name: str) -> HttpResponse:
    """A stored file served to the browser: inline only for an image (shown in an <img>); a PDF or
    anything else is a download, never a page in our origin. nosniff comes with every response
    (SECURE_CONTENT_TYPE_NOSNIFF); personal files are never cached."""
    file_type = served_as(content)
    served = HttpResponse(content, content_type=file_type.content_type)
    disposition = "inline" if file_type.image else "attachment"
    served["Content-Disposition"] = f'{disposition}; filename="{name}{file_type.suffix}"'
    served["Cache-Control"] = "private, no-store"
    return served
