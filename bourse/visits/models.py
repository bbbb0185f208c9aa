"""A visit: one household (the host) shows its home to another (the visitor), in the
frame of an accepted contact request or of a chain accepted by everyone (the
"context", named by kind and id: a chain is an upper layer, ``contexts.py``)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bourse.tenants.models import TenantProfile


class ContextKind(models.TextChoices):
    REQUEST = "request", _("demande de contact")
    CHAIN = "chain", _("chaîne d’échange")


class VisitStatus(models.TextChoices):
    PROPOSED = "proposed", _("créneaux proposés")
    CONFIRMED = "confirmed", _("confirmée")
    CANCELLED = "cancelled", _("annulée")


class Visit(models.Model):
    """The visit of ``host``'s home by ``visitor``: one per home and context, kept
    through re-proposals and cancellations (its calendar ``uid`` never changes; the
    invitation's ``sequence`` grows at each invitation or cancellation sent)."""

    uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, unique=True)
    context_kind = models.CharField(_("cadre"), max_length=10, choices=ContextKind.choices)
    context_id = models.PositiveBigIntegerField(_("n° de la demande ou de la chaîne"))
    host = models.ForeignKey(
        TenantProfile,
        verbose_name=_("ménage qui reçoit"),
        on_delete=models.CASCADE,
        related_name="visits_hosted",
    )
    visitor = models.ForeignKey(
        TenantProfile,
        verbose_name=_("ménage qui visite"),
        on_delete=models.CASCADE,
        related_name="visits_made",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        TenantProfile,
        verbose_name=_("créneaux proposés par"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("créneaux proposés le"), default=timezone.now)
    starts_at = models.DateTimeField(_("début"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        TenantProfile,
        verbose_name=_("annulée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(_("version de l’invitation"), default=0)
    invited_at = models.DateTimeField(_("dernière invitation envoyée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("visite")
        verbose_name_plural = _("visites")
        ordering = ["context_kind", "context_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["context_kind", "context_id", "host"], name="visit_one_per_home"
            ),
            models.CheckConstraint(condition=~Q(host=models.F("visitor")), name="visit_not_own"),
        ]
        indexes = [
            # The reminders' job reads the confirmed visits by start.
            models.Index(
                fields=["starts_at"], condition=Q(status="confirmed"), name="visit_confirmed_idx"
            ),
        ]

    def __str__(self):
        return str(_("Visite n° %(pk)s") % {"pk": self.pk})

    def involves(self, profile) -> bool:
        return profile is not None and profile.pk in (self.host_id, self.visitor_id)

    def other(self, profile):
        return self.visitor if profile.pk == self.host_id else self.host

    @property
    def picker_id(self):
        """The household that picks among the slots: the one that did not propose them."""
        return self.visitor_id if self.proposed_by_id == self.host_id else self.host_id


class VisitSlot(models.Model):
    """One of the one to three time slots proposed (replaced by a new proposal)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        verbose_name = _("créneau proposé")
        verbose_name_plural = _("créneaux proposés")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.visit_id} {self.starts_at:%Y-%m-%d %H:%M}"
