"""Declaration text -> database, in one transaction.

`plan_import()` parses a text and compares it with what the database holds, writing
nothing; `apply_import()` carries a plan out. The management command and the admin's
"Import declaration" page both show the plan as a preview first.

Rules:
- An instrument already in the database is linked, not duplicated; an edition of a series
  ("the 3rd AUMX") is its own record in the series. The rules and the reason shown for each
  decision are in `linking`; staff may change a decision in the preview (`choose_links`).
  The DOC, the COC and the Five-Point Consensus are one record each across years.
- Re-importing the same text changes nothing. A changed text of an existing declaration is
  applied only with `update=True`, clause by clause: edited clauses keep their identity
  (and so their history and staff corrections of unchanged clauses stay); statuses belong
  to instruments, so no status is ever removed by an import.
- An update is a versioned edit like any other (`save_versioned`, `delete_versioned`): it
  bumps the version of the declaration and of each clause it changes, so a page opened
  before the import cannot save its older text back; and it is refused, writing nothing,
  if someone saved the declaration or one of those clauses after the plan was made.
"""

import dataclasses
import hashlib

from django.db import transaction
from django.utils.text import slugify

from ..models import (
    Clause,
    Declaration,
    EditConflict,
    Reference,
    VerbClass,
    delete_versioned,
    save_versioned,
)
from ..text import SEPARATORS, describe, storable, unstorable_in
from . import linking, parsing
from .limits import (
    ImportRejected,
    check_limits,
    check_paragraphs,
    decode_text,  # noqa: F401 - the admin's import form reads it from here
)
from .link_writes import write_instrument
from .linking import normalise_name  # noqa: F401 - part of the importer's interface


def storable_text(text):
    """`text` without the characters no text field may hold (`declarations.text`), and the
    preview's warning naming what went, or None. A pasted or uploaded declaration is
    cleaned rather than refused: Word writes a vertical tab for every manual line break,
    and nobody can be asked to find them in a page of text."""
    found = unstorable_in(text)
    if not found:
        return text, None
    count = sum(text.count(char) for char in found)
    names = "; ".join(describe(char) for char in found)
    spaces = "; those that separated words became spaces" if set(found) & set(SEPARATORS) else ""
    plural = "s" if count > 1 else ""
    warning = f"Removed {count} character{plural} that cannot be stored: {names}{spaces}."
    return storable(text), warning


def declaration_slug(parsed):
    """A stable slug such as admm-2025-kuala-lumpur: body, year, city."""
    year = parsed.adopted_on.year if parsed.adopted_on else ""
    city = parsed.place.split(",")[0] if parsed.place else ""
    slug = slugify(f"{parsed.body or 'declaration'} {year} {city}")
    return slug or slugify(parsed.title)[:80]


@dataclasses.dataclass
class ClauseChanges:
    added: list  # ParsedClause
    removed: list  # Clause
    edited: list  # (Clause, ParsedClause)

    def __bool__(self):
        return bool(self.added or self.removed or self.edited)


