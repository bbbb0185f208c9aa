from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "bourse.chains"
    label = "chains"
    verbose_name = _("Chaînes d’échange")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bourse.conversations import services as conversations
        from bourse.tenants import alerts

        from . import conversation, services, signals, visits  # noqa: F401

        alerts.chain_proposals_for = services.new_proposals_for  # the digest's chain section
        visits.connect()  # the visits of an accepted chain (bourse.visits.contexts)
        conversations.STATE_READERS["chain"] = conversation.ended_at  # open while the chain is
