"""Pagination links that keep the rest of the query string (filters stay when the page changes)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """`?<current query with page=number>`; page 1 is left out so the first page has one canonical URL."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if str(number) != "1":
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def elided_pages(page_obj):
    """Page numbers around the current one, with `…` (Paginator.ELLIPSIS) for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
