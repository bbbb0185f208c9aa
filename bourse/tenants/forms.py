"""Forms of the tenant area and of the staff screens about tenants."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bourse.contact.forms import single_line
from bourse.contact_details import MASKING_NOTICE, PUBLISHED_NOTICE
from bourse.exchanges.forms import NurForm  # noqa: F401 (the tenant area's NUR form)
from bourse.models import Commune, Landlord, Typology
from bourse.territories import commune_label, natural_sorted, reference_codes, resolve_places

from .contacts import MESSAGE_MAX_LENGTH
from .models import ExchangeReason, ListingStatus, ReportReason
from .photos import MAX_PHOTOS, clean_photo

PHONE_PATTERN = re.compile(r"^\+?[0-9 .\-()]{6,20}$")


class PasswordToggleInput(forms.PasswordInput):
    """A password input followed by a show/hide button (tenants/password_toggle.js)."""

    template_name = "tenants/widgets/password_toggle.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for upload in files:
            super().clean(upload, initial)
            cleaned.append(clean_photo(upload))
        return cleaned


# --- Registration and sign-in ------------------------------------------------------------


class RegistrationForm(forms.Form):
    landlord = forms.ModelChoiceField(
        label=_("Votre bailleur"),
        queryset=Landlord.objects.active(),
        empty_label=_("— Choisissez votre bailleur —"),
        error_messages={"required": _("Choisissez votre bailleur.")},
    )
    tenant_reference = forms.CharField(
        label=_("Référence locataire"),
        max_length=50,
        validators=[single_line],
        help_text=_("Elle figure sur votre avis d’échéance (quittance de loyer)."),
        error_messages={"required": _("Indiquez votre référence locataire.")},
    )
    housing_reference = forms.CharField(
        label=_("Référence du logement"),
        max_length=50,
        validators=[single_line],
        help_text=_("Elle figure aussi sur votre avis d’échéance."),
        error_messages={"required": _("Indiquez la référence de votre logement.")},
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Indiquez votre prénom.")},
    )
    last_name = forms.CharField(
        label=_("Nom d’usage"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Indiquez votre nom.")},
    )
    birth_name = forms.CharField(
        label=_("Nom de naissance (s’il est différent)"),
        max_length=150,
        required=False,
        validators=[single_line],
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("Format : nom@domaine.fr. Un lien de confirmation y sera envoyé."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Cette adresse électronique n’est pas valide (exemple : nom@domaine.fr)."),
        },
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=PasswordToggleInput(attrs={"autocomplete": "new-password"}),
        help_text=_("12 caractères au moins, pas uniquement des chiffres, pas trop courant."),
        error_messages={"required": _("Choisissez un mot de passe.")},
    )
    consent = forms.BooleanField(
        label=_(
            "J’accepte que mes données soient utilisées pour la bourse d’échange et "
            "communiquées à mon bailleur."
        ),
        error_messages={"required": _("Vous devez accepter l’utilisation de vos données.")},
    )

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if len(password) < 12:
            raise ValidationError(_("Le mot de passe doit contenir au moins 12 caractères."))
        user = User(
            username=self.data.get("email", ""),
            email=self.data.get("email", ""),
            first_name=self.data.get("first_name", ""),
            last_name=self.data.get("last_name", ""),
        )
        password_validation.validate_password(password, user)
        return password


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254)


# --- The three steps ------------------------------------------------------------------------


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, validators=[single_line])
    last_name = forms.CharField(label=_("Nom d’usage"), max_length=150, validators=[single_line])
    birth_name = forms.CharField(
        label=_("Nom de naissance (s’il est différent)"),
        max_length=150,
        required=False,
        validators=[single_line],
    )
    phone = forms.CharField(
        label=_("Téléphone (facultatif)"),
        max_length=30,
        required=False,
        help_text=_("Visible de votre seul bailleur, jamais des autres locataires."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    household_size = forms.IntegerField(
        label=_("Nombre de personnes au foyer"),
        min_value=1,
        max_value=20,
        error_messages={"required": _("Indiquez le nombre de personnes de votre foyer.")},
    )
    exchange_reason = forms.ChoiceField(
        label=_("Vous cherchez surtout"),
        choices=[("", _("— Choisissez —")), *ExchangeReason.choices],
        error_messages={"required": _("Indiquez ce que vous cherchez.")},
    )

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_PATTERN.match(phone):
            raise ValidationError(
                _("Ce numéro de téléphone n’est pas valide (ex. : 06 12 34 56 78).")
            )
        return phone


class HousingSheetForm(forms.Form):
    description = forms.CharField(
        label=_("Description de votre logement"),
        min_length=30,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(
            "{} {}",
            _(
                "Entre 30 et 2 000 caractères : pièces, exposition, quartier, transports… "
                "N’indiquez ni votre nom, ni votre adresse, ni votre téléphone."
            ),
            PUBLISHED_NOTICE,
        ),
        error_messages={
            "required": _("Décrivez votre logement."),
            "min_length": _(
                "La description doit compter au moins 30 caractères "
                "(elle en compte %(show_value)s)."
            ),
            "max_length": _(
                "La description doit compter au plus 2 000 caractères "
                "(elle en compte %(show_value)s)."
            ),
        },
    )
    accessible = forms.BooleanField(
        label=_("Mon logement est adapté aux personnes à mobilité réduite"), required=False
    )
    photos = MultipleImageField(
        label=_("Ajouter des photos (facultatif)"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, 8 Mo au plus chacune, %(max)s photos au maximum.")
        % {"max": MAX_PHOTOS},
    )

    def __init__(self, *args, photo_count=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_count = photo_count

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if self.photo_count + len(photos) > MAX_PHOTOS:
            raise ValidationError(
                _("%(max)s photos au maximum : vous en avez déjà %(count)s.")
                % {"max": MAX_PHOTOS, "count": self.photo_count}
            )
        return photos


MAX_WANTED_COMMUNES = 600  # a whole department fits (Seine-et-Marne: 507 communes)


class CommunePicker(forms.Widget):
    """The chosen communes as ticked boxes (the chips; untick to remove) and a text
    box to add more by name, department or intercommunality (``communes_add``):
    a plain form without JavaScript, the WAI-ARIA combobox of
    ``tenants/communes.js`` with it. Only the chosen communes are sent, not 1 300."""

    template_name = "tenants/widgets/commune_picker.html"
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an unticked list is a value: none chosen

    def format_value(self, value):
        if value is None:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pks = context["widget"]["value"]
        rows = Commune.objects.filter(pk__in=pks).values_list("pk", "name", "department")
        context["chosen"] = natural_sorted(
            ({"pk": pk, "label": commune_label(name, dep)} for pk, name, dep in rows),
            key=lambda row: row["label"],
        )
        context["suggest_url"] = reverse("tenants:commune_suggestions")
        return context


class CriteriaForm(forms.Form):
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes recherchées"),
        queryset=Commune.objects.all(),
        widget=CommunePicker,
        required=False,
    )
    communes_add = forms.CharField(
        label=_("Ajouter une commune, un département ou une intercommunalité"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "aria-describedby": "aide-communes-ajout",
                "data-commune-input": "",
                "spellcheck": "false",
            }
        ),
    )
    typologies = forms.MultipleChoiceField(
        label=_("Typologies recherchées"),
        choices=Typology.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une typologie.")},
    )
    min_surface = forms.DecimalField(
        label=_("Surface minimale (m²)"),
        required=False,
        min_value=0,
        max_value=500,
        decimal_places=2,
    )
    max_monthly_cost = forms.DecimalField(
        label=_("Loyer maximal, charges comprises (€ par mois)"),
        required=False,
        min_value=0,
        max_value=10000,
        decimal_places=2,
    )
    max_floor = forms.IntegerField(
        label=_("Étage maximal"), required=False, min_value=0, max_value=60
    )
    lift_required = forms.BooleanField(
        label=_("Ascenseur indispensable au-dessus du rez-de-chaussée"), required=False
    )
    accessible_required = forms.BooleanField(
        label=_("Logement adapté à la mobilité réduite indispensable"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("communes") or [])
        resolved = resolve_places(cleaned.get("communes_add", ""))
        if resolved.errors:
            for error in resolved.errors:
                self.add_error("communes_add", error)
            return cleaned
        known = {commune.pk for commune in chosen}
        added = [pk for pk in dict.fromkeys(resolved.communes) if pk not in known]
        communes = chosen + list(Commune.objects.filter(pk__in=added))
        if not communes and "communes" not in self.errors:
            self.add_error("communes", _("Choisissez au moins une commune."))
        elif len(communes) > MAX_WANTED_COMMUNES:
            self.add_error(
                "communes",
                _("%(max)s communes au maximum (vous en avez choisi %(count)s).")
                % {"max": MAX_WANTED_COMMUNES, "count": len(communes)},
            )
        else:
            cleaned["communes"] = communes
            # Shown as chosen if the form comes back for another field's error.
            if hasattr(self.data, "setlist"):
                self.data = self.data.copy()
                self.data.setlist("communes", [c.pk for c in communes])
                self.data["communes_add"] = ""
        return cleaned


# --- Search, contact, report ----------------------------------------------------------------


COMMUNES_CACHE_KEY = "tenants:communes-with-listings:v2"
DEPARTMENTS_CACHE_KEY = "tenants:departments"


def communes_with_listings() -> list[tuple[str, str]]:
    """(INSEE code, name) of the communes where at least one listing is searchable,
    by name (cached ten minutes: the search form's list, read on every search)."""
    from .matching import searchable_listings

    def compute():
        return natural_sorted(
            Commune.objects.filter(
                pk__in=searchable_listings().exclude(commune__isnull=True).values("commune_id")
            ).values_list("pk", "name"),
            key=lambda row: row[1],
        )

    return cache.get_or_set(COMMUNES_CACHE_KEY, compute, 600)


def departments() -> list[str]:
    """Every department of the reference communes (cached a day: reference data)."""
    return cache.get_or_set(
        DEPARTMENTS_CACHE_KEY,
        lambda: sorted(set(Commune.objects.values_list("department", flat=True).distinct())),
        24 * 3600,
    )


def _department_choices() -> list[tuple[str, str]]:
    return [(d, d) for d in departments()]


class CachedChoiceField(forms.ChoiceField):
    """A choice among a cached list (``source()``: (value, label) pairs), after a
    blank choice: the list is read when the field is rendered, and a value is
    checked by a look-up, so that a search does not walk 1 300 communes twice.

    ``accepted()``, when given, is the wider set of values a link may carry (a
    saved search's commune that has no listing today): such a value is valid, and
    ``show_chosen`` puts it in the list (first, labelled by ``label_of``)."""

    def __init__(self, *, source, blank_label, accepted=None, label_of=None, **kwargs):
        super().__init__(choices=lambda: [("", blank_label), *source()], **kwargs)
        self.source, self.blank_label = source, blank_label
        self.accepted, self.label_of = accepted, label_of

    def valid_value(self, value):
        value = str(value)
        if value == "" or value in dict(self.source()):
            return True
        return self.accepted is not None and value in self.accepted()

    def show_chosen(self, value) -> None:
        """List ``value`` too if it is accepted but missing (decided when rendered)."""
        if not value or self.accepted is None:
            return
        source, blank, value = self.source, self.blank_label, str(value)

        def choices():
            listed = source()
            if value in dict(listed) or value not in self.accepted():
                return [("", blank), *listed]
            return [("", blank), (value, self.label_of(value)), *listed]

        self.choices = choices


def _unlisted_commune_label(code: str) -> str:
    name = Commune.objects.filter(pk=code).values_list("name", flat=True).first() or code
    return _("%(name)s (aucune annonce)") % {"name": name}


class SearchForm(forms.Form):
    # Plain cached choices: no query, and no list of 1 300 codes sent to the database.
    commune = CachedChoiceField(
        label=_("Commune"),
        required=False,
        source=communes_with_listings,
        blank_label=_("Toutes les communes"),
        # Any commune of Île-de-France: a saved search's link keeps its commune
        # when its last listing has gone (no listing, rather than every listing).
        accepted=lambda: reference_codes()[0],
        label_of=_unlisted_commune_label,
        error_messages={"invalid_choice": _("Commune inconnue : choisissez-en une dans la liste.")},
    )
    department = CachedChoiceField(
        label=_("Département"),
        required=False,
        source=_department_choices,
        blank_label=_("Tous"),
        error_messages={"invalid_choice": _("Choisissez un département de la liste.")},
    )
    typology = forms.ChoiceField(
        label=_("Typologie"),
        required=False,
        choices=[("", _("Toutes")), *Typology.choices],
        error_messages={"invalid_choice": _("Choisissez une typologie de la liste.")},
    )
    min_surface = forms.DecimalField(
        label=_("Surface minimale (m²)"), required=False, min_value=0, max_value=500
    )
    max_monthly_cost = forms.DecimalField(
        label=_("Loyer maximal charges comprises (€)"), required=False, min_value=0, max_value=10000
    )
    lift = forms.BooleanField(label=_("Avec ascenseur"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.fields["commune"].show_chosen(self.data.get("commune"))


class ContactRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=format_lazy(
            "{} {}",
            _("Présentez-vous et dites pourquoi ce logement vous intéresse."),
            MASKING_NOTICE,
        ),
        error_messages={"required": _("Écrivez un message.")},
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            ("accept", _("J’accepte d’échanger avec ce locataire")),
            ("decline", _("Je décline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez d’accepter ou de décliner.")},
    )
    answer = forms.CharField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MASKING_NOTICE,
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif du signalement"),
        choices=[("", _("— Choisissez —")), *ReportReason.choices],
        error_messages={"required": _("Choisissez un motif.")},
    )
    comment = forms.CharField(
        label=_("Précisions (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Staff --------------------------------------------------------------------------------


class TenantFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, adresse électronique, référence locataire ou logement."),
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *ListingStatus.choices]
    )
    eligible = forms.ChoiceField(
        label=_("Éligibilité"),
        required=False,
        choices=[("", _("Tous")), ("oui", _("Éligibles")), ("non", _("Inéligibles"))],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        validators=[single_line],
        error_messages={"required": _("Indiquez le motif.")},
    )


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je confirme l’anonymisation : les données personnelles de ce locataire seront "
            "définitivement remplacées."
        ),
        error_messages={"required": _("Cochez la case pour confirmer l’anonymisation.")},
    )


