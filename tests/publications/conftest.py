"""Fixtures of the publications tests: a temporary MEDIA_ROOT and real PDF files (personas: tests/conftest.py)."""

import io
import os

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from publications.pdf import SummaryDocument, build_summary_pdf


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every file written by a test lands in a fresh temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_pdf(title="Un carnet de test", pages=2):
    """Bytes of a real PDF: the demo layout (title page + summary) plus blank pages up to `pages`."""
    data = build_summary_pdf(SummaryDocument(title=title, summary=["Présentation du document."]))
    if pages <= 2:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for _ in range(pages - 2):
        writer.add_blank_page()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypt_pdf(data, password="secret"):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def noise_png(width, height):
    """A PNG of random pixels: it does not compress, so its size is about width × height × 3 bytes."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def large_pdf(min_bytes):
    """A real PDF heavier than `min_bytes`: one page holding an incompressible picture."""
    side = int((min_bytes / 3) ** 0.5) + 50
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(noise_png(side, side)), x=10, y=10, w=100)
    return bytes(pdf.output())


def png_bytes(width=40, height=30, colour=(47, 111, 94)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()
