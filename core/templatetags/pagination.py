"""The page numbers of the one pagination partial (includes/pagination.html).

Links are built with Django's own `{% querystring %}`, which keeps the filters when the page changes.
"""

from django import template

register = template.Library()


@register.filter
def elided_pages(page_obj):
    """Page numbers around the current one, with `…` (Paginator.ELLIPSIS) for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
