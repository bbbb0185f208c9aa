from django import template

from home.banner import current_banner_messages

register = template.Library()


@register.inclusion_tag("includes/banner.html")
def scrolling_banner():
    return {"messages": current_banner_messages()}
