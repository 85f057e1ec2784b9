"""Pictures of a PDF's pages, rendered with pypdfium2 (a wheel: no system package needed).

Covers and previews are rendered once, when a PDF is uploaded or seeded, and stored as JPEG files
next to it: pages never render a PDF per request. JPEG rather than WebP because social networks
read JPEG covers everywhere (OpenGraph). The pages themselves show the cover through `srcset`: smaller
copies at the widths cards and headers display (`render_sizes`), in AVIF and WebP with JPEG as the
fallback, made once when the cover changes (rendered or uploaded).
"""

import io

import pypdfium2 as pdfium
from PIL import Image

COVER_WIDTH = 600
PREVIEW_WIDTH = 480
JPEG_QUALITY = 82

RenderError = pdfium.PdfiumError

# Cards in the /carnets/ grid are 9–12rem wide, a publication's header cover at most 16rem: these widths
# cover both at 1x and 2x screens. The cover itself (COVER_WIDTH for a rendered one) is the largest JPEG.
COVER_SIZES = (200, 320, 480)
# (extension, Pillow format, MIME type, encoder options), best compression first: the order of <source>.
COVER_FORMATS = (
    ("avif", "AVIF", "image/avif", {"quality": 55}),
    ("webp", "WEBP", "image/webp", {"quality": 78, "method": 6}),
    ("jpg", "JPEG", "image/jpeg", {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}),
)
MIME_TYPES = {extension: mime for extension, _format, mime, _options in COVER_FORMATS}


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


def render_sizes(image_bytes, widths=COVER_SIZES):
    """The cover image `image_bytes` at each of `widths` narrower than it, in every COVER_FORMATS format.

    Returns (width, extension, bytes) tuples, widths ascending. A cover narrower than all widths gives none:
    the page then shows the cover alone.
    """
    with Image.open(io.BytesIO(image_bytes)) as source:
        picture = source.convert("RGB")
    sizes = []
    for width in sorted(widths):
        if width >= picture.width:
            break
        height = round(picture.height * width / picture.width)
        resized = picture.resize((width, height), Image.Resampling.LANCZOS)
        for extension, image_format, _mime, options in COVER_FORMATS:
            buffer = io.BytesIO()
            resized.save(buffer, format=image_format, **options)
            sizes.append((width, extension, buffer.getvalue()))
    return sizes
