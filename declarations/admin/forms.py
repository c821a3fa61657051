"""Admin forms: versioned edits, status entries, "Record progress", the import, reviews.

Every form that offers a party limits it with `limit_party_choices` (the parties of
`reportable_parties(user)`), and every form that records an entry hands it to
`record_status`, so the scope and review rules are the ones of the model layer whatever
the page.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy

from ..intake import status_import
from ..intake.importing import ImportRejected, plan_import
from ..intake.limits import size_limit_text
from ..intake.readers import read_declaration_file, read_limit
from ..models import (
    NEW_ENTRY_STATES,
    EvidenceKind,
    ImplementationStatus,
    ReviewState,
    Status,
    can_review,
    check_as_of,
    check_evidence_file,
    conflict_message,
    is_current_version,
    new_entry_choices,
    reportable_parties,
    reporting_scope,
    save_versioned,
)
from ..text import validate_storable_text
from .rows import LabelledRowsFormSet

# The fields of a status form that `record_status` takes as they are.
ENTRY_FIELDS = ("party", "status", "progress", "as_of", "note", "state")


def entry_fields(cleaned_data):
    """`record_status` keyword arguments from a status form's cleaned data."""
    return {name: cleaned_data[name] for name in ENTRY_FIELDS}


def state_field():
    """What happens to a new entry, handed to `record_status(state=...)` as chosen."""
    return forms.ChoiceField(
        choices=list(NEW_ENTRY_STATES.items()), widget=forms.RadioSelect, label="Then"
    )


def offer_states(form, user, *, initial=None):
    """Offer `user` the states they may give a new entry; reviewers default to publishing."""
    field = form.fields["state"]
    field.choices = new_entry_choices(user)
    if initial is None:
        initial = ReviewState.PUBLISHED if can_review(user) else ReviewState.SUBMITTED
    field.initial = initial


def limit_party_choices(field, user):
    """Offer on a party field only the parties `user` may report for; the region as a whole
    (the empty choice) only to reviewers. Another party, or the region, is refused with the
    rule ("You report for Malaysia only.") rather than "Select a valid choice"."""
    reviewer = can_review(user)
    field.queryset = reportable_parties(user)
    field.required = not reviewer
    field.empty_label = "The region as a whole" if reviewer else None
    rule = lazy(reporting_scope, str)(user)  # its query runs only if a choice is refused
    field.error_messages = {**field.error_messages, "invalid_choice": rule, "required": rule}


def clean_as_of_date(as_of):
    try:
        check_as_of(as_of)
    except ValidationError as error:
        raise ValidationError(error.message_dict["as_of"]) from None
    return as_of


class VersionedModelForm(forms.ModelForm):
    """Carries the version of the row the editor loaded and refuses to save over a newer one.

    The check here gives the editor a form error and keeps what they typed; the save itself
    goes through `save_versioned`, whose conditional UPDATE settles a true race.
    """

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Inline rows are saved only when edited, so an untouched row's version does not matter.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version_seen"].initial = self.instance.version

    @property
    def changed_data(self):
        # Someone else's save changes the initial version, not what this editor changed.
        return [name for name in super().changed_data if name != "version_seen"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and (self.check_unchanged or self.has_changed()):
            seen = cleaned.get("version_seen")
            if seen is None or not is_current_version(self.instance, seen):
                raise ValidationError(conflict_message(type(self.instance)), code="conflict")
        return cleaned

    def save(self, commit=True):
        # Inline formsets save rows with commit=True; the admin's main form is saved by
        # ModelAdmin.save_model, which applies the same check.
        if commit and self.instance.pk is not None and not self.instance._state.adding:
            save_versioned(self.instance, version=self.cleaned_data["version_seen"])
            self._save_m2m()
            return self.instance
        return super().save(commit=commit)


class InlineVersionedModelForm(VersionedModelForm):
    check_unchanged = False


class StatusEntryFormMixin:
    """Shared by the add and change forms of a status entry; `user` is set per request."""

    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A final entry's page shows the party read-only, without a field.
        if self.user is not None and "party" in self.fields:
            limit_party_choices(self.fields["party"], self.user)

    def clean_as_of(self):
        return clean_as_of_date(self.cleaned_data["as_of"])


class StatusEntryAddForm(StatusEntryFormMixin, forms.ModelForm):
    state = state_field()

    class Meta:
        model = ImplementationStatus
        fields = ["instrument", "party", "status", "progress", "as_of", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].initial = ReviewState.SUBMITTED
        if self.user is not None:
            offer_states(self, self.user)


class StatusEntryChangeForm(StatusEntryFormMixin, VersionedModelForm):
    class Meta:
        model = ImplementationStatus
        fields = ["instrument", "party", "status", "progress", "as_of", "note"]


class RecordProgressForm(forms.Form):
    """One status for one or many instruments: the instrument page and the bulk action."""

    party = forms.ModelChoiceField(queryset=None, help_text="Whose progress this records.")
    status = forms.ChoiceField(choices=Status.choices)
    progress = forms.IntegerField(
        min_value=0, max_value=100, required=False, help_text="Per cent complete, if measurable."
    )
    as_of = forms.DateField(
        # A text box, day first: a browser's date box shows the browser's order (often
        # month first), whatever the site's.
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10}),
        help_text="The date this assessment describes, day first: 30/11/2026.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        validators=[validate_storable_text],
    )
    state = state_field()

    def __init__(self, *args, user, **kwargs):
        # Its own ids: on the instrument page it sits next to the instrument's form.
        kwargs.setdefault("auto_id", "record_%s")
        super().__init__(*args, **kwargs)
        limit_party_choices(self.fields["party"], user)
        self.fields["as_of"].initial = timezone.localdate()
        offer_states(self, user)

    def clean_as_of(self):
        return clean_as_of_date(self.cleaned_data["as_of"])


