"""The one masking function for contact details (issue 17): a corpus of real-looking
French texts, each with the text expected once masked (unchanged for the
counter-examples: prices, surfaces, floors, dates, years, postcodes, references)."""

import pytest

from bourse.contact_details import (
    EMAIL,
    PHONE,
    find_contact_details,
    has_contact_details,
    mask_contact_details,
)

P = "[numéro masqué]"
E = "[adresse masquée]"

# (text written by a tenant, the text once masked)
MASKED = [
    # Mobile numbers, every usual layout.
    ("Appelez-moi au 06 12 34 56 78 pour la visite.", f"Appelez-moi au {P} pour la visite."),
    ("Mon portable : 0612345678", f"Mon portable : {P}"),
    ("joignable au 07.81.22.45.09 le soir", f"joignable au {P} le soir"),
    ("Tel 06-12-34-56-78 merci", f"Tel {P} merci"),
    ("Mon num 06 123 456 78", f"Mon num {P}"),
    ("portable 0612 34 56 78 !", f"portable {P} !"),
    ("Contactez moi 06 12 34 56 78, je réponds vite", f"Contactez moi {P}, je réponds vite"),
    ("Voici mon numéro: 0 6 1 2 3 4 5 6 7 8", f"Voici mon numéro: {P}"),
    ("tél. 06  12  34  56  78 (après 18h)", f"tél. {P} (après 18h)"),
    ("Mon numéro 06 12 34 56 78 ou 07 98 76 54 32", f"Mon numéro {P} ou {P}"),
    ("Bonjour ! 06.12.34.56.78.", f"Bonjour ! {P}."),
    ("num:0612345678.", f"num:{P}."),
    ("06 12 34 56 78", P),
    # Landlines and other French numbers.
    ("Fixe : 01 45 67 89 10", f"Fixe : {P}"),
    ("Au bureau 04.78.12.34.56", f"Au bureau {P}"),
    ("appelez le 09 51 23 45 67 en semaine", f"appelez le {P} en semaine"),
    ("Le 05 56 00 11 22 est mon fixe", f"Le {P} est mon fixe"),
    # With the country code.
    ("Whatsapp +33 6 12 34 56 78", f"Whatsapp {P}"),
    ("+33612345678 (whatsapp)", f"{P} (whatsapp)"),
    ("mon numéro +33 (0)6 12 34 56 78", f"mon numéro {P}"),
    ("0033 6 12 34 56 78 de l'étranger", f"{P} de l'étranger"),
    ("+33 7 81 22 45 09", P),
    ("ma fille en Belgique : +32 470 12 34 56", f"ma fille en Belgique : {P}"),
    # Letters for digits.
    ("Appelez le O6 12 34 56 78", f"Appelez le {P}"),
    ("mon tel O6.I2 non : O6 12 34 56 78", f"mon tel O6.I2 non : {P}"),
    (
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        P,
    ),
    ("Mon numéro c'est zero six 12 34 56 78", f"Mon numéro c'est {P}"),
    ("06 douze 34 cinquante-six 78 appelez vite", f"{P} appelez vite"),
    (
        "zéro sept quatre-vingt-un vingt-deux quarante-cinq zéro neuf",
        P,
    ),
    (
        "Zéro six, c'est mieux : zéro six onze vingt et un trente-deux quatre-vingt-dix-neuf",
        f"Zéro six, c'est mieux : {P}",
    ),
    # E-mail addresses and their disguises.
    ("Écrivez-moi : marie.dupont75@gmail.com", f"Écrivez-moi : {E}"),
    ("mon mail jean-luc.martin@orange.fr merci", f"mon mail {E} merci"),
    ("MARIE.DUPONT@HOTMAIL.FR", E),
    ("adresse : nadia_benali@free.fr.", f"adresse : {E}."),
    ("jean.dupont(at)gmail.com", E),
    ("écrivez à jean.dupont [at] laposte [point] net", f"écrivez à {E}"),
    ("karim.b arobase gmail point com", E),
    ("karim.b arobase gmail", E),
    ("sophie.leroy at yahoo dot fr", E),
    ("mon adresse : fatou.diallo @ outlook.fr", f"mon adresse : {E}"),
    ("leila93 (arobase) hotmail (point) fr", E),
    ("contact : m.durand@mairie-exemple.fr ou 06 12 34 56 78", f"contact : {E} ou {P}"),
    ("paul.martin@sfr", E),  # a known provider without its top-level domain
]

