"""Listing photos: only real images, within limits, stored without metadata.

An upload is checked by its content (Pillow), never by its name: JPEG, PNG
or WebP, at most ``TENANT_PHOTO_MAX_BYTES`` bytes and ``MAX_PIXELS`` pixels
(read from the header, before decoding). It is then decoded, turned upright,
shrunk to ``MAX_SIDE`` and re-encoded as a JPEG without any metadata: EXIF
(GPS position included), XMP and ICC data are dropped.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import ListingPhoto

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
MAX_PHOTOS = 6


def max_bytes() -> int:
    return getattr(settings, "TENANT_PHOTO_MAX_BYTES", 8 * 1024 * 1024)


def clean_photo(upload) -> ContentFile:
    """Validate an uploaded file and return the re-encoded JPEG (or raise ValidationError)."""
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("La photo est trop lourde : %(limit)s Mo au maximum.")
            % {"limit": limit // (1024 * 1024)},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("La photo est trop lourde."), code="too_big")
    not_an_image = ValidationError(
        _("Ce fichier n’est pas une image JPEG, PNG ou WebP valide."), code="not_an_image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise not_an_image
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _("L’image est trop grande : %(max)s millions de pixels au maximum.")
                        % {"max": MAX_PIXELS // 1_000_000},
                        code="too_many_pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                else:
                    image = image.convert("RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_an_image from None
    except Warning:
        raise not_an_image from None
    result = ContentFile(out.getvalue(), name="photo.jpg")
    result.image_size = image.size
    return result


def active_photos(listing):
    return listing.photos.filter(removed_at__isnull=True)


def add_photo(listing, upload, caption="") -> ListingPhoto:
    if active_photos(listing).count() >= MAX_PHOTOS:
        raise ValidationError(
            _("Six photos au maximum : retirez-en une avant d’en ajouter une autre.")
        )
    content = upload if isinstance(upload, ContentFile) and hasattr(upload, "image_size") else None
    content = content or clean_photo(upload)
    width, height = content.image_size
    photo = ListingPhoto(listing=listing, caption=(caption or "")[:150], width=width, height=height)
    photo.file.save("photo.jpg", content, save=False)
    photo.save()
    return photo


def delete_photo_file(photo: ListingPhoto) -> None:
    if photo.file:
        photo.file.delete(save=False)
