"""Public pages of the publications: the library, one document, its download."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from core.views import FilteredListMixin
from publications.access import can_download
from publications.filters import PublicationFilterSet
from publications.models import Publication

#: Query parameter of a publication page that starts its download (where sign-in sends the person back).
START_DOWNLOAD = "telecharger"


def login_url(publication):
    """The sign-in page, sending the person back to the publication's page, which then starts the download.

    Back on the page rather than on the file itself: a file answered to the sign-in form would leave
    the person on that form while the PDF downloads unseen.
    """
    next_url = f"{publication.get_absolute_url()}?{START_DOWNLOAD}=1#telechargement"
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


class PublicationListView(FilteredListMixin, ListView):
    """/carnets/: covers of the published documents, filtered by the query string; 400 on invalid filters."""

    template_name = "publications/publication_list.html"
    context_object_name = "publications"
    filterset_class = PublicationFilterSet
    paginate_by = 12

    def get_base_queryset(self):
        return Publication.objects.published().newest_first().defer("summary", "search_text")


class PublicationDetailView(DetailView):
    """/carnets/<slug>/: summary, credits, links, preview and the download button. Old slugs redirect (301)."""

    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            current = Publication.objects.renamed(kwargs["slug"])
            if current is None:
                raise
            return redirect(current, permanent=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = self.object
        allowed = can_download(self.request.user, publication)
        context.update(
            can_download=allowed,
            download_url=publication.get_download_url(),
            start_download=allowed and bool(publication.pdf_file) and START_DOWNLOAD in self.request.GET,
            login_url=login_url(publication),
            og_image_url=self.request.build_absolute_uri(publication.cover.url) if publication.cover else "",
        )
        return context


@require_safe
def publication_download(request, slug):
    """/carnets/<slug>/telecharger/: the PDF as an attachment (GET counts a download, HEAD does not).

    Members-only documents answer 403 with a page that explains how to get access: a sign-in link for
    anonymous visitors, a contact for signed-in people whose account is not a member's.
    """
    publication = Publication.objects.published().filter(slug=slug).first()
    if publication is None:
        current = Publication.objects.renamed(slug)
        if current is None:
            raise Http404("Aucune publication ne porte cette adresse.")
        return redirect(current.get_download_url(), permanent=True)
    if not can_download(request.user, publication):
        return render(
            request,
            "publications/members_only.html",
            {"publication": publication, "login_url": login_url(publication)},
            status=403,
        )
    if not publication.pdf_file:
        if not publication.external_url:
            raise Http404("Ce document n'a pas de fichier à télécharger.")
        if request.method == "GET":
            publication.record_download()
        return redirect(publication.external_url)
    try:
        handle = publication.pdf_file.storage.open(publication.pdf_file.name, "rb")
    except FileNotFoundError:
        raise Http404("Le fichier de ce document est introuvable.") from None
    if request.method == "GET":
        publication.record_download()
    response = FileResponse(
        handle, as_attachment=True, filename=publication.download_filename, content_type="application/pdf"
    )
    # Shared caches must not answer in our place: members-only files stay private and every download counts.
    patch_cache_control(response, private=True, no_cache=True)
    return response
