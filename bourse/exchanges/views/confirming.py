"""What the file actions of staff and tenants share: the file's parties in order, and the
two-step confirmation of actions that cannot be undone silently (a first POST previews,
the second, with ``confirmer=1``, applies)."""

from .. import display, workflow
from ..models import CLOSED_STEPS


def parties_of(file):
    return list(
        file.parties.select_related(
            "landlord", "dwelling_left__commune", "dwelling_taken__commune", "tenant_user"
        ).order_by("position")
    )


# Closing, undoing, reopening, renouncing, a CAL decision and the completion are
# confirmed: the first POST checks everything (``perform(dry_run=True)``: nothing
# changes) and shows what will happen with a "Confirmer" button that posts the same
# data again with ``confirmer=1``. No JavaScript needed.
CONFIRM = frozenset(
    {
        "close_by_landlord",
        "undo",
        "reopen",
        "renounce",
        "record_cal_decision",
        "set_completion",
        "edit_completion",
    }
)
CONFIRM_FIELD = "confirmer"


def add_refusal(form, error):
    """The refusal next to its field when the rule names one the form has."""
    name = getattr(error, "field", None)
    if name in form.fields:
        form.add_error(name, str(error))
    else:
        form.add_error(None, str(error))


def confirmation_context(file, parties, form, preview) -> dict:
    hidden = [bound.as_hidden() for bound in form if bound.name in form.cleaned_data]
    return {
        "file": file,
        "preview": preview,
        "label": workflow.TRANSITIONS[preview.action].label,
        "danger": workflow.TRANSITIONS[preview.action].danger or preview.to_step in CLOSED_STEPS,
        "lines": display.confirmation_lines(file, preview, form.cleaned_data),
        "hidden_fields": hidden,
        "party": preview.party,
        "confirm_field": CONFIRM_FIELD,
    }


def attempt(file, action, user, form, *, confirmed: bool, party=None, keep=()):
    """Runs a valid form's action — or, not yet confirmed, its dry run (the preview).
    A refusal lands on the form and gives ``None``; the exceptions named in ``keep``
    (a stale step, a forbidden action…) go up to the view, which answers them."""
    try:
        return workflow.perform(
            file,
            action,
            user,
            expected_step=form.cleaned_data["expected_step"],
            party=party,
            data=form.action_data(),
            dry_run=not confirmed,
        )
    except keep:
        raise
    except workflow.TransitionError as error:
        add_refusal(form, error)
        return None
