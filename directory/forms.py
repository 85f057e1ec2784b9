"""Public and member forms of the directory: membership application, correction request, proposed change.

All public forms carry the honeypot field; on a validation error every answer comes back filled
and each message is tied to its field (Django renders aria-describedby="<id>_error").
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.antispam import HoneypotFormMixin
from core.forms import BoundedUsernameMixin
from directory.communes import CommuneNotFound, commune_from
from directory.models import CorrectionRequest, MembershipApplication, Organisation, ProposedChange, Sector

PRINCIPLE_REQUIRED = "Pour adhérer, la structure doit partager ce principe de la charte : cochez la case."


def principle_field(label, help_text):
    return forms.BooleanField(
        label=label,
        help_text=help_text,
        required=True,
        error_messages={"required": PRINCIPLE_REQUIRED},
    )


class MembershipApplicationForm(HoneypotFormMixin, forms.ModelForm):
    commune_name = forms.CharField(
        label="Commune",
        max_length=200,
        help_text="La commune du siège ou du lieu d'activité principal, avec le code postal ci-dessus.",
    )
    sectors = forms.ModelMultipleChoiceField(
        label="Secteurs d'activité",
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accepts_social_utility = principle_field(
        "Utilité sociale",
        "Notre activité répond à des besoins du territoire et de ses habitant·es, au-delà de sa seule rentabilité.",
    )
    accepts_territorial_anchoring = principle_field(
        "Ancrage territorial",
        "Notre activité s'inscrit dans un territoire, avec ses acteurs, et crée des emplois qui n'y sont pas "
        "délocalisables.",
    )
    accepts_democratic_governance = principle_field(
        "Gouvernance démocratique",
        "Les décisions associent les personnes concernées (salarié·es, bénévoles, usager·es, partenaires).",
    )
    accepts_limited_profit = principle_field(
        "Lucrativité limitée",
        "Les excédents servent d'abord le projet et ne sont pas tournés vers l'enrichissement individuel.",
    )
    consents_to_processing = forms.BooleanField(
        label="J'accepte que l'Apes conserve ces informations pour étudier la demande et me recontacter",
        help_text="Elles ne sont ni publiées ni transmises ; vous pouvez demander leur suppression à tout moment.",
        required=True,
        error_messages={"required": "Sans votre accord, nous ne pouvons pas enregistrer la demande : cochez la case."},
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "organisation_name",
            "kind",
            "siren",
            "address",
            "postal_code",
            "website",
            "sectors",
            "presentation",
            "contact_name",
            "email",
            "phone",
            "accepts_social_utility",
            "accepts_territorial_anchoring",
            "accepts_democratic_governance",
            "accepts_limited_profit",
            "consents_to_processing",
        ]
        labels = {"presentation": "Présentation de la structure"}
        help_texts = {
            "presentation": "En quelques lignes : ce que fait la structure, pour qui, où.",
            "postal_code": "5 chiffres.",
        }
        widgets = {
            "presentation": forms.Textarea(attrs={"rows": 5}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    PRINCIPLE_FIELDS = MembershipApplication.PRINCIPLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choisissez…"), *Organisation.Kind.choices]
        for name in (*self.PRINCIPLE_FIELDS, "consents_to_processing"):
            self.fields[name].label_suffix = ""

    def clean_postal_code(self):
        postal_code = self.cleaned_data["postal_code"].strip().replace(" ", "")
        if not (len(postal_code) == 5 and postal_code.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return postal_code

    def clean_siren(self):
        return self.cleaned_data["siren"].replace(" ", "")

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("commune_name")
        if name and "postal_code" in cleaned:
            try:
                self.instance.commune = commune_from(name=name, postal_code=cleaned["postal_code"])
            except CommuneNotFound as exc:
                self.add_error("commune_name", str(exc))
        return cleaned

    def principle_fields(self):
        return [self[name] for name in self.PRINCIPLE_FIELDS]


class CorrectionRequestForm(HoneypotFormMixin, forms.ModelForm):
    class Meta:
        model = CorrectionRequest
        fields = ["message", "contact_name", "contact_email"]
        labels = {
            "message": "Ce qui est à corriger",
            "contact_name": "Votre nom (facultatif)",
            "contact_email": "Votre courriel (facultatif)",
        }
        help_texts = {
            "message": "Par exemple : nouvelle adresse, site web, structure fermée… Précisez la bonne information.",
            "contact_email": "Seulement pour vous poser une question si besoin ; il n'est jamais publié.",
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError("Décrivez la correction en quelques mots (10 caractères au moins).")
        return message


class ProposedChangeForm(forms.ModelForm):
    """A member's proposal, shown as the organisation's own form; only the differences are stored."""

    message = forms.CharField(
        label="Message à l'équipe (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Organisation
        fields = list(ProposedChange.EDITABLE_FIELDS)
        widgets = {
            "short_description": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
        }

    def _post_clean(self):
        # Check the proposed values against the record's rules (the same as the admin's and the import's) on a
        # copy: the organisation itself changes only when staff accept the proposal.
        proposal = ProposedChange(organisation=self.instance, changes=self.changes())
        for name, message in proposal.rule_problems().items():
            self.add_error(name, message)

    def changes(self):
        """{field: new value} for the fields whose value differs from the record."""
        organisation = self.instance
        return {
            name: self.cleaned_data[name]
            for name in ProposedChange.EDITABLE_FIELDS
            if name in self.cleaned_data and self.cleaned_data[name] != getattr(organisation, name)
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError("Vous n'avez rien modifié : il n'y a rien à proposer.")
        return cleaned


class MemberLoginForm(BoundedUsernameMixin, AuthenticationForm):
    """The member space's sign-in form (usernames bounded, see BoundedUsernameMixin); email works too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant ou adresse électronique"
