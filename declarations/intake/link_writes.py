"""Writing an import's link decisions (`linking.decide`), inside `importing.apply_import`'s
transaction: the instrument each decision names, created if new, and the series an edition
belongs to, founded when the import brings its first editions."""

from django.utils.text import slugify

from ..models import Instrument, Series, edition_label, save_versioned
from . import parsing
from .linking import IGNORE, LINK, normalise_name


def _unique_slug(model, base, taken):
    slug, n = base[:110] or model._meta.model_name, 2
    while (model, slug) in taken or model.objects.filter(slug=slug).exists():
        slug = f"{base[:105]}-{n}"
        n += 1
    taken.add((model, slug))
    return slug


def _slug_base(name, acronym, kind):
    if acronym:
        return slugify(f"{acronym} {kind.replace('_', ' ')}")
    return slugify(name)[:100]


def _join(instrument, series):
    """Put an edition recorded without a series into `series`, under its own number."""
    number, _ = parsing.split_edition(instrument.name)
    instrument.series, instrument.edition = series, number
    save_versioned(instrument, version=instrument.version)


def _series_of(decision, item, taken, founded):
    """The series the decision's instrument belongs to, founding it if need be. `founded`
    keeps the series made by this import, so two editions of a new series share one."""
    if decision.series is not None:
        return decision.series
    source = decision.series_from
    if source is not None:
        if source.series_id:  # founded earlier in this import
            return source.series
        _, name = parsing.split_edition(source.name)
        acronym, kind = source.acronym, source.kind
    elif decision.series_name:
        name, acronym, kind = decision.series_name, item.acronym, item.kind
    else:
        return None
    key = (acronym.upper(), kind) if acronym else (normalise_name(name), kind)
    if key not in founded:
        founded[key] = Series.objects.create(
            slug=_unique_slug(Series, _slug_base(name, acronym, kind), taken),
            name=name[:300],
            acronym=acronym[:20],
            kind=kind,
        )
    series = founded[key]
    if source is not None:
        _join(source, series)
    return series


def write_instrument(item, *, taken, founded):
    """The instrument `item`'s decision links to, created (and its series founded) if new;
    None when it is ignored."""
    decision = item.decision
    if decision.action == IGNORE:
        return None
    series = _series_of(decision, item, taken, founded)
    if decision.action == LINK:
        return decision.instrument
    number = item.edition if series is not None else None
    if item.bare and series is not None:  # "the 3rd AUMX": named after its series
        name, acronym, kind = f"{edition_label(number)} {series.name}", series.acronym, series.kind
    else:
        name, acronym, kind = item.name, item.acronym, item.kind
    base = _slug_base(name, acronym, kind)
    if number and acronym:  # "aumx-exercise-3"; a name without acronym has its ordinal
        base = f"{base}-{number}"
    return Instrument.objects.create(
        slug=_unique_slug(Instrument, base, taken),
        name=name[:300],
        acronym=acronym[:20],
        kind=kind,
        series=series,
        edition=number,
    )
