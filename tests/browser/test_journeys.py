"""The five key journeys of the portal, each as a person does it in Chromium, at a phone and a desktop size.

- A citizen finds "La Maison du Vélo" by typing "maison du velo", opens it, then finds the réemploi
  actors of the Pas-de-Calais on the map and opens one from a cluster.
- An elected official reads the Municipales 2026 proposals, chooses their EPCI, sees local examples
  first, prints (no navigation on paper) and commits to proposals.
- A member signs in and downloads a carnet: the file arrives and is a PDF.
- Staff sign in to the admin, move an organisation's point on the map widget, save, and the public
  map's data shows the new position.
- A visitor applies for membership, forgets one principle, finds the error next to it (tied to the
  checkbox by aria-describedby), fixes it and is thanked.

Every page a journey passes through is checked by axe (WCAG 2.1 A/AA): zero violations. The data is
the apps' own demo content (the same seeds as `manage.py seed_demo`), or factories where a journey
needs something the demo does not have (accounts, a members-only carnet).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_violations
from tests.factories import UserFactory
from tests.second_factor import sign_in_to_admin

# The shared fixtures (viewport, demo, axe_summary) live in a11y.py.
pytest_plugins = ["tests.browser.a11y"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("axe_summary"),
]

PASSWORD = "correct horse battery staple"
# Réemploi actors of the Pas-de-Calais in the directory's demo content (fixtures/directory/organisations.json).
REEMPLOI_PAS_DE_CALAIS = {
    "ptce-henin-carvin",
    "apei-henin-carvin",
    "cap-energie",
    "les-petits-magasins-lens",
}


# The titles of the actor markers drawn inside the map's frame (not those panned out of sight).
MARKERS_IN_VIEW_JS = """() => {
    const frame = document.querySelector('[data-map]').getBoundingClientRect();
    return [...document.querySelectorAll('.leaflet-marker-icon.org-marker')]
        .filter((marker) => {
            const box = marker.getBoundingClientRect();
            return box.left >= frame.left && box.right <= frame.right
                && box.top >= frame.top && box.bottom <= frame.bottom;
        })
        .map((marker) => marker.title);
}"""


def wait_for_still_map(page):
    """Wait until the map stands still: its data loaded, no zoom or clustering animation, and the same markers at
    the same places on two polls in a row.

    Leaflet marks a running zoom on its map pane (not on the map's element) and starts it a frame after the
    call; markercluster marks its (de)clustering animation. A redraw follows the end of each move, so only
    markers that stay put for one poll tell that the map is done.
    """
    page.evaluate("() => { window.__lastMarkerPlaces = null; }")  # a wait never reuses an earlier poll
    page.wait_for_function(
        """() => {
            const map = document.querySelector('[data-map]');
            if (!map || map.hasAttribute('aria-busy')) return false;
            if (map.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')) return false;
            const places = [...map.querySelectorAll('.leaflet-marker-icon')]
                .map((marker) => marker.title + marker.style.transform).join('|');
            const same = places !== '' && window.__lastMarkerPlaces === places;
            window.__lastMarkerPlaces = places;
            return same;
        }""",
        polling=250,
    )


def wait_for_markers_in_view(page, *, at_least):
    """Wait until at least `at_least` actor markers stand still inside the map's frame; return their titles."""
    wait_for_still_map(page)
    page.wait_for_function(f"() => ({MARKERS_IN_VIEW_JS})().length >= {at_least}")
    return page.evaluate(MARKERS_IN_VIEW_JS)


def open_page(page, live_server, path):
    response = page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    return response


def show_filters(page, viewport):
    """On a phone the filters are folded behind their summary ("Filtres"), so the results come first: a person
    opens them. On a desktop they are open beside the results."""
    filters = page.locator("[data-filters]")
    if viewport == "phone":
        expect(filters).not_to_have_attribute("open", "")
        filters.locator("summary").click()
    expect(filters).to_have_attribute("open", "")


# --- 1. citizen ---------------------------------------------------------------------------------


def test_citizen_finds_an_actor_by_name_then_reemploi_actors_on_the_map(page, live_server, viewport, demo):
    demo("directory")
    open_page(page, live_server, reverse("directory:organisation-list"))
    assert_no_violations(page)

    show_filters(page, viewport)
    search = page.get_by_label("Rechercher")
    search.fill("maison du velo")
    search.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "q=maison+du+velo" in page.url, "the search is in the address, ready to share"
    result = page.locator(".directory-results").get_by_role("link", name="La Maison du Vélo")
    expect(result).to_be_visible()
    assert_no_violations(page)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La Maison du Vélo")
    expect(page.get_by_text("Valenciennes").first).to_be_visible()
    assert_no_violations(page)

    # Then the map: réemploi actors in the Pas-de-Calais.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Carte").click()
    page.wait_for_load_state("networkidle")
    show_filters(page, viewport)
    page.get_by_label("Secteur d'activité").select_option(label="Réemploi et économie circulaire")
    page.get_by_label("Département").select_option(label="Pas-de-Calais (62)")
    page.get_by_role("button", name="Afficher les résultats").click()
    status = page.locator("#map-status")
    expect(status).to_have_text(f"{len(REEMPLOI_PAS_DE_CALAIS)} structures sur la carte.")
    assert "sector=reemploi-economie-circulaire" in page.url and "departement=62" in page.url
    assert_no_violations(page)

    # Hénin-Beaumont, Carvin and Lens are close together; seen from far enough (the whole department),
    # they share one cluster. Zoom out until the map groups them, as a person would, then open it.
    wait_for_still_map(page)
    clusters = page.locator(".marker-cluster")
    zoom_out = page.locator(".leaflet-control-zoom-out")
    # Down to the region's widest view at most (Leaflet disables the button there).
    while not clusters.count() and "leaflet-disabled" not in (zoom_out.get_attribute("class") or ""):
        zoom_out.click()
        wait_for_still_map(page)
    cluster = clusters.first
    expect(cluster).to_be_visible()
    grouped = int(cluster.inner_text())
    assert grouped >= 2
    cluster.click()
    # The map zooms onto the cluster: its actors now stand apart, inside the map's frame.
    titles = wait_for_markers_in_view(page, at_least=2)
    page.locator(f'.leaflet-marker-icon.org-marker[title="{titles[0]}"]').click()
    popup_link = page.locator(".leaflet-popup .org-popup__title a")
    expect(popup_link).to_be_visible()
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Fermer la bulle")
    # Leaflet fades popups in: check the contrast once it is fully drawn, as a person reads it.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert_no_violations(page)
    name = popup_link.inner_text()
    popup_link.click()
    page.wait_for_load_state("networkidle")
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert slug in REEMPLOI_PAS_DE_CALAIS, f"{name} ({slug}) is not a réemploi actor of the Pas-de-Calais"
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("link", name="Réemploi et économie circulaire")).to_be_visible()
    assert_no_violations(page)


# --- 2. elected official ------------------------------------------------------------------------


def test_elected_official_reads_the_proposals_sees_local_examples_prints_and_commits(page, live_server, viewport, demo):
    demo("directory", "publications", "proposals")
    open_page(page, live_server, reverse("proposals:campaign"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator(".proposals-axis").count() == 4, "the four axes of the proposals"
    assert_no_violations(page)

    # Their EPCI: Valenciennes Métropole, where the network has worked for years.
    page.get_by_label("ou votre intercommunalité (EPCI)").select_option(label="CA Valenciennes Métropole")
    page.get_by_role("button", name="Afficher les exemples").click()
    page.wait_for_load_state("networkidle")
    result = page.locator("#pres-de-chez-vous-resultat")
    expect(result).to_contain_text("près de chez vous")
    nearby = int(re.search(r"(\d+) exemples? près de chez vous", result.inner_text()).group(1))
    assert nearby >= 1
    local = page.locator(".proposals-example.is-nearby")
    expect(local.first).to_be_visible()
    assert local.count() == nearby
    assert_no_violations(page)

    # Printing: the proposals without the site's navigation.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    expect(page.locator(".site-footer nav")).to_be_hidden()
    expect(page.locator(".proposals-axis").first).to_be_visible()
    page.emulate_media(media="screen")

    # Commit to two proposals.
    page.locator("#lien-s-engager").click()
    page.wait_for_load_state("networkidle")
    assert_no_violations(page)
    page.get_by_label(re.compile(r"^Nom et prénom")).fill("Camille Martin")
    page.get_by_label("Élu·e", exact=True).check()
    page.get_by_label(re.compile(r"^Fonction ou mandat")).fill("Vice-présidente chargée de l'économie")
    page.get_by_label(re.compile(r"^Commune")).fill("Valenciennes")
    page.get_by_label(re.compile(r"^Courriel")).fill("camille.martin@example.org")
    proposals = page.locator("input[name=proposals]")
    proposals.nth(0).check()
    proposals.nth(1).check()
    page.get_by_label(re.compile("^J'accepte que mon nom")).check()
    page.get_by_role("button", name="Envoyer mon engagement").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmez votre engagement")
    assert_no_violations(page)

    # The confirmation link arrives by email; opening it confirms the commitment.
    (message,) = [m for m in mail.outbox if "camille.martin@example.org" in m.to]
    path = re.search(r"https?://[^/\s]+(/\S+/s-engager/confirmer/\S+/)", message.body).group(1)
    open_page(page, live_server, path)
    assert_no_violations(page)
    page.get_by_role("button", name="Je confirme mon engagement").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre engagement est confirmé")
    assert_no_violations(page)


# --- 3. member downloads a carnet ---------------------------------------------------------------


def test_member_downloads_a_carnet_and_gets_a_pdf(page, live_server, viewport, demo):
    demo("directory", "publications")
    from directory.models import Organisation
    from publications.models import Publication
    from tests.factories import OrganisationMembershipFactory

    # One carnet kept for members.
    Publication.objects.filter(slug="trajectoires-economie-solidaire-valenciennois").update(
        access=Publication.Access.MEMBERS
    )
    # The member's account: staff attached it to its organisation, a member of the network.
    Organisation.objects.filter(slug="maison-du-velo").update(is_member=True)
    member = UserFactory(username="adherente", password=PASSWORD)
    OrganisationMembershipFactory(user=member, organisation=Organisation.objects.get(slug="maison-du-velo"))

    # The member signs in to the member space, then goes to the carnets.
    open_page(page, live_server, reverse("directory:member-login"))
    assert_no_violations(page)
    page.get_by_label(re.compile("^Identifiant")).fill("adherente")
    page.get_by_label(re.compile("^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace membre")
    expect(page.locator("main")).to_contain_text("La Maison du Vélo")
    assert_no_violations(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Carnets").click()
    page.wait_for_load_state("networkidle")
    assert_no_violations(page)
    page.get_by_role("link", name=re.compile("Petites et grandes trajectoires")).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Petites et grandes trajectoires")
    assert_no_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Télécharger le PDF")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # A public carnet, from its page.
    open_page(page, live_server, reverse("publications:publication-list"))
    page.get_by_role("link", name=re.compile("Bail Commercial d'Utilité Sociale")).first.click()
    page.wait_for_load_state("networkidle")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Télécharger le PDF")).click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_member_account_signs_in_from_a_members_only_carnet_and_gets_the_file(page, live_server, demo):
    demo("directory", "publications")
    from directory.models import Organisation
    from publications.models import Publication
    from tests.factories import OrganisationMembershipFactory

    Publication.objects.filter(slug="trajectoires-economie-solidaire-valenciennois").update(
        access=Publication.Access.MEMBERS
    )
    # The account staff open for a member organisation, nothing more.
    Organisation.objects.filter(slug="maison-du-velo").update(is_member=True)
    account = UserFactory(username="maisonduvelo", password=PASSWORD)
    OrganisationMembershipFactory(user=account, organisation=Organisation.objects.get(slug="maison-du-velo"))

    open_page(
        page,
        live_server,
        reverse("publications:publication-detail", args=["trajectoires-economie-solidaire-valenciennois"]),
    )
    page.get_by_role("link", name=re.compile("Se connecter pour télécharger")).click()
    page.wait_for_load_state("networkidle")
    page.get_by_label(re.compile("^Identifiant")).fill("maisonduvelo")
    page.get_by_label(re.compile("^Mot de passe")).fill(PASSWORD)
    # Signed in, the member is back on the carnet's page, which says so and starts the download.
    with page.expect_download(timeout=10_000) as download_info:
        page.get_by_role("button", name=re.compile("Se connecter|Connexion")).click()
        expect(page.locator("main")).to_contain_text("le téléchargement va commencer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Petites et grandes trajectoires")
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


# --- 4. staff move a point ----------------------------------------------------------------------


def test_staff_move_an_organisation_on_the_admin_map_and_the_public_map_follows(page, live_server, viewport, demo):
    demo("directory")
    UserFactory(username="equipe", password=PASSWORD, is_staff=True, is_superuser=True)
    sign_in_to_admin(page, live_server.url, "equipe", PASSWORD)  # password, then the second factor

    from directory.models import Organisation

    organisation = Organisation.objects.get(slug="maison-du-velo")
    open_page(page, live_server, reverse("admin:directory_organisation_change", args=[organisation.pk]))
    widget = page.locator("[data-point-widget]")
    expect(widget).to_have_attribute("data-ready", "true")
    latitude, longitude = page.locator("#id_latitude"), page.locator("#id_longitude")
    before = float(latitude.input_value()), float(longitude.input_value())

    marker = widget.locator(".leaflet-marker-icon")
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y - 40, steps=8)
    page.mouse.up()
    after = float(latitude.input_value()), float(longitude.input_value())
    assert after[0] > before[0] and after[1] > before[1], "dragged north-east"
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messagelist")).to_contain_text("modifié")

    # The public map draws what its map data says: the point is where staff put it.
    with page.expect_response(lambda r: "/api/organisations/clusters.json" in r.url) as response_info:
        open_page(page, live_server, reverse("directory:map") + "?q=maison+du+velo")
    features = {f["id"]: f for f in response_info.value.json()["features"]}
    shown_longitude, shown_latitude = features["maison-du-velo"]["geometry"]["coordinates"]
    assert (shown_latitude, shown_longitude) == pytest.approx(after, abs=1e-5)
    expect(page.locator("#map-status")).to_have_text("1 structure sur la carte.")


# --- 5. membership application ------------------------------------------------------------------


def test_visitor_applies_for_membership_forgets_a_principle_fixes_it_and_is_thanked(page, live_server, viewport, demo):
    demo("directory")
    open_page(page, live_server, reverse("directory:membership-apply"))
    assert_no_violations(page)
    page.get_by_label("Nom de la structure").fill("La Ressourcerie du Beffroi")
    page.get_by_label("Type de structure").select_option(label="Association")
    page.get_by_label("Code postal").fill("59300")
    page.get_by_label("Commune").fill("Valenciennes")
    page.get_by_label("Présentation de la structure").fill("Collecte, répare et revend des objets du quotidien.")
    page.get_by_label(re.compile(r"^Personne à contacter")).fill("Alex Dupont")
    page.get_by_label("Courriel").fill("alex@example.org")
    page.get_by_label("Utilité sociale").check()
    page.get_by_label("Ancrage territorial").check()
    # "Gouvernance démocratique" forgotten.
    page.get_by_label("Lucrativité limitée").check()
    page.get_by_label(re.compile("^J'accepte que l'Apes conserve")).check()
    page.get_by_role("button", name="Envoyer la demande d'adhésion").click()
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("alert")).to_contain_text("1 erreur")
    forgotten = page.get_by_label("Gouvernance démocratique")
    described_by = forgotten.get_attribute("aria-describedby") or ""
    messages = [page.locator(f"#{identifier}").inner_text() for identifier in described_by.split()]
    error = next((text for text in messages if "principe" in text.lower() or "cochez" in text.lower()), None)
    assert error, f"the checkbox's description carries the error: {messages}"
    # Beside it: the error sits in the same field block as the checkbox, and the answers were kept.
    field = page.locator(".field", has=forgotten)
    expect(field).to_contain_text(error)
    expect(forgotten).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Nom de la structure")).to_have_value("La Ressourcerie du Beffroi")
    expect(page.get_by_label("Utilité sociale")).to_be_checked()
    assert_no_violations(page)

    forgotten.check()
    page.get_by_label(re.compile("^J'accepte que l'Apes conserve")).check()
    page.get_by_role("button", name="Envoyer la demande d'adhésion").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("directory:membership-thanks"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    assert_no_violations(page)