UNCHANGED = [
    # Prices and rents.
    "Loyer 750 € charges comprises.",
    "Loyer de 1 200 euros par mois, charges 150 €.",
    "Le loyer est de 612,45 € CC",
    "APL déduite il reste 350 euros.",
    # Surfaces, rooms, floors.
    "T3 de 65 m² au 3e étage avec ascenseur.",
    "Appartement de 72m2, 4 pièces, 2 chambres, balcon de 6 m².",
    "Au 12ème étage sur 15, vue dégagée.",
    "F4 de 81,5 m2 au rez-de-chaussée.",
    # Dates, hours, years.
    "Disponible à partir du 12/06/2024.",
    "Visite possible le 01.02.2025 ou le 03.04.2025 à 14h30.",
    "Je suis dans le logement depuis 2012, construit en 1974.",
    "Rendez-vous samedi 15 mars 2025 entre 10 h et 12 h.",
    "Du 01/07/2024 au 31/08/2024 je suis absente.",
    "Visite le 06.12.2024 à 10h.",
    # Postcodes, addresses (the street number alone), communes.
    "Quartier calme, 75011 Paris, proche métro.",
    "Je cherche dans le 93 ou le 94, idéalement 93100 Montreuil.",
    "Résidence au 12 rue des Lilas, 92000 Nanterre.",
    "Bus 183 et RER C à 5 minutes.",
    "Lignes 6, 9 et 12 du métro.",
    # References: NUR, housing and tenant references.
    "Mon NUR est 0751124000123 depuis 2019.",
    "NUR 075112400012345, référence logement LGT-004512.",
    "Référence locataire 123456789.",
    "Logement n° 0012345678901.",
    "Référence du logement : PH 45 12 78.",
    # Counts and ordinary numbers, numbers in words.
    "Nous sommes 4 personnes, deux enfants de 6 et 9 ans.",
    "J'ai trois enfants et je cherche un quatre pièces.",
    "Cinq minutes à pied de l'école, dix du marché.",
    "Loyer 650 € 3e étage 2 chambres 45 m² 1 balcon",
    "Entre 2020 et 2024 le loyer est passé de 600 à 680 €.",
    "Charges : 120 € (eau chaude comprise) ; 1 place de parking.",
    # Words that look like a disguise, without an address.
    "Je suis at home le week-end.",
    "Le point fort : la cuisine équipée, au point que je la regrette.",
    "Mon adresse électronique est sur mon profil.",
    "Le code de l'interphone est 1234.",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masked(text, expected):
    masked, found = mask_contact_details(text)
    assert masked == expected
    assert found
    assert has_contact_details(text)


@pytest.mark.parametrize("text", UNCHANGED)
def test_not_masked(text):
    masked, found = mask_contact_details(text)
    assert found == []
    assert masked == text


def test_corpus_has_at_least_sixty_texts():
    assert len(MASKED) + len(UNCHANGED) >= 60


def test_kinds_and_positions():
    text = "Tél 06 12 34 56 78, mail a.b@free.fr"
    found = find_contact_details(text)
    assert [d.kind for d in found] == [PHONE, EMAIL]
    assert [text[d.start : d.end] for d in found] == ["06 12 34 56 78", "a.b@free.fr"]


def test_masking_is_idempotent():
    masked, _ = mask_contact_details("06 12 34 56 78 et x@y.fr")
    again, found = mask_contact_details(masked)
    assert again == masked
    assert found == []


def test_empty():
    assert mask_contact_details("") == ("", [])
    assert find_contact_details(None) == []
