"""Demo content of the territories app: real geography and the network's nine themes."""

from territories.geography import load_geography
from territories.models import Theme

# The nine themes of the network's 2020 map of territorial dynamics, in its own order.
THEMES = [
    ("production-locale", "Production locale utile, solidaire et soutenable", "#2f6f5e",
     "Produire près de chez soi ce dont le territoire a besoin, en respectant les personnes et les ressources."),
    ("commande-publique-responsable", "Commande publique responsable", "#7a4b9a",
     "Faire des achats des collectivités un levier pour l'emploi local et les entreprises solidaires."),
    ("cooperations-economiques-territoriales", "Coopérations économiques territoriales", "#b5462f",
     "Réunir entreprises, associations et collectivités autour de projets économiques communs."),
    ("mise-en-recit", "Mise en récit", "#a86b00",
     "Raconter les initiatives d'un territoire pour donner envie d'agir et faire reconnaître l'économie solidaire."),
    ("immobilier-activite", "Immobilier d'activité", "#5b6770",
     "Trouver et garder des locaux abordables pour les activités d'utilité sociale."),
    ("transition-ecologique", "Transition écologique", "#3f7d20",
     "Accompagner les initiatives qui réduisent l'empreinte écologique des territoires."),
    ("richesses-humaines", "Richesses humaines", "#b03a6b",
     "Valoriser les compétences, l'engagement et l'emploi de qualité dans les structures solidaires."),
    ("impact-social", "Impact social", "#1f6aa5",
     "Mesurer et montrer ce que les activités solidaires changent pour les personnes et les territoires."),
    ("nouveaux-modeles-economiques", "Nouveaux modèles économiques", "#8a5a44",
     "Imaginer des modèles qui hybrident ressources marchandes, publiques et bénévoles."),
]


def seed_reference(log):
    counts = load_geography()
    log(f"geography: {counts}")
    for order, (slug, name, colour, text) in enumerate(THEMES):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "colour": colour, "short_description": text, "order": order}
        )
    log(f"{len(THEMES)} themes")
