"""Pictures of a PDF's pages, rendered with pypdfium2 (a wheel: no system package needed).

Covers and previews are rendered once, when a PDF is uploaded or seeded, and stored as JPEG files
next to it: pages never render a PDF per request. JPEG rather than WebP because social networks
read JPEG covers everywhere (OpenGraph).
"""

import io

import pypdfium2 as pdfium

COVER_WIDTH = 600
PREVIEW_WIDTH = 480
JPEG_QUALITY = 82

RenderError = pdfium.PdfiumError


def render_pages(source, count, width):
    """Render the first `count` pages of the PDF `source` (bytes or a binary file) as JPEG bytes, `width` px wide."""
    if hasattr(source, "read"):
        source.seek(0)
        source = source.read()
    document = pdfium.PdfDocument(source)
    try:
        images = []
        for index in range(min(count, len(document))):
            page = document[index]
            try:
                # A hair under the exact ratio: pdfium rounds the bitmap size up.
                scale = width / page.get_width() * 0.9999
                bitmap = page.render(scale=scale, may_draw_forms=True)
                picture = bitmap.to_pil().convert("RGB")
            finally:
                page.close()
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()


def render_cover(source, width=COVER_WIDTH):
    """JPEG bytes of the first page of the PDF `source`."""
    return render_pages(source, 1, width)[0]
