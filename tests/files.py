"""Small real files for upload tests: a document's type is read from its bytes, so fakes fail."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin


def png(note: str = "", size: tuple[int, int] = (40, 30)) -> bytes:
    """A valid PNG; a different note gives different bytes (documents are stored by checksum)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("note", note)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
