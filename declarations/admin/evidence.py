"""A status entry's evidence rows on its admin page: a link or an uploaded file, the file
offered through the view that checks who may see the entry."""

from django import forms

from ..models import Evidence
from .rows import TabularInline


class StoredFileInput(forms.ClearableFileInput):
    """A file input whose "Currently" link is the view that checks who may see the entry,
    not the storage's own address (evidence has none)."""

    served_at = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.served_at and context["widget"]["is_initial"]:
            context["widget"]["value"] = ServedFile(self.served_at, "the uploaded file")
        return context


class ServedFile:
    def __init__(self, url, label):
        self.url, self.label = url, label

    def __str__(self):
        return self.label


class EvidenceInlineForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["title", "url", "file", "kind"]
        widgets = {"file": StoredFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file:
            self.fields["file"].widget.served_at = self.instance.href


class EvidenceInline(TabularInline):
    model = Evidence
    form = EvidenceInlineForm
    extra = 1
