"""Signals of the member area.

* A member who signs in gets the kit's access at once (search included).
* Changing a page's shared password gives the restriction a *new id*:
  Wagtail remembers passed restrictions by id only, so everyone who typed
  the old password is locked out everywhere (Wagtail's own checks, the
  search…); the private collections' internal restrictions are renewed too.
  ``access`` also checks a fingerprint of the password, for updates that
  bypass ``save()``.
"""

import secrets

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseViewRestriction, CollectionViewRestriction, PageViewRestriction

from portal.spaces import Space, register

from . import access


def grant_members_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and access.is_member(user):
        request._kit_is_member = True
        access.grant_kit_access(request, via="member")


def renew_on_password_change(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if instance.restriction_type != BaseViewRestriction.PASSWORD:
        return
    old = (
        PageViewRestriction.objects.filter(pk=instance.pk)
        .values_list("restriction_type", "password")
        .first()
    )
    if old is None or old == (instance.restriction_type, instance.password):
        return
    # Saved as a new row; the old one is deleted in post_save.
    instance._kit_replaces_pk = instance.pk
    instance.pk = None
    instance._state.adding = True


def drop_replaced_restriction(sender, instance, created, raw=False, **kwargs):
    replaced = getattr(instance, "_kit_replaces_pk", None)
    if replaced is None:
        return
    del instance._kit_replaces_pk
    old = PageViewRestriction.objects.filter(pk=replaced).first()
    if old is not None:
        instance.groups.set(old.groups.all())
        # QuerySet delete: no "restriction removed" entry in the page history.
        PageViewRestriction.objects.filter(pk=replaced).delete()
    renew_collection_restrictions()


def renew_collection_restrictions() -> None:
    """New ids and random passwords for the private collections' password
    restrictions (nobody types them; visitors type the kit's password)."""
    for restriction in CollectionViewRestriction.objects.filter(
        restriction_type=BaseViewRestriction.PASSWORD
    ):
        collection_id = restriction.collection_id
        restriction.delete()
        CollectionViewRestriction.objects.create(
            collection_id=collection_id,
            restriction_type=BaseViewRestriction.PASSWORD,
            password=secrets.token_urlsafe(32),
        )


def member_area_url() -> str:
    kit = access.get_kit_index()
    return kit.url if kit is not None and kit.url else "/espace-adherents/"


def connect():
    register(
        Space(
            key="member",
            label=_("Espace adhérents"),
            href=member_area_url,
            may_open=access.is_member,
            rank=50,
        )
    )
    user_logged_in.connect(grant_members_on_login, dispatch_uid="kit_adherents_member_login")
    pre_save.connect(
        renew_on_password_change, sender=PageViewRestriction, dispatch_uid="kit_adherents_renew"
    )
    post_save.connect(
        drop_replaced_restriction, sender=PageViewRestriction, dispatch_uid="kit_adherents_drop"
    )
