"""Which record each instrument a text names is: the link decisions of an import.

Business rules, tried in this order for each instrument the text names; each decision
carries its reason, shown in the preview, and staff may override it there:
1. Editions. A name led by an ordinal ("the 3rd X", "the Third X") is one edition of a
   series: it links to that edition if the database has it, and is otherwise a new edition
   of the series known by the same acronym and kind (or the same name without the ordinal).
   An earlier edition recorded before series existed founds the series. Never the record
   of another edition, never an unrelated new record.
2. Same acronym and kind: the known instrument, even under a new name (a rename). When the
   acronym belongs to a series, its latest edition.
3. Same normalised name (case, accents, punctuation and "the" ignored).
4. A short reference: a known acronym with at most three words that all stand in the known
   instrument's name ("the ACDN Guidelines").
5. Otherwise a new instrument.
Acronyms a text uses bare without defining them ("SUPPORT the hosting of ADSARX") count only
when the database knows them: rule 2 without the kind, or rule 1 with "the 3rd ADSARX".
"""

import dataclasses
import hashlib
import re
import unicodedata

from django.db.models import Max

from ..models import Instrument, Reference, Relation, Series, edition_label
from . import parsing
from .limits import ImportRejected

LINK, NEW, IGNORE = "link", "new", "ignore"

_PAST = {
    Relation.ADOPTS: "adopted",
    Relation.APPROVES: "approved",
    Relation.WELCOMES: "welcomed",
    Relation.NOTES: "noted",
    Relation.REAFFIRMS: "reaffirmed",
    Relation.ENCOURAGES: "encouraged",
    Relation.LOOKS_FORWARD: "looked forward to",
    Relation.CITES: "cited",
}
_ACRONYM_RE = re.compile(r"^(?=(?:[0-9a-z]*[A-Z]){2})[A-Z0-9][A-Za-z0-9]{1,19}$")


def normalise_name(name):
    """A matching key for instrument names: case, accents, punctuation and 'the' ignored."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(word for word in text.split() if word != "the")


@dataclasses.dataclass
class Decision:
    """What an import does with one instrument: link it to `instrument`, create it (in
    `series`, or in a series founded by `series_from` or named `series_name`), or ignore it."""

    action: str
    reason: str
    instrument: Instrument | None = None
    series: Series | None = None
    series_from: Instrument | None = None
    series_name: str = ""


@dataclasses.dataclass
class ProposedInstrument:
    """One instrument named by the text, with every clause that names it."""

    name: str
    acronym: str
    kind: str
    mentions: list  # of (clause anchor, relation)
    edition: int | None = None
    bare: bool = False  # an acronym the text uses without defining it
    proposed: Decision | None = None  # the importer's decision
    decision: Decision | None = None  # what will be written: the proposal or staff's choice

    @property
    def key(self):
        """Stable across the preview and the confirm step, which parses the text again."""
        raw = f"{self.kind}|{self.acronym}|{self.name}|{self.edition}|{self.bare}"
        return hashlib.sha256(raw.encode()).hexdigest()[:12]

    @property
    def existing(self):
        return self.decision.instrument if self.decision.action == LINK else None

    @property
    def is_new(self):
        return self.decision.action == NEW

    @property
    def is_ignored(self):
        return self.decision.action == IGNORE

    @property
    def label(self):
        return f"{self.name} ({self.acronym})" if self.acronym and not self.bare else self.name

    def choose(self, choice):
        """Staff's choice: "proposed", "new", "ignore", or an Instrument to link to."""
        if isinstance(choice, Instrument):
            self.decision = Decision(LINK, f"linked by staff to {choice}", instrument=choice)
        elif choice == NEW and self.proposed.action != NEW:
            self.decision = Decision(NEW, "new instrument (chosen by staff)")
        elif choice == IGNORE:
            self.decision = Decision(IGNORE, "ignored (chosen by staff): nothing is linked")
        else:
            self.decision = self.proposed


