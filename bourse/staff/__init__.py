"""The staff area's shell ("espace bailleur"): dashboard, navigation, password,
and the organisation's screens (its page, its agents, municipalities and
reservataires). It imports no bourse sub-app: the patrimoine screens live in
``bourse.patrimoine.views``, the other sub-apps' screens in their own apps, and
the dashboard's "À traiter" lines come from ``bourse.dashboard``'s registry.

Helpers the sub-apps' staff screens share: ``context.staff_context`` (the
shell's template context), ``accounts.create_staff_account``; access control is
``bourse.permissions`` (``staff_required``, ``landlord_from_request``…).
"""
