"""Admin form of the mail texts: an empty subject or text starts from the default."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .mail_defaults import DEFAULTS


class MailTemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("subject", "body"):
            if name in self.fields:
                self.fields[name].required = False
        if "body" in self.fields:
            self.fields["body"].help_text = _(
                "Laissez l’objet ou le texte vide pour partir du texte par défaut. "
            ) + str(self.fields["body"].help_text)

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key")
        if key in DEFAULTS:
            _label, subject, body = DEFAULTS[key]
            if not cleaned.get("subject"):
                cleaned["subject"] = subject
            if not cleaned.get("body"):
                cleaned["body"] = body
        return cleaned
