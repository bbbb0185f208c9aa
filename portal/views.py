from django.http import HttpResponse


def hello_world(request):
    """The bench's baseline: the cheapest Django view behind the same stack."""
    return HttpResponse("Bonjour")
