"""``/_bench/``: endpoints of ``bench/run.py``, routed only when
``settings.BENCH_ENDPOINTS`` is on (never in production)."""

from django.urls import path

from . import views

urlpatterns = [
    path("hello/", views.hello_world, name="hello_world"),
]
