"""Atom feed of the publications, newest first: /carnets/feed/."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed, Enclosure

from core.data import versioned
from publications.models import Publication

FEED_SIZE = 20


@method_decorator(versioned("publications"), name="__call__")
class LatestPublicationsFeed(Feed):
    feed_type = Atom1Feed
    title = "Publications de l'Apes Hauts-de-France"
    subtitle = "Les carnets de l'Apes, ses plaidoyers, ses plaquettes et les études de ses partenaires."
    author_name = "Apes Hauts-de-France"
    language = "fr"

    def get_object(self, request, *args, **kwargs):
        # The request is the feed's "object": items() needs it to build absolute download links.
        return request

    def link(self):
        return reverse("publications:publication-list")

    def feed_url(self):
        return reverse("publications:publication-feed")

    def items(self, request):
        publications = list(Publication.objects.published().newest_first().prefetch_related("themes")[:FEED_SIZE])
        for publication in publications:
            publication.absolute_download_url = request.build_absolute_uri(publication.get_download_url())
        return publications

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        first_paragraph = item.summary.strip().split("\n\n")[0]
        return f"{item.subtitle}. {first_paragraph}" if item.subtitle else first_paragraph

    def item_pubdate(self, item):
        if item.published_on is None:
            return item.created_at
        midnight = datetime.datetime.combine(item.published_on, datetime.time())
        return timezone.make_aware(midnight)

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.publisher

    def item_categories(self, item):
        return [item.get_collection_display(), *(theme.name for theme in item.themes.all())]

    def item_enclosures(self, item):
        if not item.pdf_file or item.is_members_only or item.file_size is None:
            return []
        return [Enclosure(item.absolute_download_url, str(item.file_size), "application/pdf")]
