"""Links in the contact mails start with SITE_URL, whatever host served the form."""

import pytest
from django.core import mail

from .conftest import SUPPORT_INBOX, form_data

pytestmark = pytest.mark.django_db


def test_support_notice_links_to_site_url(
    client, landlord, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portail.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/contact/", form_data(topic="bug", landlord=str(landlord.pk)), HTTP_HOST="localhost"
        )
    notice = next(m for m in mail.outbox if m.to == [SUPPORT_INBOX])
    links = [word for word in notice.body.split() if "://" in word]
    assert links
    assert all(link.startswith("https://portail.example.org/") for link in links), links
