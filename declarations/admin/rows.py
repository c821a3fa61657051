"""Forms laid out as the rows of a table (the admin's tabular inlines, the evidence rows of
"Record progress"), named for screen readers.

A cell has no <label> of its own: its column head says what it is. Each visible field is
therefore named by its column and row ("Title, evidence 2"), and its help text, which the
table shows once in the column head, is its description. Django would point
aria-describedby at a help text element per cell that such a table never renders."""

from django.contrib import admin
from django.forms import BaseFormSet
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name
from django.utils.html import strip_tags
from django.utils.text import capfirst


class RowBoundField(BoundField):
    """Describes a cell by its error list only; the help text is in `aria-description`."""

    @property
    def aria_describedby(self):
        return f"{self.auto_id}_error" if self.auto_id and self.errors else None


class LabelledRowsMixin:
    """For a formset rendered as a table; `row_name` names a row ("evidence")."""

    row_name = "row"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The empty row that "Add another" copies has no number yet.
        row = "" if index is None else f", {self.row_name} {index + 1}"
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = capfirst(field.label if field.label is not None else pretty_name(name))
            field.widget.attrs["aria-label"] = f"{label}{row}"
            if field.help_text:
                field.widget.attrs["aria-description"] = strip_tags(str(field.help_text))
            field.bound_field_class = RowBoundField


class LabelledRowsFormSet(LabelledRowsMixin, BaseFormSet):
    pass


class TabularInline(admin.TabularInline):
    """Django's tabular inline with every cell named (LabelledRowsMixin)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(
            formset.__name__,
            (LabelledRowsMixin, formset),
            {"row_name": str(self.verbose_name or formset.model._meta.verbose_name)},
        )
