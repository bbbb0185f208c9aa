"""Absolute links of the site: always from ``settings.SITE_URL``.

Mails, the RSS feed and Wagtail's own links (``WAGTAILADMIN_BASE_URL``, the
default ``Site``) are built from the one setting, never from the host a
request came through.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``SITE_URL`` followed by a path of the site (``/actualites/``)."""
    if not path.startswith("/"):
        path = "/" + path
    return settings.SITE_URL.rstrip("/") + path


def page_url(page) -> str:
    """The absolute URL of a Wagtail page, whatever its ``Site`` says."""
    parts = page.get_url_parts()
    if parts is None:
        return ""
    _site_id, _root_url, page_path = parts
    return absolute_url(page_path)


def site_hostname_port(site_url: str | None = None) -> tuple[str, int]:
    """The hostname and port Wagtail's default ``Site`` must have for its
    ``root_url`` to be ``SITE_URL`` (port 443 means HTTPS, 80 HTTP)."""
    parts = urlsplit(site_url or settings.SITE_URL)
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default_port


def sync_default_site(**_kwargs) -> bool:
    """Give the default ``Site`` the hostname and port of ``SITE_URL``
    (``post_migrate`` receiver, also called by ``load_demo_content``).
    Returns whether it changed."""
    from wagtail.models import Site

    hostname, port = site_hostname_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        return False  # another site already answers there: leave the editors' choice
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return True
