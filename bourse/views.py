from django.shortcuts import render


def coming_soon(request, title):
    """Entry points of the bourse that later work fills."""
    return render(request, "bourse/coming_soon.html", {"title": title})
