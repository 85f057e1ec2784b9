"""Public forms of the proposals app: "near me" territory choice, the commitment form, alert subscriptions."""

from django import forms

from core.antispam import HoneypotFormMixin
from proposals.models import Commitment, CommitmentUpdate, Proposal
from proposals.nearby import commune_label
from territories.models import Commune, Epci


class EpciChoiceField(forms.ModelChoiceField):
    """A select of the EPCI by name; the submitted value is the SIREN (stable, shareable)."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Epci.objects.only("pk", "siren", "name").order_by("name"),
            to_field_name="siren",
            empty_label="— Choisir un EPCI —",
            **kwargs,
        )


class CommuneLookupField(forms.CharField):
    """A text input resolved on the server to one commune (name, postal code or INSEE code)."""

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return commune_label(value)
        return super().prepare_value(value)

    def clean(self, value):
        query = super().clean(value)
        if not query:
            return None
        lookup = Commune.objects.select_related("epci", "department").lookup(query)
        if lookup.not_found:
            raise forms.ValidationError(
                f"Aucune commune des Hauts-de-France ne correspond à « {query} ». "
                "Vérifiez l'orthographe ou indiquez le code postal.",
                code="not_found",
            )
        if lookup.is_ambiguous:
            names = ", ".join(f"« {commune_label(c)} »" for c in lookup.candidates)
            raise forms.ValidationError(
                f"Plusieurs communes correspondent : {names}. Recopiez celle qui vous concerne, avec son code postal.",
                code="ambiguous",
            )
        return lookup.commune


class CommitmentForm(HoneypotFormMixin, forms.ModelForm):
    """Commit to proposals: who signs, for which territory, and which proposals.

    The commune is typed (name, postal code or INSEE code) and looked up on the server, so the form
    works without JavaScript and without a 3,800-entry select.
    """

    commune = CommuneLookupField(
        label="Commune",
        required=False,
        max_length=200,
        help_text="Nom, code postal ou code INSEE. Laissez vide si vous signez pour un EPCI.",
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    epci = EpciChoiceField(
        label="EPCI (intercommunalité)",
        required=False,
        help_text="Facultatif si vous indiquez une commune.",
    )
    proposals = forms.ModelMultipleChoiceField(
        label="Les propositions auxquelles vous vous engagez",
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une proposition."},
    )
    consent = forms.BooleanField(
        label=(
            "J'accepte que mon nom, ma fonction, mon territoire, le nom de ma liste et mes engagements "
            "soient publiés sur ce site après validation par l'équipe de l'Apes."
        ),
        error_messages={"required": "Cochez cette case pour que votre engagement puisse être publié."},
    )

    class Meta:
        model = Commitment
        fields = ["full_name", "kind", "role", "list_name", "commune", "epci", "email", "proposals"]
        widgets = {
            "kind": forms.RadioSelect,
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "email": "Pour vous envoyer le lien de confirmation. Il n'est jamais affiché sur le site.",
            "list_name": "Facultatif, pour une liste candidate.",
        }
        labels = {"email": "Courriel"}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        kinds = Commitment.Kind.choices
        if campaign.is_after_vote:
            # The vote is over: only elected teams and authorities commit now, no more candidate lists.
            kinds = [(value, label) for value, label in kinds if value != Commitment.Kind.CANDIDATE]
            self.fields["kind"].error_messages["invalid_choice"] = (
                "Le scrutin est passé : seules les équipes élues et les collectivités peuvent encore s'engager."
            )
        self.fields["kind"].choices = kinds
        self.fields["proposals"].queryset = (
            Proposal.objects.filter(axis__campaign=campaign).select_related("axis").order_by("axis__order", "order")
        )

    def _single_line(self, name):
        # Names are shown on public pages and in email subjects: no line breaks or runs of spaces.
        return " ".join(self.cleaned_data.get(name, "").split())

    def clean_full_name(self):
        return self._single_line("full_name")

    def clean_role(self):
        return self._single_line("role")

    def clean_list_name(self):
        return self._single_line("list_name")

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune")
        if commune is not None and not cleaned.get("epci"):
            cleaned["epci"] = commune.epci
        email = cleaned.get("email")
        if email:
            cleaned["email"] = email = email.strip().lower()
        if email and (commune or cleaned.get("epci")) and self.instance.pk is None:
            duplicate = Commitment.objects.duplicate_of(
                self.instance.campaign, email, commune=commune, epci=cleaned.get("epci")
            )
            if duplicate is not None and duplicate.status == Commitment.Status.PENDING:
                # Never confirmed: this submission replaces it (no second record) and a new link is sent.
                # Any other duplicate is refused by the model's clean() with a clear message.
                self.instance = duplicate
        return cleaned

    def _post_clean(self):
        # The model's checks (territory given, commune in EPCI, no duplicate) only make sense on
        # otherwise valid data: running them earlier would repeat what the fields already said.
        if not self.errors:
            super()._post_clean()

    def proposal_groups(self):
        """[(axis, [(proposal, is_checked), …]), …] for a fieldset per axis in the template."""
        if self.is_bound:
            selected = {str(value) for value in self.data.getlist(self.add_prefix("proposals"))}
        else:
            selected = {str(value) for value in (self.initial.get("proposals") or [])}
        groups = []
        for proposal in self.fields["proposals"].queryset:
            if not groups or groups[-1][0].pk != proposal.axis_id:
                groups.append((proposal.axis, []))
            groups[-1][1].append((proposal, str(proposal.pk) in selected))
        return groups


class TerritoryForm(forms.Form):
    """The "near me" GET form: a commune (free text) or an EPCI (select)."""

    commune = forms.CharField(
        label="Votre commune",
        required=False,
        max_length=200,
        help_text="Nom, code postal ou code INSEE.",
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    epci = EpciChoiceField(label="ou votre intercommunalité (EPCI)", required=False)


class ProposedUpdateForm(HoneypotFormMixin, forms.ModelForm):
    """An update proposed by the elected team through its signed link; it waits for moderation."""

    class Meta:
        model = CommitmentUpdate
        fields = ["proposal", "status", "note", "evidence_url", "evidence_label", "evidence_file"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"evidence_file": "Un PDF (délibération, avis de marché…)."}

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commitment = commitment
        self.instance.review = CommitmentUpdate.Review.PROPOSED
        self.fields["proposal"].queryset = commitment.proposals.order_by("axis__order", "order")
        self.fields["proposal"].required = True
        self.fields["proposal"].empty_label = "— Choisir la mesure —"
        self.fields["note"].required = True
        self.fields["evidence_url"].error_messages["invalid"] = (
            "Indiquez une adresse web complète commençant par http:// ou https://."
        )

    def clean_note(self):
        return self.cleaned_data["note"].strip()[:4000]


class AlertSubscriptionForm(HoneypotFormMixin, forms.Form):
    """Follow an EPCI and/or a measure by email, without an account (double opt-in)."""

    email = forms.EmailField(
        label="Courriel",
        help_text="Pour vous envoyer le lien de confirmation puis les alertes. Il n'est jamais affiché ni partagé.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    epci = EpciChoiceField(
        label="Une intercommunalité (EPCI)",
        required=False,
        error_messages={"invalid_choice": "Cette intercommunalité n'est pas dans les Hauts-de-France."},
    )
    mesure = forms.ModelChoiceField(
        label="Une mesure",
        queryset=Proposal.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="— Choisir une mesure —",
        error_messages={"invalid_choice": "Cette mesure n'existe pas."},
    )
    consent = forms.BooleanField(
        label=(
            "J'accepte que l'Apes Hauts-de-France conserve mon adresse pour m'envoyer ces alertes, "
            "au plus une fois par jour, jusqu'à mon désabonnement."
        ),
        error_messages={"required": "Cochez cette case pour recevoir les alertes."},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mesure"].queryset = Proposal.objects.filter(axis__campaign=campaign).order_by(
            "axis__order", "order"
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("epci") and not cleaned.get("mesure"):
            raise forms.ValidationError("Choisissez une intercommunalité, une mesure, ou les deux.", code="no_subject")
        return cleaned
