"""Who may see the member area ("kit adhérents") and its private documents.

Rules
-----
* The area is a page tree (``KitIndexPage``) protected by a Wagtail page
  privacy *password*. A visitor who typed it has the restriction's id in the
  session (Wagtail stores only ids), so we also store a fingerprint of the
  password next to it: when an editor changes the password, the fingerprint
  no longer matches and the pass is dropped (everyone who only had the old
  password is locked out).
* Members pass without typing the password: signed-in users of the
  ``settings.KIT_MEMBER_GROUP`` group, superusers and Wagtail editors (users
  who may access the admin). A signed-in user outside these (a tenant) does
  not.
* Documents and images stored in a *private collection* (a collection with a
  view restriction, e.g. "Kit adhérents") are kit files: they are served only
  to visitors who have access to the kit, whatever their URL (current file,
  older version, image original or rendition). One password only: the kit's.

What a request may see (the one rule, for the news lists and the site search):
``visible_pages(request, queryset)`` and ``denied_collection_ids(request)``; the
restrictions they read are cached until the next content change.

Helpers for other apps (e.g. the site search):
``accepts(request, restriction)`` (use it instead of
``restriction.accept_request(request)``: it knows members, changed passwords
and the kit's private collections), ``request_has_kit_access(request)``,
``private_document_filter(request)``, ``visible_documents(request, queryset)``,
``private_collection_ids()``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    PageViewRestriction,
)

from home.serving import page_restrictions
from portal.pagecache import content_memoized

FINGERPRINT_SESSION_KEY = "kit_adherents_passed"
_SALT = "kit_adherents.access.restriction"


# --- Members -------------------------------------------------------------------


def is_member(user) -> bool:
    """Signed-in landlord staff with a member account, or an editor."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    group = getattr(settings, "KIT_MEMBER_GROUP", "Membres")
    if user.groups.filter(name=group).exists():
        return True
    return user.has_perm("wagtailadmin.access_admin")


def _request_is_member(request) -> bool:
    cached = getattr(request, "_kit_is_member", None)
    if cached is None:
        cached = is_member(getattr(request, "user", None))
        request._kit_is_member = cached
    return cached


# --- Password passes with a fingerprint -------------------------------------------


def restriction_fingerprint(restriction) -> str:
    value = f"{restriction.pk}:{restriction.restriction_type}:{restriction.password}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def _passed_key(restriction) -> str:
    return restriction.passed_view_restrictions_session_key


def remember_passed(request, restriction, *, via: str = "password") -> None:
    """Mark ``restriction`` as passed (Wagtail's way) and store its fingerprint.

    ``via`` is "password" (typed) or "member" (granted by a member account:
    dropped again as soon as the user is no longer a member).
    """
    restriction.mark_as_passed(request)
    passes = dict(request.session.get(FINGERPRINT_SESSION_KEY, {}))
    passes[str(restriction.pk)] = {"fp": restriction_fingerprint(restriction), "via": via}
    request.session[FINGERPRINT_SESSION_KEY] = passes


def _forget(request, restriction) -> None:
    key = _passed_key(restriction)
    passed = [pk for pk in request.session.get(key, []) if pk != restriction.pk]
    request.session[key] = passed
    passes = dict(request.session.get(FINGERPRINT_SESSION_KEY, {}))
    passes.pop(str(restriction.pk), None)
    request.session[FINGERPRINT_SESSION_KEY] = passes


def forget_stale_pass(request, restriction) -> None:
    """Drop a password pass whose password changed since, or that a member
    account granted to someone who is no longer a member."""
    if restriction.restriction_type != BaseViewRestriction.PASSWORD:
        return
    if not hasattr(request, "session"):
        return
    if restriction.pk not in request.session.get(_passed_key(restriction), []):
        return
    entry = request.session.get(FINGERPRINT_SESSION_KEY, {}).get(str(restriction.pk))
    if (
        not isinstance(entry, dict)
        or not constant_time_compare(entry.get("fp", ""), restriction_fingerprint(restriction))
        or (entry.get("via") == "member" and not _request_is_member(request))
    ):
        _forget(request, restriction)


def prepare_restrictions(request, restrictions) -> None:
    """Before Wagtail checks ``restrictions``: drop stale passes, and let
    members through the password ones."""
    member = _request_is_member(request)
    for restriction in restrictions:
        if restriction.restriction_type != BaseViewRestriction.PASSWORD:
            continue
        forget_stale_pass(request, restriction)
        if member and not restriction.accept_request(request):
            remember_passed(request, restriction, via="member")


def restriction_accepts(request, restriction) -> bool:
    if restriction.restriction_type == BaseViewRestriction.PASSWORD:
        forget_stale_pass(request, restriction)
    return restriction.accept_request(request)


# --- The kit -----------------------------------------------------------------------


def get_kit_index(request=None):
    """The live member area of the current site (or the first one)."""
    from .models import KitIndexPage

    pages = KitIndexPage.objects.live().order_by("path")
    if request is not None:
        from wagtail.models import Site

        try:
            site = Site.find_for_request(request)
        except (KeyError, DisallowedHost):  # a request without a usable host
            site = None
        if site is not None:
            in_site = pages.descendant_of(site.root_page, inclusive=True).first()
            if in_site is not None:
                return in_site
    return pages.first()


