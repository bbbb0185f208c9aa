"""The home page's computed key figures: which ones exist (the choices of
``KeyFigure.source``), how they are shown, and the hook through which the app
that computes them provides their values.

The CMS does not know the bourse: ``bourse.stats`` sets ``provider`` in its
``ready()`` (a function returning ``{source: number}``, cached there; see
``bourse/stats/figures.py``). Without a provider every figure shows the value
an editor typed.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

TENANTS_EXCHANGED = "tenants_exchanged"
ACTIVE_LISTINGS = "active_listings"
MEMBER_LANDLORDS = "member_landlords"
SOURCES = (
    (TENANTS_EXCHANGED, _("Locataires ayant échangé (calculé)")),
    (ACTIVE_LISTINGS, _("Annonces actives (calculé)")),
    (MEMBER_LANDLORDS, _("Bailleurs adhérents (calculé)")),
)

# Set by the app that computes the figures (bourse.stats); None: none computed.
provider: Callable[[], dict[str, int]] | None = None


def computed_figures() -> dict[str, int] | None:
    return provider() if provider is not None else None


def format_figure(number: int) -> str:
    """French grouping with a no-break space: 1080 -> "1 080"."""
    return f"{number:,}".replace(",", "\u00a0")
