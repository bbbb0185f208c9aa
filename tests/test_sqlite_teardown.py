"""The flush after a transactional test on SQLite waits out a reader on another
connection to the in-memory database (``tests/conftest.py``,
``_flush_again_while_locked``): without it, this test's tear-down fails with
"database table is locked: bourse_landlord", as a browser test's did in a loaded run."""

import sqlite3
import threading

import pytest
from django.db import connection

from bourse.factories import LandlordFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's shared-cache locks"),
]


def test_the_flush_waits_for_a_reader_on_another_connection():
    LandlordFactory.create_batch(3)
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, check_same_thread=False)
    reading = other.execute("SELECT id FROM bourse_landlord")
    assert reading.fetchone()
    # The reader ends during the flush's retries.
    threading.Timer(0.5, lambda: (reading.close(), other.close())).start()
