"""Forms of the staff area's shell ("espace bailleur"): the organisation, agents and
reservataires; French messages, nothing lost on error. The patrimoine's forms are
in ``bourse.patrimoine.forms``."""

import html
import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.images.fields import WagtailImageField

from .models import Commune, Intercommunality, Landlord, Position, Reservataire, ReservataireKind
from .territories import reference_codes
from .validators import normalize_siret


class ReservataireFilterForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", _("Toutes"))] + list(Position.choices)
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + list(ReservataireKind.choices)
    )
    department = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = (
            Commune.objects.order_by("department").values_list("department", flat=True).distinct()
        )
        self.fields["department"].choices = [("", _("Tous"))] + [(d, d) for d in departments]

    def filter(self, queryset):
        """``queryset`` (reservataires) narrowed to the valid filters; unchanged if none."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("position"):
            queryset = queryset.filter(position=data["position"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if department := data.get("department"):
            in_department = Commune.objects.filter(department=department)
            queryset = queryset.filter(
                Q(kind=ReservataireKind.COMMUNE, code__in=in_department.values("insee_code"))
                | Q(kind=ReservataireKind.EPCI, code__in=in_department.values("epci_id"))
                | Q(kind=ReservataireKind.EPCI, code__in=in_department.values("ept_id"))
            )
        return queryset


class ReservataireForm(forms.ModelForm):
    """A reservataire and its position (super administrator only)."""

    class Meta:
        model = Reservataire
        fields = ["kind", "code", "name", "position", "position_date", "note"]
        widgets = {
            "position_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "code": _("Code INSEE pour une commune, SIREN pour une intercommunalité, vide sinon."),
            "name": _(
                "Laissé vide pour une commune ou une intercommunalité : repris du référentiel."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if self.instance.pk:
            # The contingent identifies the row: only its position changes.
            for name in ("kind", "code"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), (data.get("code") or "").strip()
        insee_codes, sirens = reference_codes()
        if kind == ReservataireKind.COMMUNE:
            if code not in insee_codes:
                self.add_error("code", _("Indiquez le code INSEE d’une commune d’Île-de-France."))
            elif not data.get("name"):
                data["name"] = (
                    Commune.objects.filter(pk=code).values_list("name", flat=True).first()
                )
        elif kind == ReservataireKind.EPCI:
            if code not in sirens:
                self.add_error("code", _("Indiquez le SIREN d’une intercommunalité francilienne."))
            elif not data.get("name"):
                data["name"] = (
                    Intercommunality.objects.filter(pk=code).values_list("name", flat=True).first()
                )
        elif kind and code:
            self.add_error("code", _("Le code ne s’indique que pour une commune ou un EPCI."))
        data["code"] = code
        if kind and not data.get("name"):
            self.add_error("name", _("Indiquez le nom du réservataire."))
        if (
            kind
            and not self.instance.pk
            and Reservataire.objects.filter(kind=kind, code=code).exists()
        ):
            self.add_error(None, _("Ce réservataire figure déjà dans la liste : modifiez-le."))
        return data

    def validate_unique(self):
        pass  # checked in clean() with a French message


def html_to_text(value: str) -> str:
    """Rich text of the handling description as editable plain text."""
    text = re.sub(r"(?i)</(p|li|h\d)>|<br\s*/?>", "\n", value or "")
    return html.unescape(strip_tags(text)).strip()


def text_to_html(value: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", value or "") if p.strip()]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


# --- The landlord: one list of fields, one set of rules, two doors ------------------
#
# The AMO edits every field in the Wagtail admin (snippet "Bailleurs",
# ``bourse.wagtail_hooks``: ``LandlordAdminForm``); a landlord's administrators
# edit their page, every field but the membership, in the staff area
# (``OrganisationForm``). Both take their fields from here and share the rules
# (a SIRET with spaces, French messages).

LANDLORD_MEMBERSHIP_FIELDS = ("name", "joined_on", "active")  # the AMO's only
LANDLORD_FIELDS = (
    "name",
    "siret",
    "website",
    "logo",
    "tenant_reference_help_image",
    "housing_reference_help_image",
    "contact_email",
    "joined_on",
    "active",
    "handling_text",
)
LANDLORD_SECOND_CONTACT_FIELDS = (
    "second_contact_name",
    "second_contact_email",
    "second_contact_phone",
)
# What a landlord's administrators edit in the staff area.
LANDLORD_PAGE_FIELDS = tuple(
    name
    for name in LANDLORD_FIELDS + LANDLORD_SECOND_CONTACT_FIELDS
    if name not in LANDLORD_MEMBERSHIP_FIELDS
)
LANDLORD_ERROR_MESSAGES = {
    "website": {"invalid": _("Indiquez une adresse web complète (https://…).")},
    "contact_email": {"invalid": _("Indiquez une adresse e-mail valide.")},
    "second_contact_email": {"invalid": _("Indiquez une adresse e-mail valide.")},
}


def siret_field() -> forms.CharField:
    """The SIRET as typed (spaces allowed); ``normalize_siret`` then the model's
    validator check it."""
    return forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("14 chiffres ; les espaces sont acceptés."),
        error_messages={"unique": _("Ce SIRET est déjà celui d’un autre bailleur.")},
    )


class LandlordAdminForm(WagtailAdminModelForm):
    """The landlord in the Wagtail admin (the AMO): every field, the same rules."""

    siret = siret_field()

    class Meta:
        error_messages = LANDLORD_ERROR_MESSAGES

    def clean_siret(self):
        return normalize_siret(self.cleaned_data.get("siret") or "")


# The staff area edits these page fields through other form fields: images are
# uploaded (form field -> model field), the handling text is typed as plain text.
UPLOADED_IMAGES = {
    "logo_upload": ("logo", _("Logo")),
    "tenant_help_upload": ("tenant_reference_help_image", _("Aide référence locataire")),
    "housing_help_upload": ("housing_reference_help_image", _("Aide référence logement")),
}
PAGE_FIELDS_REPLACED = (
    *(attribute for attribute, _title in UPLOADED_IMAGES.values()),
    "handling_text",
)


class OrganisationForm(forms.ModelForm):
    """The landlord's page, as its administrators edit it (``LANDLORD_PAGE_FIELDS``):
    images are uploaded rather than chosen, the handling text is plain text."""

    siret = siret_field()
    handling = forms.CharField(
        label=_("Fonctionnement de l’organisme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Comment vos équipes traitent les dossiers d’échange (un paragraphe par ligne)."
        ),
    )
    logo_upload = WagtailImageField(label=_("Nouveau logo"), required=False)
    tenant_help_upload = WagtailImageField(
        label=_("Nouvelle image d’aide : référence du locataire"),
        required=False,
        help_text=_("Un avis d’échéance où la référence du locataire est entourée."),
    )
    housing_help_upload = WagtailImageField(
        label=_("Nouvelle image d’aide : référence du logement"),
        required=False,
        help_text=_("Un avis d’échéance où la référence du logement est entourée."),
    )

    IMAGE_FIELDS = UPLOADED_IMAGES

    class Meta:
        model = Landlord
        fields = [name for name in LANDLORD_PAGE_FIELDS if name not in PAGE_FIELDS_REPLACED]
        error_messages = LANDLORD_ERROR_MESSAGES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling"].initial = html_to_text(self.instance.handling_text)
        self.order_fields(
            [
                "siret",
                "website",
                "contact_email",
                "logo_upload",
                "tenant_help_upload",
                "housing_help_upload",
                "handling",
            ]
        )

    def clean_siret(self):
        return normalize_siret(self.cleaned_data.get("siret") or "")

    def save(self, commit=True):
        from wagtail.images import get_image_model
        from wagtail.models import Collection

        landlord = super().save(commit=False)
        landlord.handling_text = text_to_html(self.cleaned_data.get("handling", ""))
        Image = get_image_model()
        for field_name, (attribute, title) in self.IMAGE_FIELDS.items():
            upload = self.cleaned_data.get(field_name)
            if not upload:
                continue
            image = Image(
                title=f"{landlord.name} — {title}",
                file=upload,
                collection=_landlord_collection(Collection),
            )
            if hasattr(image, "_set_image_file_metadata"):
                image._set_image_file_metadata()
            image.save()
            setattr(landlord, attribute, image)
        if commit:
            landlord.save()
        return landlord


def _landlord_collection(Collection):
    root = Collection.get_first_root_node()
    name = "Bailleurs"
    collection = root.get_children().filter(name=name).first()
    return collection or root.add_child(name=name)


class AgentCreateForm(forms.Form):
    """A new staff account of a landlord (an agent, or an administrator for the AMO)."""

    username = forms.RegexField(
        label=_("Identifiant"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Lettres, chiffres et . @ + - _ ; par exemple prenom.nom."),
        error_messages={
            "invalid": _("L’identifiant ne peut contenir que des lettres, chiffres et . @ + - _."),
            "required": _("Indiquez un identifiant."),
        },
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={"invalid": _("Indiquez une adresse e-mail valide.")},
    )
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"),
        queryset=Landlord.objects.none(),
        error_messages={
            "invalid_choice": _("Ce bailleur n’existe pas ou ne vous est pas accessible.")
        },
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=(("agent", _("Agent bailleur")), ("landlord_admin", _("Administrateur bailleur"))),
        initial="agent",
    )

    def __init__(self, *args, landlords=None, **kwargs):
        """``landlords``: the AMO's choice, which also unlocks the role; None: an agent."""
        super().__init__(*args, **kwargs)
        if landlords is None:
            del self.fields["landlord"]
            del self.fields["role"]
        else:
            self.fields["landlord"].queryset = landlords

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Cet identifiant est déjà utilisé."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec cette adresse e-mail."))
        return email
