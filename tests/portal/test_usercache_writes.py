"""Which SQL statements bump the data version of the per-session page cache
(portal/usercache.py); the cache itself is tested in tests/tenants/test_user_page_cache.py."""

import pytest

from portal import usercache


@pytest.mark.parametrize(
    ("sql", "tracked"),
    [
        ('SELECT "auth_user"."id" FROM "auth_user"', False),
        ("  select 1", False),
        ("SAVEPOINT s1", False),
        ("RELEASE SAVEPOINT s1", False),
        ("SET synchronous_commit TO off", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "audit_accesslogentry" ("path") VALUES (%s)', False),
        ('INSERT INTO "tenants_listing" ("status") VALUES (%s)', True),
        ('UPDATE "auth_user" SET "first_name" = %s', True),
        ('DELETE FROM "tenants_savedsearch" WHERE id = 1', True),
        ("WITH moved AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM moved", True),
        ("TRUNCATE bourse_dwelling", True),
        ("CREATE TEMPORARY TABLE staging (a text)", True),
    ],
)
def test_which_statements_change_the_data_version(sql, tracked):
    assert usercache.is_tracked_write(sql) is tracked
