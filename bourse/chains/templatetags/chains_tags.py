from django import template

from bourse.tenants.permissions import tenant_profile

from .. import services

register = template.Library()


@register.inclusion_tag("chains/panel.html", takes_context=True)
def chain_proposals_panel(context):
    """The household's chain proposals, for the tenant dashboard."""
    request = context.get("request")
    profile = getattr(request, "tenant", None) or tenant_profile(request.user)
    views = []
    if profile is not None:
        views = [
            view
            for proposal in services.proposals_for_tenant(profile)[:10]
            if (view := services.tenant_view(proposal, profile)) is not None
        ]
    return {"views": views, "request": request}