@dataclasses.dataclass
class ImportPlan:
    parsed: parsing.ParsedDeclaration
    text: str
    slug: str
    source_url: str
    instruments: list
    existing: Declaration | None = None
    changes: ClauseChanges | None = None
    declaration: Declaration | None = None  # set once applied
    as_read: parsing.ParsedDeclaration | None = None  # `parsed` before the links' tracking

    @property
    def unchanged(self):
        return self.existing is not None and not self.changes and self.text_matches

    @property
    def text_matches(self):
        return self.existing is not None and _same_text(self.existing.text, self.text)

    @property
    def needs_update(self):
        return self.existing is not None and not self.unchanged

    @property
    def state(self):
        """What the plan was made against: the versions of the existing declaration and its
        clauses. A confirmation made after a preview of another state would apply changes
        nobody reviewed."""
        if self.existing is None:
            return "new"
        versions = sorted(self.existing.clauses.values_list("pk", "version"))
        rows = ",".join(f"{pk}.{version}" for pk, version in versions)
        return hashlib.sha256(f"{self.existing.version}|{rows}".encode()).hexdigest()[:20]

    @property
    def new_instruments(self):
        return [item for item in self.instruments if item.is_new]

    @property
    def known_instruments(self):
        return [item for item in self.instruments if item.existing is not None]

    @property
    def ignored_instruments(self):
        return [item for item in self.instruments if item.is_ignored]

    def choose_links(self, choices):
        """Apply staff's choices, {item key: "proposed" | "new" | "ignore" | Instrument};
        an item not named keeps the proposed decision."""
        for item in self.instruments:
            item.choose(choices.get(item.key, "proposed"))
        self.parsed = _tracked_by_links(self.as_read, self.instruments)

    def preview(self):
        """The plan as readable lines, for the command line and the admin page."""
        parsed = self.parsed
        lines = [
            f"Title:      {parsed.title or '(not found)'}",
            f"Meeting:    {parsed.meeting or '(not found)'}",
            f"Body:       {parsed.body or '(not found)'}",
            f"Place:      {parsed.place or '(not found)'}",
            f"Adopted on: {parsed.adopted_on.isoformat() if parsed.adopted_on else '(not found)'}",
            f"Slug:       {self.slug}",
            f"Clauses:    {len(parsed.preamble)} preambular, {len(parsed.operative)} operative, "
            f"{sum(c.trackable for c in parsed.clauses)} trackable",
            f"Instruments: {len(self.new_instruments)} new, "
            f"{len(self.known_instruments)} already known"
            + (f", {len(self.ignored_instruments)} ignored" if self.ignored_instruments else ""),
        ]
        for item in self.instruments:
            marker = {linking.NEW: "new  ", linking.LINK: "known"}.get(
                item.decision.action, "skip "
            )
            where = ", ".join(f"{anchor} {relation}" for anchor, relation in item.mentions)
            kind = f" [{item.kind}]" if item.kind else ""
            lines.append(f"  [{marker}] {item.label}{kind} - {where}")
            target = f" -> {item.existing}" if item.existing is not None else ""
            lines.append(f"      {item.decision.reason}{target}")
        if self.existing is not None:
            if self.unchanged:
                lines.append(f"Already imported as {self.existing.slug}: nothing would change.")
            else:
                lines.append(f"Declaration {self.existing.slug} exists; this text differs:")
                changes = self.changes
                lines += [f"  + {c.anchor} added: {_short(c.text)}" for c in changes.added]
                lines += [f"  - {c.anchor} removed: {_short(c.text)}" for c in changes.removed]
                lines += [_edited_line(old, new) for old, new in changes.edited]
                if not changes:
                    lines.append("  (clauses identical; only the surrounding text differs)")
        for warning in parsed.warnings:
            lines.append(f"Warning: {warning}")
        return lines

    @property
    def preview_text(self):
        return "\n".join(self.preview())

    def as_dict(self):
        data = self.parsed.to_dict()
        data["slug"] = self.slug
        data["existing"] = self.existing.slug if self.existing else None
        data["links"] = [
            {
                "name": item.name,
                "acronym": item.acronym,
                "clauses": [anchor for anchor, _ in item.mentions],
                "action": item.decision.action,
                "instrument": item.existing.slug if item.existing is not None else None,
                "reason": item.decision.reason,
            }
            for item in self.instruments
        ]
        return data


def _edited_line(old, new):
    if _same_text(old.text, new.text):
        printed = new.printed_number or "none"
        return f"  ~ {old.anchor} printed number: {old.printed_number or 'none'} -> {printed}"
    return f"  ~ {old.anchor} edited: {_short(new.text)}"


_MARKERS = {linking.NEW: "new  ", linking.LINK: "known", linking.IGNORE: "skip "}


def _short(text, length=70):
    return text if len(text) <= length else text[: length - 1] + "…"


def _same_text(a, b):
    return " ".join(a.split()) == " ".join(b.split())


def _clause_changes(declaration, parsed):
    stored = {clause.anchor: clause for clause in declaration.clauses.all()}
    incoming = {clause.anchor: clause for clause in parsed.clauses}
    return ClauseChanges(
        added=[clause for anchor, clause in incoming.items() if anchor not in stored],
        removed=[clause for anchor, clause in stored.items() if anchor not in incoming],
        edited=[
            (stored[anchor], clause)
            for anchor, clause in incoming.items()
            if anchor in stored
            and (
                not _same_text(stored[anchor].text, clause.text)
                or stored[anchor].printed_number != clause.printed_number[:10]
            )
        ],
    )


