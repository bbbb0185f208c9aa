"""axe-core accessibility check for browser tests."""

import pytest

# The violations only: the passes and the rules that did not apply stay in the page.
# Two frames first: a viewport just resized has run its resize handlers (tables.js
# names the boxes that start to scroll) before axe reads the page.
RUN_JS = """([context, options]) => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(done)))
  .then(() => axe.run(context || document, options))
  .then(r => r.violations)"""
OPTIONS = {"resultTypes": ["violations"]}


def axe_violations(page, script: str | None = None, context: dict | None = None) -> list:
    """axe-core's violations on the current page. ``script``: an axe-core build
    (the crawl pins its own), else the one axe-playwright-python ships."""
    if not page.evaluate("() => typeof window.axe === 'object'"):  # once per document
        from axe_playwright_python.base import AXE_SCRIPT

        page.evaluate(script or AXE_SCRIPT)
    return page.evaluate(RUN_JS, [context, OPTIONS])


def assert_no_axe_violations(page, label: str = "") -> None:
    """Run axe-core on the current page and fail with a readable report."""
    violations = axe_violations(page)
    if violations:
        lines = [f"axe-core : {len(violations)} violation(s) sur {label or page.url}"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['html'][:160]}")
        pytest.fail("\n".join(lines))
