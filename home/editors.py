"""The GIE's editors in the Wagtail admin: what they may do, and the review workflow.

Decision (see README, "Éditeurs du GIE"): the GIE is a small team, so editors
**publish directly** (pages, news notes, privacy of the member area). Wagtail's
moderation workflow stays, in French, for a second look when an editor wants
one: "Relecture par le GIE", one task "Validation par un validateur GIE" that
the members of the "Validateurs GIE" group approve (approving publishes).

``sync_editor_groups`` is idempotent (groups looked up by name, permissions
added, never removed). It runs in the data migration ``home.0004`` with the
historical models, and in the demo command and after a test-database flush
with the real ones (pass no ``apps``).
"""

EDITORS = "Editors"  # created by Wagtail's own migrations; the name the project knows
VALIDATORS = "Validateurs GIE"
WORKFLOW_NAME = "Relecture par le GIE"
TASK_NAME = "Validation par un validateur GIE"
# Wagtail's default workflow and task (migration wagtailcore.0048), renamed to ours.
DEFAULT_WORKFLOW_NAMES = ("Moderators approval",)
DEFAULT_TASK_NAMES = ("Moderators approval",)

# Page permissions, granted on the root of the page tree (every page).
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# Collection permissions, granted on the root collection (the member area's
# private "Kit adhérents" collection is one of its children). Wagtail checks
# documents against ``wagtaildocs.Document`` and images against
# ``wagtailimages.Image`` whatever the concrete models.
COLLECTION_PERMISSIONS = (
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtailimages.choose_image",
)
# Model permissions: the admin itself and the editorial snippets (key figures
# are edited inside the home page, with its page permissions).
MODEL_PERMISSIONS = (
    "wagtailadmin.access_admin",
    *(f"home.{action}_bannermessage" for action in ("add", "change", "delete", "view")),
    *(f"news.{action}_newstheme" for action in ("add", "change", "delete", "view")),
)
PERMISSION_APPS = ("wagtailadmin", "wagtailcore", "wagtaildocs", "wagtailimages", "home", "news")


def _permission(Permission, dotted: str):
    app_label, codename = dotted.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def sync_editor_groups(apps=None) -> None:
    """Create or complete the editors' and validators' groups and the workflow."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    groups = [Group.objects.get_or_create(name=name)[0] for name in (EDITORS, VALIDATORS)]
    for group in groups:
        group.permissions.add(
            *filter(None, (_permission(Permission, p) for p in MODEL_PERMISSIONS))
        )
        if root_page is not None:
            for codename in PAGE_PERMISSIONS:
                permission = _permission(Permission, f"wagtailcore.{codename}")
                if permission is not None:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page=root_page, permission=permission
                    )
        if root_collection is not None:
            for dotted in COLLECTION_PERMISSIONS:
                permission = _permission(Permission, dotted)
                if permission is not None:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
    _sync_workflow(apps, root_page, validators=groups[1])


def _sync_workflow(apps, root_page, validators) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.filter(name__in=DEFAULT_WORKFLOW_NAMES).first()
        if workflow is None:
            workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        else:
            workflow.name = WORKFLOW_NAME
            workflow.save(update_fields=["name"])

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.filter(name__in=DEFAULT_TASK_NAMES).first()
        if task is None:
            content_type, _ = ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )
            task = GroupApprovalTask.objects.create(
                name=TASK_NAME, content_type=content_type, active=True
            )
        else:
            # Wagtail's task is approved by "Moderators", a group nobody joins here.
            task.name = TASK_NAME
            task.save(update_fields=["name"])
            task.groups.remove(*Group.objects.filter(name="Moderators"))
    task.groups.add(validators)

    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(
            workflow=workflow,
            task=task,
            sort_order=WorkflowTask.objects.filter(workflow=workflow).count(),
        )
    if root_page is not None and not WorkflowPage.objects.filter(page=root_page).exists():
        WorkflowPage.objects.create(page=root_page, workflow=workflow)


def ensure_permissions_exist(apps, labels=PERMISSION_APPS) -> None:
    """Permissions are normally created after the last migration (post_migrate):
    a data migration creates the ones it needs first."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for label in labels:
        try:
            config = global_apps.get_app_config(label)
        except LookupError:
            continue
        create_permissions(config, apps=apps, verbosity=0)
