"""Public pages of the directory: the filtered list, an organisation's page, the map and its embeddable twin."""

from csp.decorators import csp_replace
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from core.antispam import rate_limited
from core.data import LICENCE, LICENCE_URL, cache_key, cached, normalised_query, payload, payload_response, store
from core.maps import map_config
from core.views import DeferredJoinPaginator, FilteredListMixin, carries_session
from directory.filters import OrganisationFilterSet
from directory.models import Organisation
from directory.taxonomy import taxonomy, with_links, with_sectors

PAGE_SIZE = 24
# Rendered list pages are cached per query string and data version (any organisation saved or deleted
# starts a new version). Sector, theme or territory names shown in the filters may lag by this much.
LIST_PAGE_TIMEOUT = 10 * 60


class OrganisationListView(FilteredListMixin, ListView):
    """`/annuaire/`: the accessible list. The query string is the whole state (shareable, works without JS)."""

    template_name = "directory/organisation_list.html"
    context_object_name = "organisations"
    filterset_class = OrganisationFilterSet
    paginate_by = PAGE_SIZE
    paginator_class = DeferredJoinPaginator

    def get_base_queryset(self):
        return Organisation.objects.published().for_cards()

    def get_queryset(self):
        queryset, self.page_bounds = self.get_filterset().listing(super().get_queryset())
        return queryset

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, **kwargs, **self.page_bounds)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context["paginator"]
        context.update(
            organisations=with_sectors(context["object_list"]),
            # More matches than a list shows: ordered by name, not ranked (OrganisationFilterSet.listing).
            listed_by_name=bool(paginator and paginator.truncated and self.filterset.ranked),
            # Removable filters describe the selection shown: none when the filters were refused.
            active_filters=[] if context["filter_errors"] else self.filterset.active_filters(),
            licence=LICENCE,
            licence_url=LICENCE_URL,
        )
        return context

    def get(self, request, *args, **kwargs):
        """Serve anonymous visitors from the page cache.

        Rendering the list and its filter form costs far more than its SQL (bench/RESULTS.md): caching
        the HTML per query string and data version is what keeps the list near the stack's ceiling.
        Visitors with a session (staff, members, pending messages) always get a fresh page.
        """
        if not self.is_cacheable(request):
            return super().get(request, *args, **kwargs)
        key = cache_key("list-page", f"{request.get_host()}?{normalised_query(request.GET)}", family="directory")
        rendered = cached(key)
        if rendered is None:
            response = super().get(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            rendered = payload(response.render().content)
            store(key, rendered, LIST_PAGE_TIMEOUT)
        # Stored with its gzip form: compressing 35 KB of HTML cost more than the rest of a cached answer.
        return payload_response(request, rendered, "text/html; charset=utf-8")

    @staticmethod
    def is_cacheable(request):
        return not (carries_session(request) or "messages" in request.COOKIES)


def directory_map_config(*, embed=False):
    """What directory-map.js needs on top of the common map settings."""
    return map_config(
        dataUrl=reverse("directory:organisation-geojson"),
        clustersUrl=reverse("directory:organisation-clusters"),
        epciUrl=reverse("territories:epci-geojson"),
        listUrl=reverse("directory:organisation-list"),
        detailUrl=reverse("directory:organisation-detail", kwargs={"slug": "__slug__"}),
        kinds=dict(Organisation.Kind.choices),
        embed=embed,
    )


class MapView(FilteredListMixin, TemplateView):
    """`/carte/`: the clustered map, with the same filters as the list kept in the URL (and the same 400)."""

    template_name = "directory/map.html"
    filterset_class = OrganisationFilterSet
    embed = False

    def get_filterset(self):
        filterset = super().get_filterset()
        filterset.form.fields.pop("sort", None)  # points on a map have no order: neither offered nor checked
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            map_config=directory_map_config(embed=self.embed),
            kinds=Organisation.Kind.choices,
            licence=LICENCE,
            licence_url=LICENCE_URL,
        )
        return context


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
class MapEmbedView(MapView):
    """`/carte/embed/`: the map without the site's chrome, for partner sites. The only page that may be framed."""

    template_name = "directory/map_embed.html"
    embed = True


def organisation_detail_queryset():
    """A published organisation with its commune: one query. What else its page shows (sectors, themes, PTCEs,
    department, EPCI) comes from `directory.taxonomy` (see `organisation_page_context`)."""
    return Organisation.objects.published().select_related("commune")


