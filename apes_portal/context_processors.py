"""Template context shared by every page."""

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape

from core.links import named_url
from core.views import carries_session

# The pages every header and footer links to: template name -> URL name.
SITE_LINKS = {
    "home": "home",
    "directory": "directory:organisation-list",
    "map": "directory:map",
    "territories": "territories:index",
    "campaign": "proposals:campaign",
    "publications": "publications:publication-list",
    "about": "about",
    "member_space": "directory:member-space",
    "member_login": "directory:member-login",
    "member_logout": "directory:member-logout",
    "membership_apply": "directory:membership-apply",
    "charter": "charter",
    "open_data": "open-data",
    "legal": "legal",
    "accessibility": "accessibility",
}


@cache
def _site_links(urlconf, script_prefix):
    # The URLconf does not change while a process runs: these 15 links are reversed (`core.links.named_url`)
    # and escaped once per URLconf and prefix (the key), so that the thirty-odd links of each page are written
    # as they are; it spares a sixth of the home page's rendering time.
    return {key: conditional_escape(named_url(name)) for key, name in SITE_LINKS.items()}


def site(request):
    links = _site_links(get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
    return {
        "SITE_NAME": "Apes Hauts-de-France",
        "DEBUG": settings.DEBUG,
        "site_links": links,
        # The key of the link to this very page (the navigation marks it aria-current), if any: one
        # comparison per page here rather than two lookups per navigation link in the template.
        "current_link": next((key for key, url in links.items() if url == request.path), None),
        # Whether the header greets a signed-in person: the user is not loaded for an anonymous page
        # (`core.views.carries_session`), which was 3 % of the home page's instructions.
        "signed_in": carries_session(request) and request.user.is_authenticated,
    }