def kit_password_restriction(kit):
    if kit is None:
        return None
    return (
        kit.get_view_restrictions()
        .filter(restriction_type=BaseViewRestriction.PASSWORD)
        .order_by("page__depth")
        .first()
    )


def _may_have_passed(request) -> bool:
    """False for an anonymous visitor whose session holds no page password pass."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return bool(session.get(PageViewRestriction.passed_view_restrictions_session_key))


def request_has_kit_access(request) -> bool:
    """True when the visitor may see the member area and its documents."""
    cached = getattr(request, "_kit_access", None)
    if cached is not None:
        return cached
    if _request_is_member(request):
        access = True
    elif not _may_have_passed(request):
        access = False  # an anonymous visitor who typed no password: no query needed
    else:
        kit = get_kit_index(request)
        restrictions = list(kit.get_view_restrictions()) if kit is not None else []
        # No restriction at all would mean a public kit: private files then
        # stay reserved to members (fail closed).
        access = bool(restrictions) and all(
            restriction_accepts(request, restriction) for restriction in restrictions
        )
    request._kit_access = access
    return access


def accepts(request, restriction) -> bool:
    """Whether ``request`` passes ``restriction`` (a page or collection view
    restriction), by the member area's rules."""
    if isinstance(restriction, CollectionViewRestriction):
        # Files of private collections follow the kit's access, whatever the
        # collection's own restriction says (its password is never typed).
        return request_has_kit_access(request)
    if restriction.restriction_type == BaseViewRestriction.PASSWORD:
        forget_stale_pass(request, restriction)
        if _request_is_member(request):
            return True
    return restriction.accept_request(request)


def grant_kit_access(request, *, via: str) -> None:
    """Record in the session that this visitor has the kit's access, so that
    code reading Wagtail's own session marks (``accept_request``) agrees: the
    kit's password restrictions and the private collections' ones."""
    kit = get_kit_index(request)
    if kit is not None:
        for restriction in kit.get_view_restrictions():
            if restriction.restriction_type == BaseViewRestriction.PASSWORD:
                remember_passed(request, restriction, via=via)
    for restriction in CollectionViewRestriction.objects.filter(
        restriction_type=BaseViewRestriction.PASSWORD
    ):
        if not restriction.accept_request(request):
            restriction.mark_as_passed(request)


# --- Private collections and files ---------------------------------------------------


def private_collection_ids() -> set[int]:
    """Ids of collections with a view restriction, and of their descendants."""
    restricted = Collection.objects.filter(
        pk__in=CollectionViewRestriction.objects.values("collection_id")
    )
    ids: set[int] = set()
    for collection in restricted:
        ids.update(
            Collection.objects.filter(path__startswith=collection.path).values_list("pk", flat=True)
        )
    return ids


def collection_is_private(collection_id) -> bool:
    return collection_id in private_collection_ids()


def document_is_private(document) -> bool:
    return collection_is_private(document.collection_id)


def image_is_private(image) -> bool:
    return collection_is_private(image.collection_id)


def private_document_filter(request) -> Q:
    """A ``Q`` for document querysets: everything for visitors with access,
    documents outside private collections for the others."""
    if request_has_kit_access(request):
        return Q()
    return ~Q(collection_id__in=private_collection_ids())


def visible_documents(request, queryset=None):
    """Documents this visitor may see (usable before ``.search()``)."""
    if queryset is None:
        from wagtail.documents import get_document_model

        queryset = get_document_model().objects.all()
    if request_has_kit_access(request):
        return queryset
    return queryset.exclude(collection_id__in=private_collection_ids())


# --- What a request may see ---------------------------------------------------------


# page_restrictions(): every page view restriction with its page and groups, kept
# until the next content change (home.serving, which serving a page reads too).


def collection_restrictions() -> list[tuple[CollectionViewRestriction, frozenset[int]]]:
    """Every collection view restriction with the ids of its collection and descendants."""

    def compute():
        return [
            (
                restriction,
                frozenset(
                    [
                        restriction.collection_id,
                        *restriction.collection.get_descendants().values_list("pk", flat=True),
                    ]
                ),
            )
            for restriction in CollectionViewRestriction.objects.select_related(
                "collection"
            ).prefetch_related("groups")
        ]

    return content_memoized("kit:collection-restrictions", compute)


def refused_page_restrictions(request) -> list[PageViewRestriction]:
    """Page view restrictions this request has not passed."""
    return [restriction for restriction in page_restrictions() if not accepts(request, restriction)]


def visible_pages(request, queryset):
    """Pages of ``queryset`` outside every restricted subtree the request has not passed."""
    for restriction in refused_page_restrictions(request):
        queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset


def denied_collection_ids(request) -> set[int]:
    """Collections (with their descendants) whose files this request may not see."""
    denied: set[int] = set()
    for restriction, collection_ids in collection_restrictions():
        if not accepts(request, restriction):
            denied.update(collection_ids)
    return denied
