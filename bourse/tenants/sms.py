"""Text messages (SMS) through a pluggable backend, never lost.

``queue_sms`` stores the message (``OutboundSms``) inside the caller's
transaction; once it commits, Celery sends it (``tasks.deliver_sms``, with
retries) through the backend named by the ``SMS_BACKEND`` setting:

- ``bourse.tenants.sms.ConsoleBackend`` (default): writes the message to the log
  and to standard output, sends nothing;
- ``bourse.tenants.sms.LocmemBackend``: keeps messages in ``sms.outbox`` (tests);
- ``bourse.tenants.sms.HttpBackend``: a provider's HTTP API — a JSON POST
  ``{"from", "to", "text"}`` to ``SMS_HTTP_URL`` with ``Authorization: Bearer
  SMS_HTTP_TOKEN``; other providers subclass it (``payload``/``message_id``).

A backend's ``send(to, text)`` returns the provider's id, raises
``TemporarySmsError`` (tried again later) or ``SmsRejected`` (given up).
"""

import functools
import json
import logging
import re
import sys
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from portal.outbox import Channel, TemporarySendError, send_stored
from portal.outbox import dispatch as outbox_dispatch

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
MOBILE = re.compile(r"^(?:\+33|0033|0)([67]\d{8})$")

outbox: list[dict] = []  # LocmemBackend


class TemporarySmsError(TemporarySendError):
    """The provider could not take the message now: try again later."""


class SmsRejected(Exception):
    """The provider refused the message for good (bad number, bad credentials…)."""


def normalise_phone(value: str) -> str | None:
    """A French mobile number as ``+336…``/``+337…``, or None when it is not one."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    found = MOBILE.match(digits)
    return f"+33{found.group(1)}" if found else None


# --- Backends --------------------------------------------------------------------------------


class ConsoleBackend:
    def send(self, to: str, text: str) -> str:
        logger.info("SMS to %s: %s", to, text)
        sys.stdout.write(f"SMS → {to}: {text}\n")
        return ""


class LocmemBackend:
    def send(self, to: str, text: str) -> str:
        outbox.append({"to": to, "text": text})
        return f"locmem-{len(outbox)}"


class HttpBackend:
    url_setting = "SMS_HTTP_URL"

    def payload(self, to: str, text: str) -> dict:
        return {"from": settings.SMS_SENDER, "to": to, "text": text}

    def message_id(self, answer: dict) -> str:
        return str(answer.get("id", ""))

    def send(self, to: str, text: str) -> str:
        url = getattr(settings, self.url_setting, "")
        if not url.startswith(("https://", "http://")):
            raise SmsRejected(f"{self.url_setting} must be an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            data=json.dumps(self.payload(to, text)).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:  # noqa: S310
                body = response.read() or b"{}"
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise TemporarySmsError(f"HTTP {error.code}") from error
            raise SmsRejected(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TemporarySmsError(str(error)) from error
        try:
            return self.message_id(json.loads(body))
        except (ValueError, AttributeError):
            return ""


def get_backend():
    return import_string(settings.SMS_BACKEND)()


# --- Stored, then sent -----------------------------------------------------------------------


@functools.cache
def channel() -> Channel:
    """The outbox's SMS channel: a refusal is final, a provider down is retried."""
    from .models import OutboundSms

    return Channel(
        name="SMS",
        model=OutboundSms,
        transmit=_transmit,
        max_attempts=MAX_ATTEMPTS,
        temporary=TemporarySmsError,
        temporary_errors=(TemporarySmsError,),
        permanent_errors=(SmsRejected,),
    )


def _transmit(message) -> None:
    message.provider_id = get_backend().send(message.to, message.body)[:100]


def queue_sms(*, to: str, body: str, kind: str = ""):
    from .models import OutboundSms

    message = OutboundSms.objects.create(to=to, body=body[:480], kind=kind)
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


def dispatch(sms_id: int) -> None:
    """Hand the message to Celery; eager (no broker): send once in-process. Whatever
    fails here leaves the row pending for ``resend_pending_sms``."""
    from .tasks import deliver_sms

    outbox_dispatch(channel(), deliver_sms, sms_id)


def send_stored_sms(sms_id: int) -> bool:
    """Send one stored message if still pending; True when sent now. A temporary
    failure is recorded, then raised (for Celery's retry)."""
    return send_stored(channel(), sms_id)
