"""Pseudonymous conversations between households (issue 17).

One conversation per contact request (between its two tenants) and one per chain
proposal (between its households); each household knows the others only by a
pseudonym (``services.pseudonym``). Messages are stored with their contact
details masked; a household may share its phone number on purpose
(``PhoneShare``), report a message (``MessageReport``, the AMO's queue) or block
another household (``HouseholdBlock``). After the retention period the messages
are blanked and the conversation stays as a counted shell (``purged_at``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bourse.tenants.models import ContactRequest, TenantProfile

BODY_MAX_LENGTH = 5000


class Conversation(models.Model):
    """``subject_key`` names what the conversation is about: ``request:<pk>`` (a contact
    request, also linked by ``contact_request``) or ``chain:<pk>`` (a chain proposal:
    the chains app, above this one, creates it and tells its state)."""

    subject_key = models.CharField(_("objet"), max_length=40, unique=True)
    contact_request = models.OneToOneField(
        ContactRequest,
        verbose_name=_("demande de contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversation",
    )
    created_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    # When it became read-only (the request ended, the exchange file closed…): kept in
    # step by ``services.sync_state``; the retention period counts from it.
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    purged_at = models.DateTimeField(_("purgée le"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("nombre de messages"), default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(
                fields=["closed_at"], condition=Q(purged_at__isnull=True), name="conv_closed_idx"
            )
        ]

    def __str__(self):
        return str(_("Conversation n° %(pk)s") % {"pk": self.pk})

    @property
    def kind(self) -> str:
        return self.subject_key.split(":", 1)[0]

    @property
    def subject_id(self) -> int:
        return int(self.subject_key.split(":", 1)[1])


class Participant(models.Model):
    """A household in a conversation, with what it has read and when it was last told."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    tenant = models.ForeignKey(
        TenantProfile, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    # The last message read (its id): the unread ones come after it.
    last_read_id = models.BigIntegerField(_("dernier message lu"), default=0)
    last_read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    last_notified_at = models.DateTimeField(_("prévenu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "tenant"], name="conv_participant_once")
        ]
        indexes = [models.Index(fields=["tenant", "conversation"], name="conv_participant_idx")]

    def __str__(self):
        return f"{self.conversation_id} — {self.tenant_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        TenantProfile,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("texte"), max_length=BODY_MAX_LENGTH)
    masked = models.PositiveSmallIntegerField(_("coordonnées masquées"), default=0)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="conv_message_idx")]

    def __str__(self):
        return f"{self.conversation_id} #{self.pk}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("à examiner")
    CLOSED = "closed", _("traité")


class MessageReport(models.Model):
    """A household reports a message: the AMO then reads the conversation, and only then."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        TenantProfile, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    closed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("suite donnée"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("signalement d’un message")
        verbose_name_plural = _("signalements de messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="conv_report_status_idx")]

    def __str__(self):
        return f"{self.message_id} ({self.get_status_display()})"


class HouseholdBlock(models.Model):
    """``blocker`` receives no more requests nor messages from ``blocked``."""

    blocker = models.ForeignKey(TenantProfile, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(TenantProfile, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("bloqué le"), default=timezone.now)

    class Meta:
        verbose_name = _("ménage bloqué")
        verbose_name_plural = _("ménages bloqués")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="conv_block_once")
        ]

    def __str__(self):
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class PhoneShare(models.Model):
    """« Partager mon numéro avec … »: who shared which number with whom, when; revocable
    (``revoked_at``; the number is then forgotten)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="phone_shares"
    )
    owner = models.ForeignKey(TenantProfile, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(TenantProfile, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("numéro partagé"), max_length=30, blank=True)
    shared_at = models.DateTimeField(_("partagé le"), default=timezone.now)
    revoked_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("numéro partagé")
        verbose_name_plural = _("numéros partagés")
        ordering = ["shared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "owner", "recipient"],
                condition=Q(revoked_at__isnull=True),
                name="conv_phone_share_once",
            )
        ]

    def __str__(self):
        return f"{self.owner_id} → {self.recipient_id}"


class MessagingPreferences(models.Model):
    """A tenant's choices for conversations: the name others see, and the new-message
    notices (the SMS also needs the alerts' SMS consent, ``TenantProfile.alert_sms``)."""

    tenant = models.OneToOneField(
        TenantProfile, on_delete=models.CASCADE, related_name="messaging_preferences"
    )
    display_name = models.CharField(_("nom affiché"), max_length=40, blank=True)
    mail_with_text = models.BooleanField(_("texte du message dans le courriel"), default=True)
    sms = models.BooleanField(_("SMS à chaque nouveau message"), default=True)

    class Meta:
        verbose_name = _("préférences de messagerie")
        verbose_name_plural = _("préférences de messagerie")

    def __str__(self):
        return str(self.tenant_id)
