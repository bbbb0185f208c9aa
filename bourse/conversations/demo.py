"""Demo conversations (issue 17): after the tenants' demo (its contact requests open their
conversations by themselves), a few messages between ``locataire1`` and ``locataire2``
(accepted request) — one whose phone number was masked, then the number shared on
purpose — and between ``locataire14`` and ``locataire13``. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bourse.contact_details import mask_contact_details
from bourse.tenants.models import ContactRequest, TenantProfile

from . import services
from .models import Conversation, Message, Participant, PhoneShare

# (sender n, receiver n of the request) → messages: (author n, text, hours ago)
SCRIPTS = {
    (1, 2): [
        (2, "Bonjour ! Quand pourriez-vous visiter ? Appelez-moi au 06 12 34 56 78.", 70),
        (1, "Merci ! Samedi matin nous irait bien. Je préfère passer par la messagerie.", 66),
        (2, "Parfait. Je vous ai partagé mon numéro pour le jour de la visite.", 30),
    ],
    (14, 13): [
        (13, "Bonjour, votre T3 a-t-il un balcon ? Le nôtre est au 3e étage avec ascenseur.", 20),
        (14, "Oui, un petit balcon exposé sud. Loyer 640 € charges comprises.", 5),
    ],
}
SHARES = [((1, 2), 2, 1)]  # (request, owner n, recipient n)


def _profile(n: int) -> TenantProfile | None:
    return TenantProfile.objects.filter(user__username=f"locataire{n}").first()


@transaction.atomic
def load() -> None:
    now = timezone.now()
    for (sender_n, receiver_n), script in SCRIPTS.items():
        sender, receiver = _profile(sender_n), _profile(receiver_n)
        request_obj = ContactRequest.objects.filter(sender=sender, receiver=receiver).first()
        if request_obj is None:
            continue
        conversation = services.conversation_for_request(request_obj)
        for author_n, text, hours in script:
            body, masked = mask_contact_details(text)
            author = _profile(author_n)
            if Message.objects.filter(conversation=conversation, sender=author, body=body).exists():
                continue
            Message.objects.create(
                conversation=conversation,
                sender=author,
                body=body,
                masked=len(masked),
                created_at=now - timedelta(hours=hours),
            )
            Conversation.objects.filter(pk=conversation.pk).update(
                message_count=F("message_count") + 1
            )
        # Each household has read up to its own last message: the other's later ones
        # are unread (the header and the dashboard show them).
        for seat in conversation.participants.all():
            own_last = conversation.messages.filter(sender=seat.tenant).order_by("-pk").first()
            if own_last is not None:
                Participant.objects.filter(pk=seat.pk, last_read_id__lt=own_last.pk).update(
                    last_read_id=own_last.pk, last_read_at=own_last.created_at
                )
    for (sender_n, receiver_n), owner_n, recipient_n in SHARES:
        request_obj = ContactRequest.objects.filter(
            sender=_profile(sender_n), receiver=_profile(receiver_n)
        ).first()
        owner, recipient = _profile(owner_n), _profile(recipient_n)
        if request_obj is None or owner is None or recipient is None:
            continue
        conversation = Conversation.objects.filter(contact_request=request_obj).first()
        if (
            conversation is None
            or PhoneShare.objects.filter(
                conversation=conversation, owner=owner, recipient=recipient
            ).exists()
        ):
            continue
        PhoneShare.objects.create(
            conversation=conversation,
            owner=owner,
            recipient=recipient,
            phone=owner.phone or "06 12 34 56 78",
            shared_at=now - timedelta(hours=30),
        )
