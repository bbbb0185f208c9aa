from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A message owed to someone, on one channel: stored first, then sent by Celery
    (``portal.outbox``). Nothing is lost when the broker or the provider is down:
    the row stays ``pending`` and the channel's periodic resend task tries again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec définitif")

    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        abstract = True


class OutboundEmail(OutboxMessage):
    """The mail channel of the outbox (``portal.mail``)."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    kind = models.CharField(_("type"), max_length=60, blank=True, db_index=True)
    from_email = models.CharField(_("expéditeur"), max_length=254)
    to = models.JSONField(_("destinataires"), default=list)
    reply_to = models.JSONField(_("répondre à"), default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"))
    html_body = models.TextField(_("HTML"), blank=True)
    # Text attachments, e.g. a calendar invitation: [{"filename", "content", "mimetype"}].
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_status_idx")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
