"""Personal data (issue 18): the retention table and its daily purge
(``retention.py``), the access log's screens for the AMO and landlord
administrators, and the tenants' own rights (download, delete). The top of the
bourse: it reads every app's data."""
