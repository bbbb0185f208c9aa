"""factory_boy / wagtail-factories factories of the CMS base (tests only).

Defaults make a valid object; a test states only what it looks at."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory, Password

from .models import HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    """A home page; give its ``parent`` (the Wagtail root) to place it in the tree."""

    class Meta:
        model = HomePage

    title = "Accueil"
    slug = "accueil"
    headline = "Échangez votre logement"


class GroupMemberFactory(DjangoModelFactory):
    """An account of the GIE in the Wagtail group named ``group`` (editors, validators)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"membre-gie{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@echangerhabiter.example")
    password = Password("Mot-de-passe-1")

    @factory.post_generation
    def group(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))