def resolve_choices(params):
    """Choices stored as a job's parameters ({key: "new" | "ignore" | instrument id}) as
    `ImportPlan.choose_links` takes them; an instrument deleted since the confirmation is
    refused by name."""
    wanted = {value for value in params.values() if isinstance(value, int)}
    found = Instrument.objects.in_bulk(wanted)
    if wanted - set(found):
        raise ImportRejected(
            f"The instrument chosen to link to (id {min(wanted - set(found))}) no longer "
            "exists; start the import again."
        )
    return {key: found.get(value, value) for key, value in params.items()}


def propose(parsed):
    """The instruments `parsed` names, each with its decision."""
    grouped = {}
    for mention in parsed.instruments:
        edition, _ = parsing.split_edition(mention.name)
        key = (
            (mention.acronym.upper(), mention.kind, edition)
            if mention.acronym
            else normalise_name(mention.name)
        )
        if key not in grouped:
            grouped[key] = ProposedInstrument(
                mention.name, mention.acronym, mention.kind, [], edition=edition
            )
        _add_mention(grouped[key], mention.clause, mention.relation)
    items = list(grouped.values())
    for item in items:
        item.proposed = item.decision = decide(item)
    return items + _bare_items(parsed.acronym_uses)


def _add_mention(item, clause, relation):
    if (clause, relation) not in item.mentions:
        item.mentions.append((clause, relation))


def _bare_items(uses):
    """Items for the acronyms used bare that the database knows; the rest are dropped."""
    acronyms = {use.acronym for use in uses}
    known = set(Instrument.objects.filter(acronym__in=acronyms).values_list("acronym", flat=True))
    known |= set(Series.objects.filter(acronym__in=acronyms).values_list("acronym", flat=True))
    grouped = {}
    for use in uses:
        if use.acronym not in known:
            continue
        key = (use.acronym, use.edition)
        if key not in grouped:
            name = f"{edition_label(use.edition)} {use.acronym}" if use.edition else use.acronym
            grouped[key] = ProposedInstrument(
                name, use.acronym, "", [], edition=use.edition, bare=True
            )
        _add_mention(grouped[key], use.clause, use.relation)
    items = []
    for item in grouped.values():
        item.proposed = item.decision = decide(item)
        if item.decision is not None:
            items.append(item)
    return items


def decide(item):
    """The decision for `item` (see the module's rules); None for a bare acronym that turns
    out to name nothing known."""
    if item.edition:
        return _edition(item)
    if item.bare:
        return _by_acronym(item, any_kind=True)
    return (
        (_by_acronym(item) if item.acronym else None)
        or _by_name(item)
        or _by_short_reference(item)
        or Decision(NEW, "new instrument")
    )


def first_citation(instrument):
    """ "adopted 2025, op-13": where the instrument was first cited, or a note that it was not."""
    ref = (
        Reference.objects.filter(instrument=instrument)
        .select_related("clause__declaration")
        .order_by("clause__declaration__adopted_on", "-clause__part", "clause__number")
        .first()
    )
    if ref is None:
        return "not cited by any declaration yet"
    year = ref.clause.declaration.adopted_on.year
    return f"{_PAST.get(ref.relation, ref.relation)} {year}, {ref.clause.anchor}"


def _known(instrument, how, note=""):
    reason = f"known {how}, {first_citation(instrument)}{note}"
    return Decision(LINK, reason, instrument=instrument)


def _most_recently_cited(instruments):
    """Of several records sharing an acronym: the one a declaration cited last."""
    latest = dict(
        Reference.objects.filter(instrument__in=instruments)
        .values("instrument")
        .annotate(last=Max("clause__declaration__adopted_on"))
        .values_list("instrument", "last")
    )
    return max(instruments, key=lambda i: (latest.get(i.pk) is not None, latest.get(i.pk), i.pk))


