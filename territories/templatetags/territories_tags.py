"""Template helpers of the territories app."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

BULLETS = ("- ", "• ", "→ ")


@register.filter
def paragraphs(text):
    """Plain text to HTML: blank-line separated paragraphs; lines starting with "- " become a list.

    Every piece of text is escaped (`format_html`); only the <p>, <ul> and <li> tags are ours.
    """
    if not text:
        return ""
    blocks = []
    for block in str(text).replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph, items = [], []
        for line in lines:
            bullet = next((b for b in BULLETS if line.startswith(b)), None)
            if bullet:
                items.append(line[len(bullet) :].strip())
            else:
                if items:
                    blocks.append(_list(paragraph, items))
                    paragraph, items = [], []
                paragraph.append(line)
        blocks.append(_list(paragraph, items))
    return mark_safe("".join(blocks))


def _list(paragraph, items):
    html = format_html("<p>{}</p>", " ".join(paragraph)) if paragraph else ""
    if items:
        html += format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))
    return html
