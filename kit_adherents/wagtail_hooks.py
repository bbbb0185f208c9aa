"""Member area hooks: members pass the kit's password, stale passes are
dropped, restricted pages and private files are never cached publicly."""

from django.http import HttpResponse
from wagtail import hooks
from wagtail.models import BaseViewRestriction

from portal.http import never_cache_response

from . import access
from .views import access_denied_response


@hooks.register("before_serve_page", order=-100)
def sync_page_restrictions(page, request, serve_args, serve_kwargs):
    """Runs before Wagtail's ``check_view_restrictions`` (an ``on_serve_page``
    hook, which runs after every ``before_serve_page`` one)."""
    restrictions = list(page.get_view_restrictions())
    if restrictions:
        access.prepare_restrictions(request, restrictions)
    return None


@hooks.register("on_serve_page", order=-100)
def private_cache_headers(next_serve_page):
    """Outermost wrapper: the password form and the restricted page alike get
    ``Cache-Control: private, no-cache…`` and ``Vary: Cookie``."""

    def inner(page, request, serve_args, serve_kwargs):
        response = next_serve_page(page, request, serve_args, serve_kwargs)
        if isinstance(response, HttpResponse) and page.get_view_restrictions().exists():
            never_cache_response(response)
        return response

    return inner


@hooks.register("before_serve_document", order=-100)
def check_private_document(document, request):
    """A document of a private collection needs the kit's access (typed
    password or member account). Runs before Wagtail's collection check; the
    collection's own password is then marked as passed so that visitors only
    ever type the kit's password."""
    if not access.document_is_private(document):
        return None
    if not access.request_has_kit_access(request):
        return access_denied_response(request)
    for restriction in document.collection.get_view_restrictions():
        if (
            restriction.restriction_type == BaseViewRestriction.PASSWORD
            and not restriction.accept_request(request)
        ):
            restriction.mark_as_passed(request)
    return None
