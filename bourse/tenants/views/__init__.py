"""The tenant area ("espace locataire"), one module per task:

- ``registration``: sign-up and e-mail confirmation;
- ``steps``: the three steps that publish a listing (profile, housing sheet, criteria);
- ``home``: the dashboard, suspend and resume;
- ``search``: the search page, its map and the ranked results;
- ``listings``: a listing's page, contact request, report, photos;
- ``contact_requests``: the requests and one view per action on a request;
- ``saved_searches``: saved searches, alert channels, unsubscribe link;
- ``account``: keep-alive link and contact form.

Thin views: rules live in ``services``, ``lifecycle``, ``matching``, ``contacts`` and
``moderation``. Another tenant's profile, listing (unless searchable), request or photo
answers 404.
"""

from .search import search_results

__all__ = ["search_results"]
