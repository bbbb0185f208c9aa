"""Serve uploaded images (originals and renditions) through Django.

The web server must not serve ``MEDIA_ROOT`` directly: images stored in a
private collection (the member kit's) are served only to visitors with access
to the kit, and documents are only ever served by the document views.

Only files that the database knows as an image original or a rendition are
served; any other path (``..``, absolute paths, documents, stray files)
answers 404.
"""

import mimetypes
import posixpath

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from wagtail.images import get_image_model

from portal.http import never_cache_response

from . import access
from .views import access_denied_response

ALLOWED_FOLDERS = ("images", "original_images")
PUBLIC_MAX_AGE = 60 * 60 * 24


def _safe_name(folder: str, path: str) -> str:
    if folder not in ALLOWED_FOLDERS or not path or "\\" in path or "\x00" in path:
        raise Http404
    name = posixpath.normpath(f"{folder}/{path}")
    if name != f"{folder}/{path}" or not name.startswith(f"{folder}/") or ".." in name.split("/"):
        raise Http404
    return name


def _find_image(name: str):
    Image = get_image_model()
    if name.startswith("original_images/"):
        return Image.objects.filter(file=name).first()
    Rendition = Image.get_rendition_model()
    rendition = Rendition.objects.filter(file=name).select_related("image").first()
    return rendition.image if rendition is not None else None


def serve_image(request, folder, path):
    name = _safe_name(folder, path)
    image = _find_image(name)
    if image is None:
        raise Http404
    private = access.image_is_private(image)
    if private and not access.request_has_kit_access(request):
        return access_denied_response(request)
    storage = image.file.storage
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        never_cache_response(response)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response
