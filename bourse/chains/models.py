"""Chain proposals: a cycle of 3 to 5 households, each moving into the next one's
dwelling, proposed to all of them (``services.find_chains``)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bourse.models import Dwelling, Landlord
from bourse.tenants.models import Listing


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("en attente des réponses")
    ACCEPTED = "accepted", _("acceptée : dossier d’échange ouvert")
    DISSOLVED = "dissolved", _("dissoute")


class EndReason(models.TextChoices):
    DECLINED = "declined", _("un ménage a décliné")
    STALE = "stale", _("un logement n’est plus disponible ou ne correspond plus")
    BUSY = "busy", _("un ménage est entré dans un autre dossier d’échange")
    FAILED = "failed", _("le dossier d’échange n’a pas pu être ouvert")


class ChainProposal(models.Model):
    """A proposed chain. ``signature`` is the listings' ids in moving order, starting
    with the smallest (one open proposal per chain; a declined one is never proposed
    again)."""

    status = models.CharField(
        _("statut"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    size = models.PositiveSmallIntegerField(_("nombre de ménages"))
    signature = models.CharField(_("signature"), max_length=120)
    closeness = models.FloatField(_("proximité des critères"), default=0)
    waiting_days = models.FloatField(_("attente moyenne (jours)"), default=0)
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    end_reason = models.CharField(
        _("motif de fin"), max_length=10, choices=EndReason.choices, blank=True
    )
    exchange_file = models.ForeignKey(
        "exchanges.ExchangeFile",
        verbose_name=_("dossier d’échange"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposition de chaîne")
        verbose_name_plural = _("propositions de chaînes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["signature"],
                condition=Q(status="open"),
                name="chain_one_open_proposal_per_chain",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="chain_status_idx"),
            models.Index(
                fields=["signature"], condition=Q(end_reason="declined"), name="chain_declined_idx"
            ),
        ]

    def __str__(self):
        return str(_("Chaîne n° %(pk)s") % {"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN


class Answer(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("déclinée")


class ChainMember(models.Model):
    """A household of a proposal: the listing (and dwelling) it leaves; it moves into
    the dwelling of the member at the next position (the last into the first's)."""

    proposal = models.ForeignKey(ChainProposal, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(_("position"))
    listing = models.ForeignKey(
        Listing, verbose_name=_("annonce"), on_delete=models.CASCADE, related_name="chain_members"
    )
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("logement quitté"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    landlord = models.ForeignKey(
        Landlord, verbose_name=_("bailleur"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(
        _("réponse"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("ménage d’une chaîne")
        verbose_name_plural = _("ménages des chaînes")
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "position"], name="chain_member_position_once"
            ),
            models.UniqueConstraint(fields=["proposal", "listing"], name="chain_member_once"),
        ]
        indexes = [models.Index(fields=["listing", "proposal"], name="chain_member_listing_idx")]

    def __str__(self):
        return f"{self.proposal} — {self.position}"
