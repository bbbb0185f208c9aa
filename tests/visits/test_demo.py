"""The demo has a confirmed visit in the future and a proposed one; loading the demo
again adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bourse.visits import demo
from bourse.visits.models import Visit, VisitStatus

pytestmark = pytest.mark.django_db


def test_demo_visits(client, demo_content):
    confirmed = Visit.objects.get(status=VisitStatus.CONFIRMED)
    assert confirmed.starts_at > timezone.now()
    assert confirmed.visitor.user.username == "locataire1"
    proposed = Visit.objects.get(status=VisitStatus.PROPOSED)
    assert proposed.slots.count() == 2
    assert proposed.picker_id == proposed.visitor_id
    demo.load()
    assert Visit.objects.count() == 2

    client.force_login(get_user_model().objects.get(username="locataire1"))
    html = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Visite du logement de" in html and "confirmée le" in html
    page = client.get(reverse("visits:detail", args=[confirmed.pk])).content.decode()
    assert confirmed.host.dwelling.address in page
    client.force_login(proposed.visitor.user)
    assert "Choisir un créneau" in client.get(reverse("tenants:dashboard")).content.decode()
