"""The contact inbox in the Wagtail admin.

For the support team (see ``access.py``): every message, filters by status,
age, handler, landlord; the detail page replies from the no-reply address,
escalates to the software editor, forwards to a landlord, adds internal
notes and closes. Nobody can create, edit, copy or delete a message here.
Landlord staff, who have no Wagtail admin access, use ``views.landlord_*``.
"""

import datetime as dt

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, UserColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.models import Landlord

from . import access, services
from .forms import ForwardForm, OptionalTextActionForm, TextActionForm
from .models import Category, ContactMessage, Status


class ContactPermissionPolicy(BasePermissionPolicy):
    """Read-only for everyone through the generic views; actions are checked
    by the detail view itself."""

    def user_has_permission(self, user, action):
        if action == "view":
            return access.is_support(user)
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and access.visible_messages(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" in actions:
            return access.visible_messages(user)
        return ContactMessage.objects.none()


AGE_CHOICES = [
    ("2j", _("Moins de 2 jours")),
    ("7j", _("De 2 à 7 jours")),
    ("vieux", _("Plus de 7 jours")),
]


class ContactMessageFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Status.choices, empty_label=_("Tous")
    )
    to_investigate = django_filters.BooleanFilter(label=_("À instruire"), widget=BooleanRadioSelect)
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=Category.choices, empty_label=_("Toutes")
    )
    age = django_filters.ChoiceFilter(
        label=_("Ancienneté"), choices=AGE_CHOICES, method="filter_age", empty_label=_("Toutes")
    )
    handled_by = django_filters.ModelChoiceFilter(
        label=_("Traité par"), queryset=get_user_model().objects.none(), empty_label=_("Tous")
    )
    landlord = django_filters.ModelChoiceFilter(
        label=_("Bailleur"), queryset=Landlord.objects.none(), empty_label=_("Tous")
    )

    class Meta:
        model = ContactMessage
        fields = ["status", "to_investigate", "category", "age", "handled_by", "landlord"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = self.queryset if self.queryset is not None else ContactMessage.objects.none()
        self.filters["handled_by"].queryset = get_user_model().objects.filter(
            pk__in=visible.exclude(handled_by=None).values("handled_by")
        )
        self.filters["landlord"].queryset = Landlord.objects.filter(
            pk__in=visible.exclude(landlord=None).values("landlord")
        )

    def filter_age(self, queryset, name, value):
        now = timezone.now()
        if value == "2j":
            return queryset.filter(created_at__gte=now - dt.timedelta(days=2))
        if value == "7j":
            return queryset.filter(
                created_at__lt=now - dt.timedelta(days=2),
                created_at__gte=now - dt.timedelta(days=7),
            )
        if value == "vieux":
            return queryset.filter(created_at__lt=now - dt.timedelta(days=7))
        return queryset


class MessageIndexView(generic.IndexView):
    def get_base_queryset(self):
        return access.visible_messages(self.request.user).select_related("landlord", "handled_by")


class MessageDetailView(generic.InspectView):
    """The message, its thread and the actions this user may take."""

    template_name = "contact/admin/detail.html"
    page_title = _("Message de contact")
    support_actions = ("reply", "escalate", "forward", "note", "close")

    def get_object(self, queryset=None):
        try:
            return (
                access.visible_messages(self.request.user)
                .select_related("landlord", "dwelling", "handled_by")
                .get(pk=int(self.pk))
            )
        except (ValueError, ContactMessage.DoesNotExist):
            raise Http404 from None

    def get_page_subtitle(self):
        return self.object.reference

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        record_access(request, screen=Screen.CONTACT_MESSAGE, reference=self.object.reference)
        return response

    @cached_property
    def is_support(self):
        return access.is_support(self.request.user)

    def allowed_actions(self):
        return self.support_actions

    def action_forms(self, data=None, action=None):
        classes = {
            "reply": TextActionForm,
            "escalate": TextActionForm,
            "forward": ForwardForm,
            "note": TextActionForm,
            "close": OptionalTextActionForm,
        }
        return {
            name: classes[name](data if name == action else None, prefix=name)
            for name in self.allowed_actions()
        }

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.allowed_actions():
            raise PermissionDenied
        forms = self.action_forms(request.POST, action)
        form = forms[action]
        if not form.is_valid():
            context = self.get_context_data(forms=forms, open_action=action)
            return self.render_to_response(context, status=400)
        text = form.cleaned_data.get("text", "")
        user = request.user
        message = self.object
        if action == "reply":
            services.reply(message, user, text)
            messages.success(request, _("Réponse envoyée à l’expéditeur."))
        elif action == "escalate":
            services.escalate(message, user, text)
            messages.success(request, _("Demande transmise à l’éditeur."))
        elif action == "forward":
            landlord = form.cleaned_data["landlord"]
            if services.forward_to_landlord(message, user, landlord, text) is None:
                messages.error(
                    request,
                    _("Aucune adresse de contact connue pour %(landlord)s : rien n’a été envoyé.")
                    % {"landlord": landlord},
                )
            else:
                messages.success(
                    request, _("Demande transmise à %(landlord)s.") % {"landlord": landlord}
                )
        elif action == "note":
            services.add_note(message, user, text)
            messages.success(request, _("Note ajoutée."))
        elif action == "close":
            services.close(message, user, text)
            messages.success(request, _("Demande close."))
        return redirect(reverse("contact_inbox:inspect", args=[message.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("forms", kwargs.get("forms") or self.action_forms())
        context["events"] = access.visible_events(self.request.user, self.object)
        context["is_support"] = self.is_support
        context["open_action"] = kwargs.get("open_action")
        if self.object.attachment:
            context["attachment_url"] = reverse("contact:attachment", args=[self.object.pk])
        return context


def _to_investigate_in_words(message) -> str:
    return _("oui") if message.to_investigate else _("non")


class ContactInboxViewSet(ModelViewSet):
    model = ContactMessage
    name = "contact_inbox"
    url_prefix = "messages-de-contact"
    icon = "mail"
    menu_label = _("Messages de contact")
    menu_order = 210
    add_to_admin_menu = True
    index_view_class = MessageIndexView
    inspect_view_class = MessageDetailView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ContactMessageFilterSet
    search_fields = ["reference", "name", "email", "tenant_reference", "body"]
    search_backend_name = None
    list_display = [
        "reference",
        Column("topic", label=_("Objet"), accessor="get_topic_display"),
        Column("sender_kind", label=_("Expéditeur"), accessor="get_sender_kind_display"),
        Column("status", label=_("Statut"), accessor="get_status_display", sort_key="status"),
        # In words: Wagtail's BooleanColumn reads out an English "True"/"False".
        Column("to_investigate", label=_("À instruire"), accessor=_to_investigate_in_words),
        Column("landlord", label=_("Bailleur")),
        DateColumn("created_at", label=_("Reçu"), sort_key="created_at"),
        UserColumn("handled_by", label=_("Traité par")),
    ]
    ordering = ["-created_at"]
    form_fields = ["status"]  # required by ModelViewSet; the edit view is never allowed


register_permission_policy(
    ContactMessage, ContactPermissionPolicy(ContactMessage), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_contact_inbox():
    return ContactInboxViewSet()
