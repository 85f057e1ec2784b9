"""Read a page's breadcrumb as a person reads it (for the tests of every section's trails)."""

import html
import re


def trail(response):
    """The breadcrumb: (label, link) for each level, then (label, None) for this page."""
    nav = re.search(r'<nav class="breadcrumb".*?</nav>', html.unescape(response.content.decode()), re.S).group()
    items = re.findall(r'<li>(?:<a href="([^"]*)">|<span aria-current="page">)(.*?)</(?:a|span)></li>', nav)
    return [(label, link or None) for link, label in items]
