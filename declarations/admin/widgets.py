"""The admin's date input: dates are typed day first (dd/mm/yyyy, the first of
DATE_INPUT_FORMATS), and the field's help text stays announced.

Django's admin date widget sets its input's aria-describedby to the id of the time zone
warning its script adds when the browser's zone differs from the server's, which throws
away the ids the form gave it: the help text's, and the error's once the field has one.
A screen reader then never reads "The date the parties' updates are due." This input keeps
those ids and adds the warning's after them.
"""

from django.contrib.admin.widgets import AdminDateWidget
from django.db import models


class DayMonthYearInput(AdminDateWidget):
    def __init__(self, attrs=None, format=None, *, help_text_shown=True):
        # A tabular inline shows a help text as its column header's tooltip, with no id:
        # its rows' inputs must not name one.
        self.help_text_shown = help_text_shown
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", **(attrs or {})}, format=format)

    def get_context(self, name, value, attrs):
        given = (attrs or {}).get("aria-describedby") or self.attrs.get("aria-describedby", "")
        kept = [
            id_ for id_ in given.split() if self.help_text_shown or not id_.endswith("_helptext")
        ]
        context = super().get_context(name, value, attrs)
        rendered = context["widget"]["attrs"]
        warning = rendered.get("aria-describedby", "").split()
        rendered["aria-describedby"] = " ".join(dict.fromkeys([*kept, *warning]))
        return context


# `formfield_overrides` of every admin page with date fields, and of every tabular inline.
DATES = {models.DateField: {"widget": DayMonthYearInput}}
TABULAR_DATES = {models.DateField: {"widget": DayMonthYearInput(help_text_shown=False)}}
