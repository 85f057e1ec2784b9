"""URL names reversed once per process.

A URL without arguments does not change while a process runs, yet `reverse()` costs about 40 µs a call: the
header, the footer and every breadcrumb name the same dozen pages on each render. The cache is keyed by the
URLconf and the script prefix, as `reverse()` itself depends on them (a test overriding ROOT_URLCONF, a site
served under a prefix).
"""

from functools import cache

from django.shortcuts import resolve_url
from django.urls import get_script_prefix, get_urlconf, reverse


@cache
def _reversed(name, urlconf, script_prefix):
    return reverse(name, urlconf=urlconf)


def named_url(name):
    """`reverse(name)` for a URL name that takes no argument, worked out once per URLconf and prefix."""
    return _reversed(name, get_urlconf(), get_script_prefix())


def link_to(target):
    """Where `target` leads, as `django.shortcuts.resolve_url` reads it: a URL name (reversed once, see
    `named_url`), an object with `get_absolute_url`, or a URL (anything with a "/" or a ".")."""
    if isinstance(target, str) and "/" not in target and "." not in target:
        return named_url(target)
    return resolve_url(target)
