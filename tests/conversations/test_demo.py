"""The demo has conversations: locataire1 and locataire2 write to each other, a number
was masked in one message and shared on purpose afterwards."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from bourse.conversations import demo
from bourse.conversations.models import Conversation, Message, PhoneShare

pytestmark = pytest.mark.django_db


def test_demo_conversations(client, demo_content):
    assert Conversation.objects.count() >= 5
    assert Message.objects.filter(masked__gt=0, body__contains="[numéro masqué]").exists()
    share = PhoneShare.objects.get(revoked_at=None)
    assert share.owner.user.username == "locataire2"
    assert share.recipient.user.username == "locataire1"
    before = Message.objects.count()
    demo.load()  # idempotent
    assert Message.objects.count() == before
    client.force_login(get_user_model().objects.get(username="locataire1"))
    page = client.get(reverse("conversations:list")).content.decode()
    assert "Conversation avec" in page and "non lu" in page
    conversation = Conversation.objects.get(pk=share.conversation_id)
    detail = client.get(reverse("conversations:detail", args=[conversation.pk]))
    assert share.phone in detail.content.decode()
