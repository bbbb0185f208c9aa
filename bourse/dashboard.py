"""What waits for a staff account, on top of its dashboard: the "À traiter" panel.

``bourse`` lies below its sub-apps, so each sub-app registers its own line from
its ``AppConfig.ready()`` (contact inbox, moderation queue, exchange files); the
staff dashboard reads them. A line whose ``count(user)`` is None is not shown
(the account has no such queue).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Panel:
    key: str
    label: str
    count: Callable[[object], int | None]
    url: Callable[[object], str]
    rank: int = 50


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    _PANELS[panel.key] = panel
    return panel


def panels_for(user) -> list[dict]:
    lines = []
    for panel in sorted(_PANELS.values(), key=lambda panel: panel.rank):
        count = panel.count(user)
        if count is not None:
            lines.append({"label": panel.label, "count": count, "url": panel.url(user)})
    return lines
