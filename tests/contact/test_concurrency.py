"""Reference numbers stay unique when several processes submit at once."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from bourse.contact import services
from bourse.contact.models import ContactMessage


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs real concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_references():
    errors = []
    barrier = threading.Barrier(6)

    def submit(n):
        try:
            barrier.wait()
            services.submit(
                sender_kind="autre",
                name=f"Personne {n}",
                email=f"p{n}@exemple.fr",
                topic="site",
                body="Bonjour",
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = list(ContactMessage.objects.values_list("reference", flat=True))
    assert len(references) == 6 and len(set(references)) == 6
    assert sorted(int(r[-6:]) for r in references) == [1, 2, 3, 4, 5, 6]
