"""The import preview's link decisions, one pair of fields per instrument the text names:
keep the importer's decision, create a new instrument, ignore it, or link it to another
instrument picked with the admin's autocomplete.

The confirm step parses the text again; the choices travel as these fields, keyed by each
item's `key`, and are validated against the plan made then: an instrument that no longer
exists (or never did) is an error on its field, never a 500."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from ..intake import linking
from ..models import Instrument, Reference

KEEP = "proposed"


def _is_id(value):
    """Whether `value` can be a row id: the database refuses "abc" or 10**30 in a query."""
    return str(value).isdigit() and int(value) < 2**63


class InstrumentAutocomplete(AutocompleteSelect):
    """The admin's autocomplete, which looks the posted value up to show it again; a value
    that is no id is shown as empty and left to the field's error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if _is_id(v)], attr)


class InstrumentField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().to_python(value)


class LinkChoicesForm(forms.Form):
    def __init__(self, plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        widget = InstrumentAutocomplete(Reference._meta.get_field("instrument"), admin.site)
        for item in plan.instruments:
            proposed = item.proposed
            choices = [(KEEP, f"As proposed: {_summary(item)}")]
            if proposed.action != linking.NEW:
                choices.append((linking.NEW, "Create a new instrument"))
            if proposed.action != linking.IGNORE:
                choices.append((linking.IGNORE, "Ignore: link nothing"))
            self.fields[f"link_{item.key}"] = forms.ChoiceField(
                choices=choices, initial=KEEP, required=False, label=item.label
            )
            self.fields[f"to_{item.key}"] = InstrumentField(
                Instrument.objects.all(),
                required=False,
                widget=widget,
                label="Or link to",
                error_messages={
                    "invalid_choice": "There is no such instrument (was it deleted?); "
                    "choose another or clear the field."
                },
            )

    def rows(self):
        """(item, decision field, instrument field) for the template."""
        return [
            (item, self[f"link_{item.key}"], self[f"to_{item.key}"])
            for item in self.plan.instruments
        ]

    def choices(self):
        """{item key: "proposed" | "new" | "ignore" | Instrument}: a picked instrument wins."""
        data = self.cleaned_data
        return {
            item.key: data.get(f"to_{item.key}") or data.get(f"link_{item.key}") or KEEP
            for item in self.plan.instruments
        }

    def as_params(self):
        """The choices as a background job's parameters (instrument ids)."""
        return {
            key: choice.pk if isinstance(choice, Instrument) else choice
            for key, choice in self.choices().items()
            if choice != KEEP
        }


def _summary(item):
    """The proposal in a word or two; its reason stands in the next column."""
    return {linking.LINK: "link", linking.NEW: "create new", linking.IGNORE: "ignore"}[
        item.proposed.action
    ]
