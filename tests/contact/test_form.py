"""The public form: submission, acknowledgement, abuse handling."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bourse.contact.forms import ContactForm
from bourse.contact.models import ContactEvent, ContactMessage, Destination, Status
from portal.models import OutboundEmail

from .conftest import NO_REPLY, SUPPORT_INBOX, TENANT_EMAIL, form_data

pytestmark = pytest.mark.django_db

URL = "/contact/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def post(client, **changes):
    return client.post(URL, form_data(**changes))


def test_contact_url_and_links():
    assert reverse("contact:form") == URL


def test_form_page(client, landlord):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nous contacter" in html
    assert 'href="/donnees-personnelles/"' in html
    assert landlord.name in html
    assert 'enctype="multipart/form-data"' in html
    # The honeypot is out of sight and out of the keyboard order.
    assert 'class="d-none"' in html and 'tabindex="-1"' in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_tenant_file_question_is_stored_forwarded_and_acknowledged(
    client, landlord, dwelling, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, landlord=str(landlord.pk))
    assert response.status_code == 302 and response["Location"] == "/contact/merci/"
    message = ContactMessage.objects.get()
    assert message.reference.startswith("EH-20") and len(message.reference) == 14
    assert message.status == Status.FORWARDED and message.forwarded_at
    assert message.destination == Destination.LANDLORD and message.dwelling == dwelling
    assert message.category == "dossier" and message.consent_at

    forward = next(m for m in mail.outbox if "gestion@ssdh.example" in m.to)
    assert forward.from_email == "Echanger Habiter <support-equipe@amo.example>"
    assert forward.reply_to == [TENANT_EMAIL]
    assert message.reference in forward.subject and "inéligible" in forward.body
    assert "LOG-42" in forward.body
    assert f"/contact/espace-bailleur/{message.pk}/" in forward.body

    ack = next(m for m in mail.outbox if m.to == [TENANT_EMAIL])
    assert ack.from_email == NO_REPLY and ack.reply_to == []
    assert message.reference in ack.subject and message.reference in ack.body
    assert landlord.name in ack.body
    assert len(mail.outbox) == 2

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert message.reference in page.content.decode()
    assert "transmise à votre bailleur" in page.content.decode()
    kinds = list(message.events.values_list("kind", flat=True))
    assert kinds == ["recu", "transmis", "accuse"]


def test_technical_question_goes_to_the_support_inbox(
    client, landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, topic="bug", landlord=str(landlord.pk))
    message = ContactMessage.objects.get()
    assert message.status == Status.NEW and message.destination == Destination.SUPPORT
    notice = next(m for m in mail.outbox if m.to == [SUPPORT_INBOX])
    assert message.reference in notice.subject
    assert "/admin/messages-de-contact/" in notice.body
    assert notice.reply_to == []  # replying from a mail client would leak the address


def test_unknown_landlord_is_flagged_for_the_support(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, landlord="inconnu", landlord_other="OPH de Nulle-Part")
    message = ContactMessage.objects.get()
    assert message.to_investigate and message.status == Status.NEW
    assert message.landlord is None and message.landlord_other == "OPH de Nulle-Part"
    notice = next(m for m in mail.outbox if m.to == [SUPPORT_INBOX])
    assert notice.subject.startswith("[À instruire]")


def test_reference_numbers_follow_each_other(client, landlord):
    post(client, topic="bug", landlord=str(landlord.pk))
    post(client, topic="bug", landlord=str(landlord.pk))
    first, second = ContactMessage.objects.order_by("pk").values_list("reference", flat=True)
    assert int(second[-6:]) == int(first[-6:]) + 1 and first[:8] == second[:8]


def test_honeypot_pretends_success_and_stores_nothing(client, landlord):
    response = post(client, landlord=str(landlord.pk), website="http://spam.example")
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 0 and OutboundEmail.objects.count() == 0
    page = client.get(response["Location"])
    assert page.status_code == 200 and "EH-" not in page.content.decode()


def test_rate_limit_per_address_keeps_the_text(client, settings, landlord):
    settings.CONTACT_RATE_LIMIT = "2/h"
    assert post(client, topic="bug", landlord=str(landlord.pk)).status_code == 302
    assert post(client, topic="bug", landlord=str(landlord.pk)).status_code == 302
    response = post(client, topic="bug", landlord=str(landlord.pk), body="Troisième essai")
    assert response.status_code == 429
    html = response.content.decode()
    assert "envoyé plusieurs messages en peu de temps" in html
    assert "Troisième essai" in html
    assert ContactMessage.objects.count() == 2
    # Another address is not blocked.
    response = client.post(
        URL, form_data(topic="bug", landlord=str(landlord.pk)), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


def test_invalid_forms_do_not_use_the_quota(client, settings, landlord):
    settings.CONTACT_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert post(client, body="").status_code == 200
    assert post(client, topic="bug", landlord=str(landlord.pk)).status_code == 302


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", "Awa\r\nBcc: victime@example.org"),
        ("name", "Awa\nTo: victime@example.org"),
        ("email", "locataire@exemple.fr\r\nBcc: victime@example.org"),
        ("email", "locataire@exemple.fr\nCc:victime@example.org"),
        ("tenant_reference", "LOC-42\r\nBcc: victime@example.org"),
        ("topic", "bug\r\nBcc: victime@example.org"),
    ],
)
def test_header_injection_is_refused(client, landlord, field, value):
    response = post(client, landlord=str(landlord.pk), **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ContactMessage.objects.count() == 0 and mail.outbox == []


def test_a_100000_character_message_gets_a_clear_message(client, landlord):
    response = post(client, landlord=str(landlord.pk), body="a" * 100_000)
    assert response.status_code == 200
    error = response.context["form"].errors["body"][0]
    assert "trop long" in error and "5000" in error and "100000" in error
    assert ContactMessage.objects.count() == 0


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_an_empty_message_gets_a_clear_message(client, landlord, body):
    response = post(client, landlord=str(landlord.pk), body=body)
    assert response.context["form"].errors["body"] == ["Écrivez votre message."]
    assert "Le formulaire contient" in response.content.decode()


def test_html_and_script_are_stored_as_text_and_shown_escaped(
    client, landlord, dwelling, landlord_admin, support_user
):
    body = '<script>alert("x")</script><b>gras</b> <img src=x onerror=alert(1)>'
    post(client, landlord=str(landlord.pk), body=body)
    message = ContactMessage.objects.get()
    assert message.body == body
    ack = OutboundEmail.objects.get(to=[TENANT_EMAIL])
    assert ack.html_body == ""  # plain text only
    for user, url in (
        (support_user, f"/admin/messages-de-contact/inspect/{message.pk}/"),
        (landlord_admin, f"/contact/espace-bailleur/{message.pk}/"),
    ):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_required_fields_and_consent(client, landlord):
    response = post(client, consent="", landlord="", tenant_reference="")
    errors = response.context["form"].errors
    assert "consent" in errors and "landlord" in errors and "tenant_reference" in errors
    assert "accepter le traitement" in errors["consent"][0]
    response = post(
        client, sender_kind="locataire_non_inscrit", landlord=str(landlord.pk), tenant_reference=""
    )
    assert response.status_code == 302  # a tenant not yet registered may not know it


def test_inactive_or_unknown_landlord_is_refused(client, landlord):
    landlord.active = False
    landlord.save()
    response = post(client, landlord=str(landlord.pk))
    assert "landlord" in response.context["form"].errors
    response = post(client, landlord="999999")
    assert "landlord" in response.context["form"].errors


def test_png_attachment_is_kept_privately_and_served_to_staff_only(
    client, landlord, dwelling, agent, other_agent, support_user
):
    upload = SimpleUploadedFile("capture écran.png", PNG, content_type="image/png")
    response = client.post(URL, {**form_data(landlord=str(landlord.pk)), "attachment": upload})
    assert response.status_code == 302
    message = ContactMessage.objects.get()
    assert message.attachment.name.startswith("private/contact/")
    assert message.attachment.name.endswith(".png")
    assert message.attachment_name == "capture écran.png"
    url = reverse("contact:attachment", args=[message.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(other_agent)
    assert client.get(url).status_code == 404
    for user in (agent, support_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
    assert not message.attachment.url.startswith("/media/images/")


@pytest.mark.parametrize(
    "name,content,error",
    [
        ("faux.png", b"MZ\x90\x00 ceci est un executable", "PNG, JPEG ou PDF"),
        ("page.html", b"<html><script>alert(1)</script></html>", "PNG, JPEG ou PDF"),
        ("gros.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1), "trop volumineux"),
    ],
)
def test_attachment_is_checked_by_content_and_size(client, landlord, name, content, error):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(URL, {**form_data(landlord=str(landlord.pk)), "attachment": upload})
    assert response.status_code == 200
    assert error in response.context["form"].errors["attachment"][0]
    assert ContactMessage.objects.count() == 0


def test_pdf_attachment_is_accepted(client, landlord):
    upload = SimpleUploadedFile("avis.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "x/y")
    response = client.post(URL, {**form_data(landlord=str(landlord.pk)), "attachment": upload})
    assert response.status_code == 302
    assert ContactMessage.objects.get().attachment.name.endswith(".pdf")


def test_tenant_area_prefill(landlord):
    initial = ContactForm.initial_for_tenant(
        name="Awa Diallo", email=TENANT_EMAIL, landlord=landlord, tenant_reference="LOC-42"
    )
    form = ContactForm(initial=initial)
    html = str(form["tenant_reference"]) + str(form["landlord"]) + str(form["sender_kind"])
    assert 'value="LOC-42"' in html
    assert f'value="{landlord.pk}" selected' in html
    checked = [w for w in form["sender_kind"] if "checked" in str(w.tag())]
    assert [w.data["value"] for w in checked] == ["locataire_inscrit"]


def test_thanks_page_without_a_message(client):
    response = client.get("/contact/merci/")
    assert response.status_code == 200 and "Merci" in response.content.decode()


def test_events_are_recorded_for_a_support_message(client, landlord):
    post(client, topic="site", landlord=str(landlord.pk))
    kinds = list(ContactEvent.objects.values_list("kind", flat=True))
    assert kinds == ["recu", "support", "accuse"]
