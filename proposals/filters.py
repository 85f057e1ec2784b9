"""The FilterSet of the public commitments list: by EPCI, by measure and by follow-up status.

Driven by core.views.FilteredListMixin like every filtered list (bad values: 400 with these messages).
"""

import django_filters

from proposals.models import Campaign, Commitment, Proposal
from territories.models import Epci


class CommitmentFilterSet(django_filters.FilterSet):
    epci = django_filters.ModelChoiceFilter(
        queryset=Epci.objects.defer("boundary").order_by("name"),
        to_field_name="siren",
        label="Intercommunalité",
        empty_label="Toutes les intercommunalités",
        method="filter_epci",
        error_messages={"invalid_choice": "Cette intercommunalité n'est pas dans les Hauts-de-France."},
    )
    mesure = django_filters.ModelChoiceFilter(
        field_name="proposals",
        # The current campaign's measures only, in one query (the campaign as a subquery).
        queryset=Proposal.objects.filter(axis__campaign__in=Campaign.objects.current_only()).order_by(
            "axis__order", "order"
        ),
        to_field_name="slug",
        label="Mesure",
        empty_label="Toutes les mesures",
        error_messages={"invalid_choice": "Cette mesure n'existe pas."},
    )
    avancement = django_filters.ChoiceFilter(
        choices=Commitment.FollowUp.choices,
        label="Avancement d'au moins une mesure",
        empty_label="Tous les états",
        method="filter_status",
        error_messages={"invalid_choice": "Cet état d'avancement n'existe pas."},
    )

    class Meta:
        model = Commitment
        fields = ["epci", "mesure", "avancement"]

    def filter_epci(self, queryset, name, value):
        return queryset.in_epci(value) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value) if value else queryset
