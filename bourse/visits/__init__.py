"""Visits (issue 17): the households of an accepted contact request or of a chain
accepted by everyone agree on a time to visit each other's homes — proposed slots,
one picked, a calendar invitation (``.ics``), a reminder the day before. The outcome
of a visit is recorded by ``bourse.tenants.visits`` (the form after the visit)."""
