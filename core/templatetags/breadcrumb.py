"""The site's one breadcrumb, `{% breadcrumb %}`: « Accueil › … › this page » (includes/breadcrumb.html).

Each level is a label and where it leads, read by `core.links.link_to` as `django.shortcuts.resolve_url` reads
them (as `redirect()` does): a URL name, an object with `get_absolute_url`, or a URL. So a page writes its trail
in one line, without a `{% url ... as %}` per level:

    {% breadcrumb "Annuaire" "directory:organisation-list" organisation.name organisation current="Signaler" %}
"""

from django import template

from core.links import link_to, named_url

register = template.Library()


@register.inclusion_tag("includes/breadcrumb.html")
def breadcrumb(*trail, current):
    """Accueil, then each (label, where it leads) pair of `trail` in reading order, then `current`, this page."""
    if len(trail) % 2:
        raise template.TemplateSyntaxError(
            f"breadcrumb: each level is a label and where it leads, got an odd number of values: {trail!r}"
        )
    levels = [(label, link_to(to)) for label, to in zip(trail[::2], trail[1::2], strict=True)]
    return {"home": named_url("home"), "levels": levels, "current": current}
