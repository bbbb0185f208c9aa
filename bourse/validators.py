"""Validators of French identifiers."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def luhn_is_valid(digits: str) -> bool:
    """Luhn checksum (ISO/IEC 7812) of a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(digits: str) -> str:
    """The digit to append to ``digits`` so that the whole passes Luhn."""
    for candidate in "0123456789":
        if luhn_is_valid(digits + candidate):
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def normalize_siret(value: str) -> str:
    """Drop the spaces people type in a SIRET ("775 672 272 00011")."""
    return "".join(str(value or "").split())


@deconstructible
class SiretValidator:
    """A SIRET has 14 digits and a valid Luhn key."""

    message_length = _("Le numéro SIRET doit comporter exactement 14 chiffres.")
    message_luhn = _(
        "Ce numéro SIRET n’est pas valide (la clé de contrôle ne correspond pas) : "
        "vérifiez les 14 chiffres."
    )
    code = "invalid_siret"

    def __call__(self, value):
        siret = normalize_siret(value)
        if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
            raise ValidationError(self.message_length, code=self.code, params={"value": value})
        if not luhn_is_valid(siret):
            raise ValidationError(self.message_luhn, code=self.code, params={"value": value})

    def __eq__(self, other):
        return isinstance(other, SiretValidator)


validate_siret = SiretValidator()
