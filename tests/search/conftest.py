import pytest

from home.models import StandardPage


@pytest.fixture
def make_page(home):
    """Publish a StandardPage whose body holds ``text``."""

    def make(title, text="", parent=None, intro="", live=True, **fields):
        page = StandardPage(
            title=title,
            intro=intro,
            body=[("paragraph", f"<p>{text}</p>")] if text else [],
            live=live,
            **fields,
        )
        (parent or home).add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        return page

    return make