def organisation_page_context(organisation):
    """The territories of a page; its sectors, themes and PTCEs go on the organisation (`sector_list`,
    `theme_list`, `ptce_list`: one query, `taxonomy.with_links`), as on the list's cards."""
    with_links([organisation], "sectors", "themes", "ptces")
    tables = taxonomy()
    commune = organisation.commune
    return {
        "department": tables.departments.get(commune.department_id) if commune else None,
        "epci": tables.epcis.get(commune.epci_id) if commune else None,
        "represented_epci": tables.epcis.get(organisation.represented_epci_id),
    }


def ptce_members(organisation):
    """The published members of a PTCE, with their commune, in one query (none for another kind)."""
    if organisation.kind != Organisation.Kind.PTCE:
        return []
    members = Organisation.objects.published().select_related("commune")
    return list(members.filter(ptces=organisation).only("id", "name", "slug", "kind", "commune__name"))


class OrganisationDetailView(DetailView):
    """`/annuaire/<slug>/`: an organisation's page. Unpublished ones are 404; a former slug redirects (301)."""

    template_name = "directory/organisation_detail.html"
    context_object_name = "organisation"
    show_email = False

    def get_queryset(self):
        return organisation_detail_queryset()

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            current = Organisation.objects.renamed(kwargs["slug"])
            if current is None:
                raise
            return HttpResponsePermanentRedirect(current.get_absolute_url())
        response = self.render_to_response(self.get_context_data(object=self.object))
        if self.show_email:
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        context["show_email"] = self.show_email
        context.update(organisation_page_context(organisation))
        url = context["canonical_url"] = self.request.build_absolute_uri(organisation.get_absolute_url())
        context["json_ld"] = organisation_json_ld(organisation, url, self.request)
        context["ptce_members"] = ptce_members(organisation)
        if organisation.latitude is not None and organisation.longitude is not None:
            context["map_config"] = map_config(
                center=[organisation.latitude, organisation.longitude],
                zoom=11 if organisation.location_is_approximate else 15,
                kind=organisation.kind,
                kindLabel=organisation.get_kind_display(),
                name=organisation.name,
            )
        return context


class OrganisationEmailView(OrganisationDetailView):
    """The same page with the email address written out, after a click on "Afficher le courriel".

    The address is never in the HTML of the public page: a harvester must POST (with the CSRF
    token) for each organisation, within a per-IP rate limit. People without JavaScript get it too.
    """

    show_email = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


_reveal_email = rate_limited("directory-email", "30/h")(require_POST(OrganisationEmailView.as_view()))


def organisation_email(request, slug):
    """POST reveals the address; a GET (a reload, a shared or bookmarked link) goes back to the page."""
    if request.method in ("GET", "HEAD"):
        return redirect("directory:organisation-detail", slug=slug)
    return _reveal_email(request, slug=slug)


def organisation_json_ld(organisation, url, request):
    """schema.org Organization for search engines (no email: that one stays behind the button); `url` is the
    page's canonical address. The organisation comes with its `ptce_list` (`organisation_page_context`)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organisation.name,
        "url": url,
    }
    if organisation.short_description:
        data["description"] = organisation.short_description
    if organisation.legal_form:
        data["legalName"] = organisation.name
    if organisation.siren:
        data["taxID"] = organisation.siren
    if organisation.commune_id:
        address = {
            "@type": "PostalAddress",
            "addressLocality": organisation.commune.name,
            "addressRegion": "Hauts-de-France",
            "addressCountry": "FR",
        }
        if organisation.address:
            address["streetAddress"] = organisation.address
        if organisation.postal_code:
            address["postalCode"] = organisation.postal_code
        data["address"] = address
    if organisation.latitude is not None and not organisation.location_is_approximate:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(organisation.latitude, 5),
            "longitude": round(organisation.longitude, 5),
        }
    if organisation.phone:
        data["telephone"] = organisation.phone
    if organisation.logo:
        data["logo"] = request.build_absolute_uri(organisation.logo.url)
    same_as = [
        url
        for url in (
            organisation.website,
            organisation.facebook_url,
            organisation.linkedin_url,
            organisation.instagram_url,
        )
        if url
    ]
    if same_as:
        data["sameAs"] = same_as
    if organisation.closed_on:
        data["dissolutionDate"] = organisation.closed_on.isoformat()
    member_of = [
        {"@type": "Organization", "name": ptce.name, "url": request.build_absolute_uri(ptce.get_absolute_url())}
        for ptce in organisation.ptce_list
    ]
    if organisation.is_member:
        member_of.append({"@type": "Organization", "name": "Apes Hauts-de-France"})
    if member_of:
        data["memberOf"] = member_of
    return data
