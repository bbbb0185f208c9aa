"""axe-core accessibility check for browser tests."""

import pytest


def assert_no_axe_violations(page, label: str = "") -> None:
    """Run axe-core on the current page and fail with a readable report."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    if violations:
        lines = [f"axe-core : {len(violations)} violation(s) sur {label or page.url}"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['html'][:160]}")
        pytest.fail("\n".join(lines))