class RequestProgressForm(RecordProgressForm):
    """The answer to one reporting-round request: its instrument and party are fixed, and
    the date defaults to the round's report date (today, if that is still ahead)."""

    def __init__(self, *args, user, owed, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["party"]
        self.fields["as_of"].initial = min(timezone.localdate(), owed.round.reports_as_of)
        self.owed = owed

    def clean_as_of(self):
        as_of = super().clean_as_of()
        try:
            self.owed.check_entry(
                instrument=self.owed.instrument, party=self.owed.party, as_of=as_of
            )
        except ValidationError as error:
            raise ValidationError(
                error.message_dict.get("as_of", error.messages)
                if hasattr(error, "error_dict")
                else error.messages
            ) from None
        return as_of


class EvidenceForm(forms.Form):
    """One piece of evidence: a link, or an uploaded file (PDF, DOCX, XLSX, PNG, JPEG,
    checked by content and size: `check_evidence_file`)."""

    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Empty: the address or the file's name.",
        validators=[validate_storable_text],
    )
    url = forms.URLField(
        max_length=500,
        required=False,
        label="Address",
        assume_scheme="https",
        validators=[validate_storable_text],
    )
    file = forms.FileField(required=False, label="Or a file", validators=[check_evidence_file])
    kind = forms.ChoiceField(choices=EvidenceKind.choices, initial=EvidenceKind.OTHER)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("url") and cleaned.get("file"):
            self.add_error("file", "Give a link or a file, not both.")
        elif (
            cleaned.get("title")
            and not cleaned.get("url")
            and not cleaned.get("file")
            and "file" not in self.errors
        ):
            self.add_error("url", "Give the address of this evidence, or a file.")
        return cleaned

    def link(self):
        """The evidence as `record_status` takes it, or None for an empty row."""
        data = getattr(self, "cleaned_data", {})
        if data.get("file"):
            return {
                "title": data.get("title") or data["file"].name[:200],
                "file": data["file"],
                "kind": data["kind"],
            }
        if not data.get("url"):
            return None
        return {
            "title": data.get("title") or data["url"][:200],
            "url": data["url"],
            "kind": data["kind"],
        }


class EvidenceRows(LabelledRowsFormSet):
    row_name = "evidence"


EvidenceFormSet = forms.formset_factory(
    EvidenceForm, formset=EvidenceRows, extra=2, max_num=10, validate_max=True
)


def evidence_links(formset):
    return [link for form in formset.forms if (link := form.link()) is not None]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text=(
            "A .csv or .xlsx file with the columns that Export writes on the status list, "
            f"at most {size_limit_text(status_import.MAX_FILE_BYTES)}."
        )
    )
    state = state_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_states(self, user, initial=ReviewState.SUBMITTED)

    def clean_file(self):
        """What can be told before a worker reads the file: its type and its size."""
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("Upload a .csv or .xlsx file.")
        limit = status_import.MAX_FILE_BYTES
        if file.size > limit:
            raise ValidationError(f"The file is larger than {size_limit_text(limit)}.")
        return file


class ReviewForm(forms.Form):
    """Publish or reject entries with a comment; a rejection must say why."""

    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Shown to the author with the decision.",
        validators=[validate_storable_text],
    )

    def __init__(self, *args, publish, **kwargs):
        super().__init__(*args, **kwargs)
        self.publish = publish
        if not publish:
            self.fields["comment"].required = True
            self.fields["comment"].help_text = "Say why the entries are rejected."


class DeclarationImportForm(forms.Form):
    """Paste a declaration's text or upload it; the form's `plan` is what would be written."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        required=False,
        strip=False,
        help_text="Paste the whole text as copied from the web page; navigation lines are fine.",
    )
    file = forms.FileField(
        required=False,
        help_text=(
            "Or upload the declaration as published: a PDF, a Word document (.docx), a saved "
            "web page (.html) or a UTF-8 text file (.txt)."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.html,.htm,.txt,application/pdf,text/html,text/plain"}
        ),
    )
    slug = forms.SlugField(
        required=False,
        help_text="Leave empty to derive one, e.g. admm-2025-kuala-lumpur.",
        validators=[validate_storable_text],
    )
    source_url = forms.URLField(
        required=False, label="Source address", validators=[validate_storable_text]
    )
    update = forms.BooleanField(
        required=False, label="Apply the listed changes to the existing declaration"
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        try:
            if upload is not None:
                text = read_declaration_file(upload.read(read_limit()), name=upload.name)
            if not text.strip():
                raise ValidationError("Paste the declaration's text or choose a file.")
            self.plan = plan_import(
                text, slug=cleaned.get("slug") or None, source_url=cleaned.get("source_url", "")
            )
        except ImportRejected as rejected:
            raise ValidationError(str(rejected)) from None
        cleaned["text"] = text
        return cleaned