def plan_import(text, *, slug=None, source_url=""):
    """Parse `text` and compare it with the database. Writes nothing."""
    # A NUL says the text is no text at all: refused, not stripped like a Word paste's
    # stray control characters.
    check_limits(text)
    text, cleaned = storable_text(text)
    try:
        parsed = parsing.parse_declaration(text)
    except parsing.ParseError as error:
        raise ImportRejected(str(error)) from None
    check_paragraphs(parsed)
    if cleaned:
        parsed.warnings.insert(0, cleaned)
    if parsed.adopted_on is None:
        raise ImportRejected(
            "No adoption date found: neither the opening paragraph nor a closing "
            "'ADOPTED in ... on ...' line gives one. Add the date and try again."
        )
    slug = slugify(slug) if slug else declaration_slug(parsed)
    instruments = linking.propose(parsed)
    plan = ImportPlan(
        parsed=_tracked_by_links(parsed, instruments),
        text=text,
        slug=slug,
        source_url=source_url,
        instruments=instruments,
        as_read=parsed,
    )
    plan.existing = Declaration.objects.filter(slug=slug).first()
    if plan.existing is None:
        same_text = [
            declaration
            for declaration in Declaration.objects.filter(adopted_on=parsed.adopted_on)
            if _same_text(declaration.text, text)
        ]
        if same_text:
            raise ImportRejected(
                f"This text is already imported as '{same_text[0].slug}'; "
                "import it under that slug to compare."
            )
    else:
        plan.changes = _clause_changes(plan.existing, parsed)
    return plan


def _create_clause(declaration, parsed_clause):
    return Clause.objects.create(
        declaration=declaration,
        part=parsed_clause.part,
        number=parsed_clause.number,
        printed_number=parsed_clause.printed_number[:10],
        lead_word=parsed_clause.lead_word[:60],
        lead_verb=parsed_clause.lead_verb[:60],
        verb_class=parsed_clause.verb_class,
        text=parsed_clause.text,
        trackable=parsed_clause.trackable,
    )


def apply_import(plan, *, update=False):
    """Write the plan. Returns the declaration. All or nothing."""
    try:
        return _apply(plan, update=update)
    except EditConflict:
        raise ImportRejected(
            f"The declaration '{plan.slug}' or one of its clauses was changed by someone else "
            "since this import was prepared. Nothing was imported; start the import again to "
            "see the changes it would make now."
        ) from None


@transaction.atomic
def _apply(plan, *, update):
    if plan.unchanged:
        return plan.existing
    if plan.needs_update and not update:
        raise ImportRejected(
            f"A declaration with the slug '{plan.slug}' already exists with a different text. "
            "Review the changes and confirm them as an update, or choose another slug."
        )
    parsed = plan.parsed
    fields = {
        "title": parsed.title[:300] or plan.slug,
        "body": parsed.body[:60],
        "meeting": parsed.meeting[:100],
        "place": parsed.place[:120],
        "adopted_on": parsed.adopted_on,
        "text": plan.text,
    }
    if plan.source_url:
        fields["source_url"] = plan.source_url
    if plan.existing is None:
        declaration = Declaration.objects.create(slug=plan.slug, **fields)
        clauses = {c.anchor: _create_clause(declaration, c) for c in parsed.clauses}
    else:
        declaration = plan.existing
        for name, value in fields.items():
            setattr(declaration, name, value)
        save_versioned(declaration, version=declaration.version)
        changes = plan.changes
        for clause in changes.removed:
            delete_versioned(clause, version=clause.version)
        for stored, incoming in changes.edited:
            stored.text = incoming.text
            stored.printed_number = incoming.printed_number[:10]
            stored.lead_word = incoming.lead_word[:60]
            stored.lead_verb = incoming.lead_verb[:60]
            stored.verb_class = incoming.verb_class
            stored.trackable = incoming.trackable
            save_versioned(stored, version=stored.version)
        for incoming in changes.added:
            _create_clause(declaration, incoming)
        clauses = {c.anchor: c for c in declaration.clauses.all()}

    taken, founded = set(), {}
    for item in plan.instruments:
        instrument = write_instrument(item, taken=taken, founded=founded)
        if instrument is None:
            continue
        for anchor, relation in item.mentions:
            Reference.objects.get_or_create(
                clause=clauses[anchor], instrument=instrument, relation=relation
            )
    return declaration


def _tracked_by_links(parsed, instruments):
    """`parsed` with a welcoming clause made trackable when it welcomes an instrument
    found only by a link (a bare acronym the database knows), as if the text had named it."""
    welcomed = {
        anchor
        for item in instruments
        if item.bare and not item.is_ignored
        for anchor, relation in item.mentions
        if relation != parsing.Relation.CITES
    }
    clauses = [
        dataclasses.replace(clause, trackable=True)
        if clause.anchor in welcomed
        and clause.part == parsing.Part.OPERATIVE
        and clause.verb_class == VerbClass.WELCOMES
        else clause
        for clause in parsed.clauses
    ]
    return dataclasses.replace(parsed, clauses=clauses)


def import_text(text, *, slug=None, source_url="", update=False, dry_run=False):
    """Plan and, unless `dry_run`, apply. Returns the plan (with the declaration applied)."""
    plan = plan_import(text, slug=slug, source_url=source_url)
    if not dry_run:
        plan.declaration = apply_import(plan, update=update)
    return plan
