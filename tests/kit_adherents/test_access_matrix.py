"""The member area's access matrix, both ways: who gets each resource, and
who gets the password form (or 403) instead."""

import pytest

from .conftest import HAS_ACCESS, SECRET_WORD, VISITORS

pytestmark = pytest.mark.django_db


def assert_private_headers(response):
    cache_control = response.get("Cache-Control", "")
    assert "private" in cache_control and "no-cache" in cache_control, cache_control
    assert "Cookie" in response.get("Vary", ""), response.get("Vary")


def content_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_password_form(response, status=200):
    assert response.status_code == status
    body = response.content.decode()
    assert 'name="password"' in body
    assert SECRET_WORD not in body
    assert_private_headers(response)


@pytest.mark.parametrize("kind", VISITORS)
def test_kit_pages(kind, kit, visitor_client):
    client = visitor_client(kind)
    assert kit.news is not None  # a members-only news note under a kit section
    urls = [kit.index.url, kit.section.url, kit.directory.url, kit.news.url]
    for url in urls:
        response = client.get(url)
        if kind in HAS_ACCESS:
            assert response.status_code == 200, url
            assert 'name="password"' not in response.content.decode(), url
            assert_private_headers(response)
        else:
            assert_password_form(response)
    section = client.get(kit.section.url).content.decode()
    assert (SECRET_WORD in section) is (kind in HAS_ACCESS)


@pytest.mark.parametrize("kind", VISITORS)
def test_documents_and_older_versions(kind, kit, visitor_client):
    client = visitor_client(kind)
    for url in (kit.guide.url, kit.book.url, kit.old_version.url):
        response = client.get(url)
        if kind in HAS_ACCESS:
            assert response.status_code == 200, url
            assert content_of(response).startswith(b"%PDF"), url
            assert_private_headers(response)
        else:
            assert_password_form(response, status=403)
            assert not response.content.startswith(b"%PDF")
    # A public document stays public for everyone.
    response = client.get(kit.public_doc.url)
    assert response.status_code == 200
    assert content_of(response).startswith(b"%PDF")


@pytest.mark.parametrize("kind", VISITORS)
def test_images_and_renditions(kind, kit, visitor_client):
    client = visitor_client(kind)
    rendition = kit.private_image.get_rendition("fill-60x60")
    for url in (rendition.url, kit.private_image.file.url):
        response = client.get(url)
        if kind in HAS_ACCESS:
            assert response.status_code == 200, url
            assert content_of(response).startswith(b"\x89PNG"), url
            assert_private_headers(response)
        else:
            assert response.status_code == 403, url
            assert_private_headers(response)
    public = kit.public_image.get_rendition("fill-60x60")
    response = client.get(public.url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("kind", VISITORS)
def test_search_results(kind, kit, visitor_client):
    client = visitor_client(kind)
    response = client.get("/recherche/", {"q": SECRET_WORD})
    assert response.status_code == 200
    body = response.content.decode()
    titles = [kit.section.title, kit.guide.title]
    if kind in HAS_ACCESS:
        for title in titles:
            assert title in body, title
    else:
        for title in titles:
            assert title not in body, title
        assert kit.guide.url not in body


def test_member_pass_is_dropped_when_no_longer_member(kit, users, client):
    client.force_login(users.member)
    assert client.get(kit.section.url).content.decode().count(SECRET_WORD)
    users.member.groups.clear()
    assert_password_form(client.get(kit.section.url))
    assert_password_form(client.get(kit.guide.url), status=403)


def test_password_form_is_never_cached_publicly(kit, client):
    first = client.get(kit.section.url)
    assert_password_form(first)
    assert "X-Page-Cache" not in first
    second = client.get(kit.section.url)
    assert "X-Page-Cache" not in second


def test_unknown_and_traversal_media_paths_are_refused(kit, client, settings):
    (settings.MEDIA_ROOT / "images").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "images" / "stray.png").write_bytes(b"\x89PNG stray")
    for url in (
        "/media/images/stray.png",
        "/media/images/../documents/" + kit.guide.filename,
        "/media/images/%2e%2e/documents/" + kit.guide.filename,
        "/media/documents/" + kit.guide.filename,
        "/media/original_images/../../etc/passwd",
    ):
        assert client.get(url).status_code == 404, url
