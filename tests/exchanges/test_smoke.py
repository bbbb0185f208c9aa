from bourse.exchanges.models import Step

from .conftest import advance


def test_file_goes_from_creation_to_done(file2, amo):
    advance(file2, Step.DONE, amo)
    assert file2.step == Step.DONE
