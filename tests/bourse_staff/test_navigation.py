"""The staff navigation offers moderation only to those who may moderate."""

import pytest
from django.urls import reverse

from bourse.permissions import can_moderate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "shown"), [("admin_a", True), ("amo", True), ("agent_a", False)])
def test_moderation_link_follows_the_rule(client, request, who, shown):
    user = request.getfixturevalue(who)
    client.force_login(user)
    html = client.get(reverse("bourse:staff_dashboard")).content.decode()
    assert (reverse("tenants:moderation") in html) is shown
    assert can_moderate(user) is shown
