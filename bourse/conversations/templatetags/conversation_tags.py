"""Tags for the tenant pages below this app: a request's conversation link and the
dashboard's unread messages."""

from django import template

from .. import services
from ..models import Conversation

register = template.Library()


@register.inclusion_tag("conversations/includes/request_panel.html", takes_context=True)
def conversation_panel(context, request_obj):
    request = context.get("request")
    profile = getattr(request, "tenant", None)
    conversation = (
        Conversation.objects.filter(
            contact_request=request_obj, participants__tenant=profile
        ).first()
        if profile is not None
        else None
    )
    return {"conversation": conversation}


@register.inclusion_tag("conversations/includes/request_panel.html", takes_context=True)
def chain_conversation_panel(context, proposal_id):
    """The chain proposal's conversation (from the first acceptance), for its households."""
    request = context.get("request")
    profile = getattr(request, "tenant", None)
    conversation = (
        Conversation.objects.filter(
            subject_key=f"chain:{proposal_id}", participants__tenant=profile
        ).first()
        if profile is not None
        else None
    )
    return {"conversation": conversation, "chain": True}


@register.inclusion_tag("conversations/includes/dashboard_panel.html", takes_context=True)
def unread_messages(context):
    request = context.get("request")
    profile = getattr(request, "tenant", None)
    return {"count": services.unread_count_shown(profile) if profile is not None else 0}
