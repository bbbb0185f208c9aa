"""The access log: every staff look at a tenant's personal data, one row each
(issue 18). Low in the layers (just above the core) so that every staff screen
can call :func:`bourse.audit.log.record_access`; the screens that search and
export it live in ``bourse.privacy``."""
