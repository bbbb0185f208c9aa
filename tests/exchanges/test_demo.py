"""The demo files: every step and closure, 2 and 3 households, idempotent."""

from bourse import demo as bourse_demo
from bourse.exchanges import demo
from bourse.exchanges.alerts import alerts_of
from bourse.exchanges.models import ExchangeEvent, ExchangeFile, Step


def test_demo_files_cover_every_step_and_closure_and_load_once(db, django_assert_max_num_queries):
    bourse_demo.load()
    created = demo.load()
    assert created == [s.key for s in demo.SCENARIOS]
    files = ExchangeFile.objects.prefetch_related("parties")
    assert {f.step for f in files} == set(Step.values)
    sizes = {f.parties.count() for f in files}
    assert sizes == {2, 3}
    same_landlord = [f for f in files if len({p.landlord_id for p in f.parties.all()}) == 1]
    assert same_landlord
    assert {a for f in files for a in alerts_of(f)} == {1, 2, 3, 4, 5}
    events = ExchangeEvent.objects.count()
    outbound = __import__("portal.models", fromlist=["OutboundEmail"]).OutboundEmail
    assert not outbound.objects.filter(kind__startswith="exchange_").exists()

    assert demo.load() == []
    assert ExchangeFile.objects.count() == len(demo.SCENARIOS)
    assert ExchangeEvent.objects.count() == events
    renounced = ExchangeFile.objects.get(step=Step.CLOSED_BY_TENANT)
    assert renounced.parties.get(position=1).tenant_user is not None


def test_with_the_tenants_demo_its_accounts_are_used_and_no_other_is_made(db):
    from django.contrib.auth import get_user_model

    from bourse.tenants import demo as tenants_demo

    bourse_demo.load()
    tenants_demo.load()
    assert demo.load() == [s.key for s in demo.SCENARIOS]
    assert not get_user_model().objects.filter(username__startswith="dossier-locataire").exists()
    renounced = ExchangeFile.objects.get(step=Step.CLOSED_BY_TENANT)
    tenant = renounced.parties.get(position=1).tenant_user
    assert tenant is not None and tenant.tenant_profile is not None
    in_progress = ExchangeFile.objects.filter(
        step__in=[s for s in Step.values if s != "closed_tenant"]
    )
    assert not in_progress.filter(parties__tenant_user__isnull=False).exists()
