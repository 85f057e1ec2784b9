"""Organisation logos: shrunk on upload so pages never ship a camera-sized image.

The upload itself is checked by `core.validators.validate_image_file` (a real image within
the size and pixel caps); this module only resizes what passed.
"""

from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

LOGO_MAX_SIDE = 512


def shrink_logo(field_file, max_side=LOGO_MAX_SIDE):
    """Replace a newly uploaded logo larger than `max_side` by a resized PNG (transparency kept).

    Returns True when the file was replaced. Files already stored are left alone.
    """
    if not field_file or getattr(field_file, "_committed", True):
        return False
    field_file.seek(0)
    with Image.open(field_file) as image:
        image = ImageOps.exif_transpose(image)
        if max(image.size) <= max_side:
            field_file.seek(0)
            return False
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        buffer = BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    name = f"{Path(field_file.name).stem}.png"
    field_file.save(name, ContentFile(buffer.getvalue()), save=False)
    return True
