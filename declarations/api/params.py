"""Query parameters checked as strictly as the schema states them, before any filter runs.

django-filter and DRF's paginator are lenient where the schema is not: an empty
`updated_since=` or `trackable=null` is silently ignored, a parameter given twice silently
uses its last value. A consumer whose request is not what it meant should be told: these
are 400s naming the parameter.
"""

import django_filters
from rest_framework.exceptions import ValidationError

# The parameters a list takes besides its filters; each is given at most once.
PAGING = ("page", "page_size", "cursor", "format")
# Parameters that may be repeated, besides the multiple-choice filters.
REPEATABLE = {"expand"}
BOOLEAN_VALUES = {"true", "false", "1", "0"}


def check_query(view, query):
    """A dict of messages for the query parameters of `query` (a QueryDict) that `view`
    takes and that are given twice, empty where a value is required, or not a boolean
    where one is."""
    filterset = getattr(view, "filterset_class", None)
    filters = filterset.base_filters if filterset else {}
    errors = {}
    for name, values in query.lists():
        declared = filters.get(name)
        if declared is None and name not in PAGING and name not in REPEATABLE:
            continue  # not a parameter of this address: ignored, as HTTP allows
        repeatable = name in REPEATABLE or isinstance(declared, django_filters.MultipleChoiceFilter)
        if len(values) > 1 and not repeatable:
            errors[name] = [f"Give {name} once, not {len(values)} times."]
        elif "" in values and needs_a_value(declared) and name != "page_size":
            # (An empty page_size is the paginator's to refuse, with the allowed range.)
            errors[name] = [f"Give {name} a value, or leave it out."]
        elif isinstance(declared, django_filters.BooleanFilter) and not all(
            value.lower() in BOOLEAN_VALUES for value in values
        ):
            errors[name] = [f"Give {name} as true or false."]
    if errors:
        raise ValidationError(errors)


def needs_a_value(declared):
    """Whether an empty value is an error: it is for every typed filter (dates, numbers,
    booleans, choices); an empty text filter or search just matches everything."""
    return declared is None or type(declared) is not django_filters.CharFilter