# --- Saved searches, alerts, visits (issue 9) ------------------------------------------------


class SaveSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la recherche (facultatif)"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    alerts = forms.BooleanField(
        label=_("M’alerter des nouvelles annonces (au plus une fois par jour)"),
        required=False,
        initial=True,
    )


class AlertChannelsForm(forms.Form):
    email = forms.BooleanField(label=_("Recevoir mes alertes par courriel"), required=False)
    sms = forms.BooleanField(
        label=_("Recevoir aussi mes alertes par SMS"),
        required=False,
        help_text=_(
            "Au numéro mobile de votre profil ; un lien dans chaque SMS permet de les arrêter."
        ),
    )
    chains = forms.BooleanField(
        label=_("M’alerter des nouvelles chaînes d’échange qui me concernent"), required=False
    )


VISIT_CHOICES = [("yes", _("Ce logement m’intéresse")), ("no", _("Ce logement ne m’intéresse pas"))]


class VisitOutcomeForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Date de la visite"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez la date de la visite."),
            "invalid": _("Indiquez une date valide (jj/mm/aaaa)."),
        },
    )
    interested = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites si le logement vous intéresse.")},
        label=_("Après la visite"),
        choices=VISIT_CHOICES,
    )
    reason = forms.CharField(
        label=_("Pourquoi ? (facultatif, lu par les bailleurs)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=MASKING_NOTICE,
    )
