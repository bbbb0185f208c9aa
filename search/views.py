from django.shortcuts import render
from django.utils.translation import gettext_lazy as _  # noqa: F401


def search(request):
    return render(request, "search/search.html", {"search_query": request.GET.get("q", "")})
