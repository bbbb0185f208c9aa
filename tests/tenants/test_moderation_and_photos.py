"""Photos checked by content, EXIF stripped; moderation sample and reports;
content removal with its reason; anonymisation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bourse.tenants import moderation, services
from bourse.tenants.models import (
    ContactRequest,
    DeactivationReason,
    ListingPhoto,
    ListingStatus,
    ModerationCase,
    ModerationSource,
    ModerationStatus,
    TenantProfile,
)
from bourse.tenants.photos import MAX_PIXELS, clean_photo
from portal.models import OutboundEmail

from .conftest import make_tenant

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Fabricant"  # Make
    gps = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_exif_and_gps_are_stripped():
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the source has a position
    cleaned = clean_photo(upload(data))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info


def test_png_with_transparency_and_webp_are_accepted():
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGBA", (30, 20), (0, 0, 255, 100)).save(out, format=fmt)
        cleaned = clean_photo(upload(out.getvalue(), name=f"a.{fmt.lower()}"))
        assert Image.open(io.BytesIO(cleaned.read())).mode == "RGB"


@pytest.mark.parametrize(
    "data",
    [
        b"Ceci est un fichier texte, pas une image.\n",
        b"%PDF-1.4\n1 0 obj <<>> endobj\n",
        b"\xff\xd8\xff\xe0" + b"\x00" * 40,  # a JPEG header and nothing else
    ],
)
def test_files_that_are_not_images_are_refused_whatever_their_name(data):
    with pytest.raises(ValidationError, match="pas une image"):
        clean_photo(upload(data, name="vacances.jpg"))


def test_gif_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError):
        clean_photo(upload(out.getvalue(), name="x.jpg"))


def test_size_and_pixel_limits(settings):
    settings.TENANT_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="trop lourde"):
        clean_photo(upload(b"x" * 2000))
    settings.TENANT_PHOTO_MAX_BYTES = 8 * 1024 * 1024
    side = int(MAX_PIXELS**0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")  # tiny file, huge picture
    with pytest.raises(ValidationError, match="trop grande"):
        clean_photo(upload(out.getvalue(), name="big.png"))


def test_photo_upload_through_the_housing_sheet_and_who_may_see_it(client, landlord, agent_b):
    owner = make_tenant(landlord, 1)
    client.force_login(owner.user)
    response = client.post(
        "/locataire/etapes/logement/",
        {
            "description": "Trois pièces lumineuses, proche du tramway et des écoles.",
            "photos": [upload(jpeg_with_gps(), name="salon.jpg"), upload(b"texte", "faux.jpg")],
        },
    )
    assert "pas une image" in response.content.decode()
    assert not ListingPhoto.objects.exists()  # nothing half-saved
    response = client.post(
        "/locataire/etapes/logement/",
        {
            "description": "Trois pièces lumineuses, proche du tramway et des écoles.",
            "photos": [upload(jpeg_with_gps(), name="salon.jpg")],
        },
    )
    assert response.status_code == 302
    photo = ListingPhoto.objects.get()
    url = f"/locataire/photos/{photo.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert not Image.open(io.BytesIO(b"".join(response.streaming_content))).getexif()
    client.logout()
    assert client.get(url).status_code == 404  # anonymous visitors
    other = make_tenant(landlord, 2)
    client.force_login(other.user)
    assert client.get(url).status_code == 200  # a tenant, the listing being active
    owner.listing.status = ListingStatus.SUSPENDED
    owner.listing.save()
    assert client.get(url).status_code == 404
    client.force_login(agent_b)  # another landlord's agent
    assert client.get(url).status_code == 404


# --- Moderation ------------------------------------------------------------------------


def test_sampling_is_deterministic_and_about_thirty_percent():
    draws = [moderation.in_sample(listing_id, 1) for listing_id in range(1, 5001)]
    assert 0.28 < sum(draws) / len(draws) < 0.32
    assert draws == [moderation.in_sample(listing_id, 1) for listing_id in range(1, 5001)]
    assert not any(moderation.in_sample(n, 1, rate=0) for n in range(100))
    assert all(moderation.in_sample(n, 1, rate=1) for n in range(100))


def test_each_new_version_may_be_drawn_once(tenant, settings):
    settings.TENANT_MODERATION_SAMPLE_RATE = 1.0
    listing = tenant.listing
    moderation.on_new_version(listing)
    moderation.on_new_version(listing)
    assert listing.version == 2
    assert ModerationCase.objects.filter(source=ModerationSource.SAMPLE).count() == 2
    settings.TENANT_MODERATION_SAMPLE_RATE = 0.0
    moderation.on_new_version(listing)
    assert ModerationCase.objects.count() == 2


def test_editing_the_housing_sheet_makes_a_new_version(tenant, settings):
    settings.TENANT_MODERATION_SAMPLE_RATE = 1.0
    services.save_housing_sheet(tenant.listing, tenant.user, {"description": "x" * 40})
    services.save_housing_sheet(tenant.listing, tenant.user, {"description": "x" * 40})  # same
    assert tenant.listing.version == 1
    assert ModerationCase.objects.count() == 1


def test_a_report_always_enters_the_queue(client, tenant, other_tenant, amo, settings):
    settings.TENANT_MODERATION_SAMPLE_RATE = 0.0
    client.force_login(tenant.user)
    client.post(
        f"/locataire/annonces/{other_tenant.listing.pk}/signaler/",
        {"reason": "photo", "comment": "Photo sans rapport"},
    )
    client.post(f"/locataire/annonces/{other_tenant.listing.pk}/signaler/", {"reason": "text"})
    case = ModerationCase.objects.get()
    assert case.source == ModerationSource.REPORT and case.reports.count() == 2
    assert list(moderation.queue_for(amo)) == [case]


def test_queues_amo_sees_all_landlord_admin_sees_own_agent_none(
    landlord, landlord_b, amo, landlord_admin, admin_b, agent, settings
):
    settings.TENANT_MODERATION_SAMPLE_RATE = 1.0
    mine = make_tenant(landlord, 1)
    theirs = make_tenant(landlord_b, 2)
    moderation.on_new_version(mine.listing)
    moderation.on_new_version(theirs.listing)
    assert moderation.queue_for(amo).count() == 2
    assert [c.listing_id for c in moderation.queue_for(landlord_admin)] == [mine.listing.pk]
    assert [c.listing_id for c in moderation.queue_for(admin_b)] == [theirs.listing.pk]
    assert not moderation.queue_for(agent).exists()
    assert not moderation.can_moderate(agent, mine.listing)
    assert not moderation.can_moderate(admin_b, mine.listing)


def test_removing_a_photo_keeps_its_reason_and_tells_the_tenant(
    client, tenant, landlord_admin, settings
):
    settings.TENANT_MODERATION_SAMPLE_RATE = 1.0
    from bourse.tenants.photos import add_photo

    photo = add_photo(tenant.listing, upload(jpeg_with_gps()))
    moderation.on_new_version(tenant.listing)
    client.force_login(landlord_admin)
    url = f"/bourse/espace-bailleur/locataires/{tenant.pk}/photos/{photo.pk}/retirer/"
    client.post(url, {"remove-reason": ""})
    assert ListingPhoto.objects.get().removed_at is None
    client.post(url, {"remove-reason": "Visage reconnaissable"})
    photo.refresh_from_db()
    assert photo.removed_at and photo.removal_reason == "Visage reconnaissable"
    assert photo.removed_by == landlord_admin and not photo.file
    assert ModerationCase.objects.get().status == ModerationStatus.ACTED
    mail = OutboundEmail.objects.get(kind="tenants_content_removed")
    assert mail.to == [tenant.user.email] and "Visage reconnaissable" in mail.body
    event = tenant.listing.events.filter(kind="moderation").get()
    assert event.user == landlord_admin and "Visage reconnaissable" in event.reason


def test_removing_the_description(client, tenant, amo):
    client.force_login(amo)
    client.post(
        f"/bourse/espace-bailleur/locataires/{tenant.pk}/description/retirer/",
        {"remove-reason": "Numéro de téléphone dans le texte"},
    )
    tenant.listing.refresh_from_db()
    assert tenant.listing.description == ""
    assert tenant.listing.description_removed_reason == "Numéro de téléphone dans le texte"
    client.force_login(tenant.user)
    assert "Numéro de téléphone dans le texte" in client.get("/locataire/").content.decode()


def test_an_agent_cannot_moderate(client, tenant, agent):
    client.force_login(agent)
    response = client.post(
        f"/bourse/espace-bailleur/locataires/{tenant.pk}/description/retirer/",
        {"remove-reason": "x"},
    )
    assert response.status_code == 403
    assert client.get("/bourse/espace-bailleur/moderation/").status_code == 403


def test_moderation_queue_page_and_approval(client, tenant, amo, settings):
    settings.TENANT_MODERATION_SAMPLE_RATE = 1.0
    moderation.on_new_version(tenant.listing)
    case = ModerationCase.objects.get()
    client.force_login(amo)
    html = client.get("/bourse/espace-bailleur/moderation/").content.decode()
    assert f"Annonce n° {tenant.listing.pk}" in html
    client.post(f"/bourse/espace-bailleur/moderation/{case.pk}/conforme/")
    case.refresh_from_db()
    assert case.status == ModerationStatus.APPROVED and case.closed_by == amo


# --- Anonymisation -------------------------------------------------------------------------


def test_anonymisation_replaces_personal_data_and_keeps_statistics(
    client, tenant, other_tenant, agent
):
    from bourse.tenants import contacts
    from bourse.tenants.photos import add_photo

    add_photo(tenant.listing, upload(jpeg_with_gps()))
    contacts.send_request(other_tenant, tenant.listing, "Bonjour Prénom1")
    contacts.set_nur(tenant, "0751121000123GDPUB")
    email = tenant.user.email
    assert OutboundEmail.objects.filter(to__icontains=email).exists()
    client.force_login(agent)
    url = f"/bourse/espace-bailleur/locataires/{tenant.pk}/anonymiser/"
    assert "Cochez la case" in client.post(url, {}).content.decode()
    client.post(url, {"confirm": "on"})

    profile = TenantProfile.objects.select_related("user", "listing").get(pk=tenant.pk)
    user = profile.user
    assert profile.anonymised_at is not None
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert email not in user.username and not user.has_usable_password() and not user.is_active
    assert (profile.phone, profile.nur, profile.tenant_reference, profile.housing_reference) == (
        "",
        "",
        "",
        "",
    )
    assert profile.dwelling is None
    listing = profile.listing
    assert listing.status == ListingStatus.DEACTIVATED
    assert listing.deactivation_reason == DeactivationReason.ANONYMISED
    assert listing.description == "" and not listing.photos.exists() and not listing.eligible
    # Statistics kept: landlord, commune, typology, surface, criteria, history.
    assert profile.landlord_id == tenant.landlord_id
    assert (listing.commune_id, listing.typology) == ("93048", "T3")
    assert listing.events.filter(kind="anonymised").exists()
    assert ContactRequest.objects.get().message == "[supprimé]"
    assert not OutboundEmail.objects.filter(to__icontains=email).exists()
    # The dwelling can be registered again (by its next tenant).
    assert not TenantProfile.objects.filter(
        housing_reference="LOG-1", anonymised_at__isnull=True
    ).exists()
