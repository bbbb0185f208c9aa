"""Admin form of the document model (``WAGTAILDOCS_DOCUMENT_FORM_BASE``)."""

from django.utils import timezone
from wagtail.documents.forms import BaseDocumentForm


class KitDocumentForm(BaseDocumentForm):
    """Replacing a document's file keeps the previous file as an older version.

    Wagtail's base form deletes the previous file from storage; we copy it
    into a ``KitDocumentVersion`` first. A new file whose « mis à jour le » the
    editor left unchanged is dated today (issue 19).
    """

    def save(self, commit=True):
        replaced = "file" in self.changed_data and self.instance.pk and self.original_file
        if replaced:
            stored = type(self.instance).objects.filter(pk=self.instance.pk).first()
            if stored is not None and stored.updated_on == self.instance.updated_on:
                # A new file left with the previous file's date: it is updated today.
                self.instance.updated_on = timezone.localdate()
        if commit and replaced:
            self.instance.archive_current_file()
        return super().save(commit=commit)
