"""What the tenants app calls: open a file, who is in an open file, forget a tenant."""

import pytest

from bourse.exchanges import api, workflow
from bourse.exchanges.api import InvalidData, PartySpec, open_exchange_file
from bourse.exchanges.models import ExchangeFile, Step
from bourse.factories import DwellingFactory

from .conftest import advance, nur, open_file


def test_two_households_swap_and_a_chain_moves_round(dwellings, tenants):
    file = open_file(dwellings, tenants, ("a", "b", "c"))
    moves = {p.dwelling_left_id: p.dwelling_taken_id for p in file.parties.order_by("position")}
    a, b, c = (dwellings[k].pk for k in "abc")
    assert moves == {a: b, b: c, c: a}
    assert file.step == Step.CREATED and file.events.get().action == "open"
    party = file.parties.get(position=1)
    assert (party.tenant_name, party.tenant_reference) == (
        dwellings["a"].tenant_name,
        dwellings["a"].tenant_reference,
    )
    assert party.landlord == dwellings["a"].landlord


def test_explicit_moves_are_kept(dwellings, tenants):
    file = open_exchange_file(
        [
            PartySpec(dwellings["a"], nur(1), tenants["a"], dwellings["c"]),
            PartySpec(dwellings["b"], nur(2), tenants["b"], dwellings["a"]),
            PartySpec(dwellings["c"], nur(3), tenants["c"], dwellings["b"]),
        ],
        None,
    )
    assert file.parties.get(position=1).dwelling_taken == dwellings["c"]
    assert file.events.get().actor_kind == "system"


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (lambda d: [{"dwelling_left": d[0], "nur": nur(1)}], "de 2 à 5"),
        (lambda d: [{"dwelling_left": x, "nur": nur(1)} for x in d[:6]], "de 2 à 5"),
        (
            lambda d: [{"dwelling_left": d[0], "nur": nur(1)}, {"dwelling_left": d[1], "nur": " "}],
            "NUR",
        ),
        (
            lambda d: [
                {"dwelling_left": d[0], "nur": nur(1)},
                {"dwelling_left": d[0], "nur": nur(2)},
            ],
            "deux fois",
        ),
        (
            lambda d: [
                {"dwelling_left": d[0], "nur": nur(1), "dwelling_taken": d[2]},
                {"dwelling_left": d[1], "nur": nur(2), "dwelling_taken": d[0]},
            ],
            "emménager",
        ),
        (
            lambda d: [
                {"dwelling_left": d[0], "nur": nur(1), "dwelling_taken": d[0]},
                {"dwelling_left": d[1], "nur": nur(2), "dwelling_taken": d[1]},
            ],
            "emménager",
        ),
    ],
)
def test_refused_files(landlords, specs, message):
    pool = [
        DwellingFactory(landlord=landlords["abc"[n % 3]], commune_contingent=True) for n in range(6)
    ]
    with pytest.raises(InvalidData, match=message):
        open_exchange_file(specs(pool), None)
    assert not ExchangeFile.objects.exists()


def test_a_dwelling_is_in_one_open_file_at_a_time(dwellings, tenants, landlords, amo):
    file = open_file(dwellings, tenants, ("a", "b"))
    other = DwellingFactory(landlord=landlords["c"], commune_contingent=True)
    spec = [
        {"dwelling_left": dwellings["a"], "nur": nur(1)},
        {"dwelling_left": other, "nur": nur(2)},
    ]
    with pytest.raises(InvalidData, match="déjà partie"):
        open_exchange_file(spec, None)
    workflow.perform(file, "close_by_landlord", amo, data={"reason": "x"})
    assert open_exchange_file(spec, None).step == Step.CREATED


def test_who_is_in_an_open_file(dwellings, tenants, amo):
    file = open_file(dwellings, tenants, ("a", "b"))
    assert set(api.tenants_in_open_files()) == {tenants["a"], tenants["b"]}
    assert set(api.dwellings_in_open_files()) == {dwellings["a"], dwellings["b"]}
    assert api.open_file_of(tenants["a"]) == file
    assert api.open_file_of(tenants["c"]) is None
    advance(file, Step.DONE, amo)
    assert not api.tenants_in_open_files().exists()
    assert not api.dwellings_in_open_files().exists()


def test_opening_sends_the_signal(dwellings, tenants):
    received = []

    def receiver(sender, file, reopened, **kwargs):
        received.append((file.pk, reopened))

    api.signals.exchange_file_opened.connect(receiver)
    try:
        file = open_file(dwellings, tenants, ("a", "b"))
    finally:
        api.signals.exchange_file_opened.disconnect(receiver)
    assert received == [(file.pk, False)]


def test_forget_a_tenant_only_on_files_that_are_over(dwellings, tenants, amo, landlords):
    open_one = open_file(dwellings, tenants, ("a", "b"))
    assert api.forget_tenant(tenants["a"]) == 0
    workflow.perform(open_one, "close_by_landlord", amo, data={"reason": "x"})
    assert api.forget_tenant(tenants["a"]) == 1
    party = open_one.parties.get(position=1)
    assert (party.tenant_user, party.tenant_name, party.tenant_reference) == (None, "", "")
    assert open_one.parties.get(position=2).tenant_user == tenants["b"]
