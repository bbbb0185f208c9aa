"""Build the demo site: page tree, French content from the seeds, accounts.

Idempotent: every object is looked up by a natural key (slug, username…)
and only created when missing, so a second run changes nothing.

Like ``portal/urls.py``, this command composes the apps (in the order their
demo data needs), so it is one of the two files of ``portal`` that the layer
contract (pyproject.toml, ``lint-imports``) lets import them.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.images import get_image_model

from bourse import demo as bourse_demo
from bourse.conversations import demo as conversations_demo
from bourse.exchanges import demo as exchanges_demo
from bourse.tenants import demo as tenants_demo
from bourse.tenants import exchange_files as tenants_exchange_files
from bourse.visits import demo as visits_demo
from home import demo as home_demo
from kit_adherents import demo as kit_demo
from news import demo as news_demo
from portal import renditions


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            home = home_demo.load_site()
            news_demo.load(home)
            kit = kit_demo.load(home)
            # A members-only note in the member area's practical section.
            news_demo.load_member_news(kit_demo.practical_section(kit))
            bourse_demo.load()
            tenants_demo.load()
            home_demo.load_accounts()
            news_demo.load_note_in_review()  # the review workflow's demo (needs the accounts)
            exchanges_demo.load()
            # The demo pair that agreed and entered its NURs gets its exchange file.
            tenants_exchange_files.open_ready_files(notify=False)
            exchanges_demo.load_history()  # the past years: 1 000 households by 24/04/2021
            call_command("find_chains", verbosity=0)  # chain proposals for the demo tenants
            conversations_demo.load()  # messages, a masked number and a shared one
            visits_demo.load()  # a confirmed visit and a proposed one
            call_command("recompute_statistics", verbosity=0)
        call_command("update_index", verbosity=0)
        # Renditions of images loaded earlier, before their specs were registered.
        for image in get_image_model().objects.all():
            renditions.make_renditions(image)
        self.stdout.write(self.style.SUCCESS("Contenu de démonstration chargé."))
