"""Default texts of the exchange-file mails (used while no ``MailTemplate`` row exists).

Each key is one event and one audience. The super administrator overrides a
text in the Wagtail admin ("Modèles de courriels (dossiers d’échange)")
without a deploy. Texts use the Django template language over the context
described in ``CONTEXT_HELP``: plain texts and dates only.
"""

from django.utils.translation import gettext_lazy as _

_FOOTER = """
--
Echanger Habiter — la bourse d’échange de logements sociaux en Île-de-France.
Ce message est envoyé automatiquement, merci de ne pas y répondre."""

_PARTIES = (
    "{% for party in parties %}\n- Ménage {{ party.number }} : quitte {{ party.address }}, "
    "{{ party.commune }} ({{ party.typology }}, {{ party.landlord }}){% endfor %}"
)

# key -> (label, subject, body)
DEFAULTS: dict[str, tuple] = {
    "created_landlords": (
        _("Dossier créé (bailleurs, contact 1)"),
        "Nouveau dossier d’échange {{ reference }}",
        "Bonjour,\n\nUn dossier d’échange vient d’être créé : tous les NUR ont été transmis "
        "le {{ nurs_date }}.\n" + _PARTIES + "\n\nLa pré-instruction est attendue au plus tard "
        "le {{ pre_instruction_due }} (7 jours calendaires).\n\nLe dossier : {{ url }}\n" + _FOOTER,
    ),
    "created_tenants": (
        _("Dossier créé (locataires)"),
        "Votre dossier d’échange {{ reference }} est créé",
        "Bonjour,\n\nVotre dossier d’échange {{ reference }} est créé : les numéros uniques "
        "régionaux (NUR) ont été transmis le {{ nurs_date }}. Vos bailleurs vont maintenant "
        "pré-instruire puis instruire le dossier.\n\nSuivre votre dossier : {{ url }}\n" + _FOOTER,
    ),
    "cal_dates_landlords": (
        _("Dates de CAL saisies (bailleurs, contact 1)"),
        "Dossier {{ reference }} : dates de CAL "
        "{% if changed %}modifiées{% else %}fixées{% endif %}",
        "Bonjour,\n\nLes dates de passage en commission d’attribution (CAL) du dossier "
        "{{ reference }} ont été {% if changed %}modifiées{% else %}saisies{% endif %} par "
        "{{ actor }} :{% for party in parties %}\n- Ménage {{ party.number }} "
        "({{ party.landlord }}) : {{ party.cal_date }}{% endfor %}\n\nLe dossier : {{ url }}\n"
        + _FOOTER,
    ),
    "cal_dates_tenants": (
        _("Dates de CAL saisies (locataires)"),
        "Votre dossier d’échange {{ reference }} passe en commission",
        "Bonjour,\n\nVotre dossier d’échange {{ reference }} passera en commission "
        "d’attribution des logements (CAL) le {{ my_cal_date }}.\n\nSuivre votre dossier : "
        "{{ url }}\n" + _FOOTER,
    ),
    "attributed_landlords": (
        _("Attribution par toutes les CAL (bailleurs, contacts 1 et 2)"),
        "Dossier {{ reference }} attribué par les CAL",
        "Bonjour,\n\nToutes les CAL ont attribué les logements du dossier {{ reference }} "
        "(le {{ attributed_on }}).\n" + _PARTIES + "\n\nEn concertation avec les autres "
        "bailleurs et les locataires, saisissez la période de déménagement ; la date de "
        "déménagement est attendue au plus tard le {{ move_dates_due }} (21 jours "
        "calendaires).\n\nLe dossier : {{ url }}\n" + _FOOTER,
    ),
    "attributed_tenants": (
        _("Attribution par toutes les CAL (locataires)"),
        "Votre échange {{ reference }} est accepté par les commissions",
        "Bonjour,\n\nBonne nouvelle : les commissions d’attribution ont attribué les logements "
        "de votre dossier d’échange {{ reference }}. Vos bailleurs vont vous contacter pour "
        "convenir d’une période de déménagement.\n\nSuivre votre dossier : {{ url }}\n" + _FOOTER,
    ),
    "move_period_landlords": (
        _("Période de déménagement saisie (bailleurs, contact 2)"),
        "Dossier {{ reference }} : période de déménagement saisie",
        "Bonjour,\n\n{{ actor }} a saisi la période de déménagement du dossier {{ reference }} : "
        "du {{ move_period_start }} au {{ move_period_end }}. Fixez ensemble la date du "
        "déménagement.\n\nLe dossier : {{ url }}\n" + _FOOTER,
    ),
    "move_period_tenants": (
        _("Période de déménagement saisie (locataires)"),
        "Votre échange {{ reference }} : période de déménagement",
        "Bonjour,\n\nLa période de déménagement de votre échange {{ reference }} est fixée : "
        "du {{ move_period_start }} au {{ move_period_end }}. Vos bailleurs vont convenir "
        "avec vous de la date du déménagement.\n\nSuivre votre dossier : {{ url }}\n" + _FOOTER,
    ),
    "move_date_landlords": (
        _("Date de déménagement saisie ou modifiée (bailleurs, contact 2)"),
        "Dossier {{ reference }} : déménagement le {{ move_date }}",
        "Bonjour,\n\n{{ actor }} a {% if changed %}modifié{% else %}saisi{% endif %} la date de "
        "déménagement du dossier {{ reference }} : le {{ move_date }}.\n\nLe dossier : "
        "{{ url }}\n" + _FOOTER,
    ),
    "move_date_tenants": (
        _("Date de déménagement saisie ou modifiée (locataires)"),
        "Votre déménagement : le {{ move_date }}",
        "Bonjour,\n\nLa date de votre déménagement (dossier d’échange {{ reference }}) "
        "{% if changed %}a changé : c’est désormais{% else %}est fixée :{% endif %} le "
        "{{ move_date }}.\n\nSuivre votre dossier : {{ url }}\n" + _FOOTER,
    ),
    "done_landlords": (
        _("Échange réalisé (bailleurs, contact 2)"),
        "Dossier {{ reference }} : échange réalisé",
        "Bonjour,\n\n{{ actor }} a saisi la réalisation de l’échange du dossier {{ reference }} "
        ": le {{ completed_on }}.\n\nLe dossier : {{ url }}\n" + _FOOTER,
    ),
    "done_tenants": (
        _("Échange réalisé (locataires)"),
        "Votre échange {{ reference }} est réalisé",
        "Bonjour,\n\nVotre échange de logement (dossier {{ reference }}) est réalisé depuis le "
        "{{ completed_on }}. Nous vous souhaitons une bonne installation !\n" + _FOOTER,
    ),
    "closed_landlords": (
        _("Dossier clos (bailleurs)"),
        "Dossier {{ reference }} clos",
        "Bonjour,\n\nLe dossier d’échange {{ reference }} est clos : {{ closure }}.\n"
        "Motif : {{ reason }}\n\nUn dossier clos par erreur peut être réactivé depuis sa page : "
        "{{ url }}\n" + _FOOTER,
    ),
    "closed_tenants": (
        _("Dossier clos (locataires)"),
        "Votre dossier d’échange {{ reference }} est clos",
        "Bonjour,\n\nVotre dossier d’échange {{ reference }} est clos ({{ closure }})."
        "{% if own_renunciation %} Vous avez renoncé à l’échange.{% endif %}\n\nSi vous êtes "
        "toujours éligible, votre annonce redevient visible des autres locataires. Pour toute "
        "question, contactez votre bailleur.\n" + _FOOTER,
    ),
    "reopened_landlords": (
        _("Dossier réactivé (bailleurs)"),
        "Dossier {{ reference }} réactivé",
        "Bonjour,\n\n{{ actor }} a réactivé le dossier d’échange {{ reference }} : il reprend à "
        "l’étape « {{ step }} ».\n\nLe dossier : {{ url }}\n" + _FOOTER,
    ),
    "reopened_tenants": (
        _("Dossier réactivé (locataires)"),
        "Votre dossier d’échange {{ reference }} reprend",
        "Bonjour,\n\nVotre dossier d’échange {{ reference }} a été réactivé par votre bailleur : "
        "il reprend à l’étape « {{ step }} ».\n\nSuivre votre dossier : {{ url }}\n" + _FOOTER,
    ),
    "reminder": (
        _("Relance des dossiers en alerte (contacts 1 et 2)"),
        "Echanger Habiter : {{ count }} dossier{{ count|pluralize }} d’échange en alerte",
        "Bonjour,\n\n{% if count == 1 %}Ce dossier d’échange suivi par votre organisme est en "
        "alerte{% else %}Ces dossiers d’échange suivis par votre organisme sont en alerte"
        "{% endif %} :\n{% for item in items %}\n- {{ item.reference }} ({{ item.step }}) : "
        "{{ item.alert }}\n  {{ item.url }}{% endfor %}{% if more %}\n\n… et {{ more }} autre"
        "{{ more|pluralize }} : {{ dashboard_url }}{% endif %}\n\nMerci de mettre le dossier à "
        "jour sur la plateforme. Nous restons à votre disposition en cas de difficulté.\n"
        + _FOOTER,
    ),
}

CONTEXT_HELP = _(
    "Variables : {{ reference }}, {{ step }}, {{ url }}, {{ actor }}, {{ reason }}, "
    "{{ closure }}, {{ nurs_date }}, {{ pre_instruction_due }}, {{ attributed_on }}, "
    "{{ move_dates_due }}, {{ move_period_start }}, {{ move_period_end }}, {{ move_date }}, "
    "{{ completed_on }}, {{ my_cal_date }}, {{ changed }}, {{ own_renunciation }}, "
    "{% for party in parties %} {{ party.number }} {{ party.landlord }} {{ party.address }} "
    "{{ party.commune }} {{ party.typology }} {{ party.cal_date }} {% endfor %} ; "
    "relances : {{ count }}, {{ more }}, {{ dashboard_url }}, "
    "{% for item in items %} {{ item.reference }} {{ item.step }} {{ item.alert }} "
    "{{ item.url }} {% endfor %}."
)


def template_choices():
    return [(key, label) for key, (label, _subject, _body) in DEFAULTS.items()]
