"""Browser tests: the fixtures live in tests/conftest.py (one browser per session)."""

from tests.axe import assert_no_axe_violations

__all__ = ["assert_no_axe_violations"]
