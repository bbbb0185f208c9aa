"""Admin form of the document model (``WAGTAILDOCS_DOCUMENT_FORM_BASE``)."""

from wagtail.documents.forms import BaseDocumentForm


class KitDocumentForm(BaseDocumentForm):
    """Replacing a document's file keeps the previous file as an older version.

    Wagtail's base form deletes the previous file from storage; we copy it
    into a ``KitDocumentVersion`` first.
    """

    def save(self, commit=True):
        if commit and "file" in self.changed_data and self.instance.pk and self.original_file:
            self.instance.archive_current_file()
        return super().save(commit=commit)
