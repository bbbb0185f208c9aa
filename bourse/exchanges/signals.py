"""Signals for the other parts of the bourse (tenant accounts and listings).

All are sent inside the transaction of the action, after the file is saved,
so that what a receiver changes commits (or rolls back) with the action.

``exchange_file_opened(sender=ExchangeFile, file, reopened)``
    A file opened (``reopened=False``) or is in progress again after a
    reactivation or an "Annuler l'action" on a completed file
    (``reopened=True``). The tenants' listings must leave the search: see
    also ``api.tenants_in_open_files()`` / ``api.dwellings_in_open_files()``.

``exchange_file_closed(sender=ExchangeFile, file, step)``
    A file was closed (by a landlord, by a tenant who renounced, for a
    tenant's inactivity, or after the CAL; ``step`` says which). This is the
    ``on_file_closed`` hook: the tenants app reactivates the parties' accounts
    if they are still eligible — and sends no "your account was reactivated"
    mail to a tenant who did nothing (DESIGN.md 3.2). The exchange files send
    their own closure mail.

``exchange_file_completed(sender=ExchangeFile, file)``
    The exchange is done (completion date entered): the households moved.

``exchange_nur_corrected(sender=ExchangeFile, file, party, nur)``
    A household's NUR was corrected in the file (``correct_nur``, by its tenant
    or its landlord): the tenants app keeps the tenant's account in step.
"""

from django.dispatch import Signal

exchange_file_opened = Signal()
exchange_file_closed = Signal()
exchange_file_completed = Signal()
exchange_nur_corrected = Signal()
