"""Cache invalidation: an edit shows on the site at once."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import CollectionViewRestriction, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.pagecache import bump_content_version

from .models import BannerMessage, KeyFigure

post_save.connect(bump_content_version, sender=BannerMessage, dispatch_uid="banner_saved")
post_delete.connect(bump_content_version, sender=BannerMessage, dispatch_uid="banner_deleted")
post_save.connect(bump_content_version, sender=KeyFigure, dispatch_uid="keyfigure_saved")
page_published.connect(bump_content_version, dispatch_uid="page_published_cache")
page_unpublished.connect(bump_content_version, dispatch_uid="page_unpublished_cache")
post_page_move.connect(bump_content_version, dispatch_uid="page_moved_cache")
# A page made private (or public again) in the admin's "privacy" dialog: no
# cached copy of it, nor of a listing that showed it, outlives the change.
# Collection restrictions and the groups of either kind too (what a visitor may see,
# kit_adherents.access, is cached under the same version).
for _model in (PageViewRestriction, CollectionViewRestriction):
    _name = _model._meta.model_name
    post_save.connect(bump_content_version, sender=_model, dispatch_uid=f"{_name}_saved")
    post_delete.connect(bump_content_version, sender=_model, dispatch_uid=f"{_name}_deleted")
    m2m_changed.connect(
        bump_content_version, sender=_model.groups.through, dispatch_uid=f"{_name}_groups"
    )


def _page_deleted(sender, **kwargs):
    from wagtail.models import Page

    if issubclass(sender, Page):
        bump_content_version()


post_delete.connect(_page_deleted, dispatch_uid="page_deleted_cache")


def _alias_created(sender, instance, created, **kwargs):
    # An alias takes its source's view restrictions (home.serving keeps where they lie).
    if created and getattr(instance, "alias_of_id", None):
        bump_content_version()


post_save.connect(_alias_created, dispatch_uid="alias_created_cache")
# The request's site is kept per process too (home.serving.site_for_request).
post_save.connect(bump_content_version, sender=Site, dispatch_uid="site_saved_cache")
post_delete.connect(bump_content_version, sender=Site, dispatch_uid="site_deleted_cache")
