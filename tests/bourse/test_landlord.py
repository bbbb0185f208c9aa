import pytest
from django.core.exceptions import ValidationError

from bourse.models import Landlord
from bourse.validators import luhn_check_digit, luhn_is_valid, validate_siret

VALID_SIRET = "73282932000074"  # a well-known valid SIRET (Luhn-valid)


def test_luhn_reference_values():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")
    assert luhn_check_digit("7992739871") == "3"


def test_valid_siret_passes():
    assert luhn_is_valid(VALID_SIRET)
    validate_siret(VALID_SIRET)


def test_siret_with_thirteen_digits_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_siret(VALID_SIRET[:-1])
    assert "14 chiffres" in error.value.messages[0]


def test_siret_with_letters_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_siret("7328293200007A")
    assert "14 chiffres" in error.value.messages[0]


def test_siret_with_non_ascii_digits_is_refused():
    with pytest.raises(ValidationError):
        validate_siret("٧٣٢٨٢٩٣٢٠٠٠٠٧٤")


def test_siret_with_bad_luhn_key_is_refused():
    bad = VALID_SIRET[:-1] + str((int(VALID_SIRET[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        validate_siret(bad)
    assert "clé de contrôle" in error.value.messages[0]


@pytest.mark.django_db
def test_landlord_full_clean_checks_siret():
    landlord = Landlord(name="Bailleur test", siret="12345678901234")
    with pytest.raises(ValidationError) as error:
        landlord.full_clean()
    assert "siret" in error.value.message_dict
    landlord.siret = "12345678901237"[:13] + luhn_check_digit("1234567890123")
    landlord.full_clean()
    landlord.save()
    assert list(Landlord.objects.active()) == [landlord]


@pytest.mark.django_db
def test_landlord_snippet_admin_lists_and_filters(admin_client):
    Landlord.objects.create(name="Paris Habitat", siret=VALID_SIRET, active=True)
    Landlord.objects.create(
        name="Ancien bailleur",
        siret="1234567890123" + luhn_check_digit("1234567890123"),
        active=False,
    )
    response = admin_client.get("/admin/snippets/bourse/landlord/")
    assert response.status_code == 200
    assert "Paris Habitat" in response.text
    response = admin_client.get("/admin/snippets/bourse/landlord/?active=false")
    assert response.status_code == 200
    assert "Ancien bailleur" in response.text
    assert "Paris Habitat" not in response.text
    response = admin_client.get("/admin/snippets/bourse/landlord/?q=paris")
    assert "Paris Habitat" in response.text
    assert "Ancien bailleur" not in response.text
