"""The visits as the pages below them show them: the "Visites" section of a contact
request or a chain page (``{% visits_section "request" req.pk %}``), and the tenant
dashboard's list (``{% tenant_visits %}``: proposals to answer, visits to come, and
the visit-outcome form to fill once a visit has taken place)."""

from django import template
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from bourse.conversations.services import pseudonym
from bourse.tenants.models import VisitOutcome

from .. import contexts, services
from ..models import ContextKind, VisitStatus

register = template.Library()


@register.inclusion_tag("visits/section.html", takes_context=True)
def visits_section(context, kind, pk):
    request = context.get("request")
    profile = getattr(request, "tenant", None)
    visit_context = contexts.load(kind, pk, profile)
    if visit_context is None:
        return {"show": False}
    visits = {
        visit.host_id: visit
        for visit in services.visits_of(visit_context).annotate(slot_count=Count("slots"))
    }
    now = timezone.now()
    rows = []
    for host, visitor in visit_context.pairs:
        visit = visits.get(host.pk)
        rows.append(
            {
                "host_name": pseudonym(host),
                "visitor_name": pseudonym(visitor),
                "mine": profile.pk in (host.pk, visitor.pk),
                "i_host": profile.pk == host.pk,
                "i_visit": profile.pk == visitor.pk,
                "visit": visit,
                "state": services.state_label(visit, now),
            }
        )
    rows.sort(key=lambda row: (not row["mine"], not row["i_host"]))
    return {
        "show": visit_context.open or bool(visits),
        "context": visit_context,
        "rows": rows,
        "slug": {ContextKind.REQUEST: "demande", ContextKind.CHAIN: "chaine"}[visit_context.kind],
        "chain": visit_context.kind == ContextKind.CHAIN,
    }


@register.inclusion_tag("visits/dashboard.html", takes_context=True)
def tenant_visits(context):
    request = context.get("request")
    profile = getattr(request, "tenant", None)
    if profile is None:
        return {"rows": []}
    now = timezone.now()
    outcome = VisitOutcome.objects.filter(
        request_id=OuterRef("context_id"), tenant_id=OuterRef("visitor_id")
    )
    visits = (
        services.visits_for(profile)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related(*services.PROFILES)
        # Counted in a subquery: a GROUP BY over every selected column of the six
        # joined tables cost more to build and run than the rest of the dashboard.
        .annotate(slot_count=services.slot_count_subquery(), outcome_recorded=Exists(outcome))
        .order_by("starts_at", "proposed_at")[:20]
    )
    rows = []
    for visit in visits:
        is_host = visit.host_id == profile.pk
        to_record = (
            visit.context_kind == ContextKind.REQUEST
            and not is_host
            and services.can_record_outcome(visit, now)
            and not visit.outcome_recorded
        )
        if visit.status == VisitStatus.CONFIRMED and visit.ends_at <= now and not to_record:
            continue  # over, and nothing left to do
        rows.append(
            {
                "visit": visit,
                "is_host": is_host,
                "other_name": pseudonym(visit.other(profile)),
                "state": services.state_label(visit, now),
                "to_pick": visit.status == VisitStatus.PROPOSED and visit.picker_id == profile.pk,
                "to_record": to_record,
            }
        )
    return {"rows": rows}