def _by_acronym(item, *, any_kind=False):
    found = Instrument.objects.filter(acronym__iexact=item.acronym).select_related("series")
    if not any_kind:
        found = found.filter(kind=item.kind)
    found = list(found)
    if not found:
        return None
    in_series = [i for i in found if i.series_id]
    if in_series and len({i.series_id for i in in_series}) == 1 and len(in_series) == len(found):
        latest = in_series[0].series.latest_edition()
        how = (
            f"by acronym {item.acronym}: the latest edition ({latest.edition_label}) of its series"
        )
        return _known(latest, how)
    chosen = found[0] if len(found) == 1 else _most_recently_cited(found)
    others = f"; {len(found) - 1} other record(s) share the acronym" if len(found) > 1 else ""
    renamed = ""
    if not item.bare and normalise_name(chosen.name) != normalise_name(item.name):
        renamed = f"; named “{chosen.name}” there"
    return _known(chosen, f"by acronym {item.acronym}", others + renamed)


def _same_name(queryset, name):
    """Records of `queryset` whose normalised name is `name`'s; narrowed in SQL by the
    longest word, compared in Python."""
    key = normalise_name(name)
    if not key:
        return []
    longest = max(key.split(), key=len)
    return [c for c in queryset.filter(name__icontains=longest) if normalise_name(c.name) == key]


def _by_name(item):
    found = _same_name(Instrument.objects.all(), item.name)
    return _known(found[0], "by name") if found else None


def _stem(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _by_short_reference(item):
    words = [w for w in re.split(r"[\s,]+", item.name) if w and w.lower() not in ("the", "of")]
    acronyms = [w for w in words if _ACRONYM_RE.match(w)]
    if len(acronyms) != 1 or not 2 <= len(words) <= 4:
        return None
    acronym = acronyms[0]
    rest = {_stem(w) for w in normalise_name(item.name).split()} - {_stem(acronym.lower())}
    if not rest:
        return None
    for candidate in Instrument.objects.filter(acronym=acronym).order_by("pk"):
        own = {_stem(w) for w in normalise_name(candidate.name).split()}
        if rest <= own:
            shown = " ".join(w for w in words if w != acronym)
            return _known(candidate, f"by short reference: acronym {acronym} and “{shown}”")
    return None


def _edition(item):
    """Rule 1: the edition itself, a new edition of a known series, or the first known."""
    number = item.edition
    _, base = parsing.split_edition(item.name)
    series = _find_series(item, base)
    if series is not None:
        same = series.editions.filter(edition=number).first()
        if same is not None:
            return _known(same, f"as edition {number} of series {series.acronym or series.name}")
        return Decision(
            NEW, f"new edition {number} of series {series.acronym or series.name}", series=series
        )
    earlier = _earlier_edition(item, base)
    if earlier is not None:
        earlier_number, _ = parsing.split_edition(earlier.name)
        label = item.acronym or base
        if earlier_number == number:
            decision = _known(earlier, f"as edition {number} of {label}")
        else:
            decision = Decision(
                NEW,
                f"new edition {number} of series {label}, founded on “{earlier.name}”",
            )
        decision.series_from = earlier
        return decision
    if item.bare:
        return None  # "the 5th XYZ" where XYZ is known only as something else: not linked
    return Decision(
        NEW, f"new instrument: edition {number} of a new series “{base}”", series_name=base
    )


def _find_series(item, base):
    if item.acronym:
        found = Series.objects.filter(acronym__iexact=item.acronym)
        if item.kind:
            found = found.filter(kind=item.kind)
        if found.exists():
            return found.order_by("pk").first()
    if item.bare:
        return None
    same = _same_name(Series.objects.filter(kind=item.kind), base)
    return same[0] if same else None


def _earlier_edition(item, base):
    """An edition recorded without a series: same acronym (and kind), or same name once the
    ordinals are set aside."""
    if item.acronym:
        found = Instrument.objects.filter(acronym__iexact=item.acronym, series=None)
        if item.kind:
            found = found.filter(kind=item.kind)
        editions = [i for i in found.order_by("pk") if parsing.split_edition(i.name)[0]]
        if editions:
            return editions[-1]
    if item.bare:
        return None
    key = normalise_name(base)
    for candidate in Instrument.objects.filter(kind=item.kind, series=None).filter(
        name__icontains=max(key.split() or [""], key=len)
    ):
        number, rest = parsing.split_edition(candidate.name)
        if number and normalise_name(rest) == key:
            return candidate
    return None
