"""A declaration as an Akoma Ntoso 3.0 `statement`, for legal-document systems.

Preambular clauses become recitals, operative clauses numbered paragraphs; every instrument
a clause cites is declared once in the metadata's references and linked from its paragraph
(`refersTo`), and where its name or acronym appears in the paragraph's text that mention
becomes a `<ref>` to the instrument's API address. ElementTree escapes the text; characters
that XML 1.0 cannot carry at all are dropped.
"""

import re
import xml.etree.ElementTree as ET

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from ..models import Part

AKN_NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
MEDIA_TYPE = "application/akn+xml"

# Akoma Ntoso names languages with ISO 639-2 codes; declarations store ISO 639-1.
LANGUAGES = {"en": "eng", "fr": "fra", "es": "spa", "ar": "ara", "zh": "zho", "ru": "rus"}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text):
    return _NOT_XML.sub("", text or "")


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {k: _clean(str(v)) for k, v in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def instrument_eid(instrument):
    return f"instrument_{instrument.slug}"


def default_instrument_href(instrument):
    return reverse("api:instrument-detail", args=[instrument.slug])


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _mentions(text, references):
    """Non-overlapping (start, end, instrument) spans: the first mention of each cited
    instrument's full name, else of its acronym, in reading order."""
    spans = []
    for reference in references:
        instrument = reference.instrument
        for needle in (instrument.name, instrument.acronym):
            if not needle:
                continue
            match = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text, re.IGNORECASE)
            if match and not any(s < match.end() and match.start() < e for s, e, _ in spans):
                spans.append((match.start(), match.end(), instrument))
                break
    return sorted(spans, key=lambda span: span[0])


def _paragraph_text(p, text, references, href):
    """Fill `p` with `text`, turning each instrument mention into a <ref>."""
    text = _clean(text)
    cursor = 0
    last = None
    for start, end, instrument in _mentions(text, references):
        before = text[cursor:start]
        if last is None:
            p.text = before
        else:
            last.tail = before
        last = _sub(p, "ref", text[start:end], href=href(instrument))
        cursor = end
    if last is None:
        p.text = text
    else:
        last.tail = text[cursor:]


def _frbr(parent, *, this, uri, date, date_name, author, aliases=(), after=()):
    """One FRBR level, its children in the order the schema requires."""
    _sub(parent, "FRBRthis", value=this)
    _sub(parent, "FRBRuri", value=uri)
    for name, value in aliases:
        _sub(parent, "FRBRalias", value=value, name=name)
    _sub(parent, "FRBRdate", date=date, name=date_name)
    _sub(parent, "FRBRauthor", href=author)
    for tag, attributes in after:
        _sub(parent, tag, **attributes)


def declaration_to_akn(declaration, *, instrument_href=default_instrument_href):
    """The declaration as Akoma Ntoso XML bytes. Expects its clauses with their references
    and instruments prefetched (one query each, whatever the size of the declaration)."""
    clauses = list(declaration.clauses.all())
    body = slugify(declaration.body) or "body"
    adopted = declaration.adopted_on.isoformat()
    language = LANGUAGES.get(declaration.language, declaration.language or "und")
    work = f"/akn/{body}/statement/declaration/{adopted}/{declaration.slug}"
    expression = f"{work}/{language}@"

    # Elements are built with plain names under a default namespace declared on the root:
    # ElementTree's own namespace handling would also prefix every attribute name.
    root = ET.Element("akomaNtoso", {"xmlns": AKN_NAMESPACE})
    statement = _sub(root, "statement", name="declaration")
    meta = _sub(statement, "meta")
    identification = _sub(meta, "identification", source="#tracker")
    _frbr(
        _sub(identification, "FRBRWork"),
        this=f"{work}/!main",
        uri=work,
        aliases=[("title", declaration.title)],
        date=adopted,
        date_name="adoption",
        author=f"#{body}",
        after=[("FRBRcountry", {"value": body})],
    )
    _frbr(
        _sub(identification, "FRBRExpression"),
        this=f"{expression}/!main",
        uri=expression,
        date=adopted,
        date_name="adoption",
        author=f"#{body}",
        after=[("FRBRlanguage", {"language": language})],
    )
    _frbr(
        _sub(identification, "FRBRManifestation"),
        this=f"{expression}/!main.xml",
        uri=f"{expression}.akn",
        date=timezone.localdate().isoformat(),
        date_name="generation",
        author="#tracker",
    )

    references = _sub(meta, "references", source="#tracker")
    _sub(
        references,
        "TLCOrganization",
        eId=body,
        href=f"/akn/ontology/organization/{body}",
        showAs=declaration.body,
    )
    _sub(
        references,
        "TLCOrganization",
        eId="tracker",
        href="/akn/ontology/organization/declaration-tracker",
        showAs="Declaration tracker",
    )
    if declaration.place:
        _sub(
            references,
            "TLCLocation",
            eId="place",
            href=f"/akn/ontology/location/{slugify(declaration.place) or 'place'}",
            showAs=declaration.place,
        )
    declared = set()
    for clause in clauses:
        for reference in _cited(clause):
            instrument = reference.instrument
            if instrument.pk in declared:
                continue
            declared.add(instrument.pk)
            _sub(
                references,
                "TLCObject",
                eId=instrument_eid(instrument),
                href=instrument_href(instrument),
                showAs=str(instrument),
            )

    preface = _sub(statement, "preface")
    _sub(_sub(preface, "longTitle"), "p", declaration.title)
    line = _sub(preface, "p")
    if declaration.meeting:
        proponent = _sub(line, "docProponent", declaration.meeting, refersTo=f"#{body}")
        proponent.tail = ", "
    if declaration.place:
        location = _sub(line, "location", declaration.place, refersTo="#place")
        location.tail = ", "
    _sub(line, "docDate", _long_date(declaration.adopted_on), date=adopted)

    recitals = [clause for clause in clauses if clause.part == Part.PREAMBLE]
    operative = [clause for clause in clauses if clause.part == Part.OPERATIVE]
    if recitals:
        container = _sub(_sub(statement, "preamble"), "recitals")
        for clause in recitals:
            _clause(container, "recital", f"recital_{clause.number}", clause, instrument_href)
    main = _sub(statement, "mainBody")
    for clause in operative:
        # A paragraph is a hierarchical unit: its text goes inside <content>.
        _clause(main, "paragraph", f"para_{clause.number}", clause, instrument_href, content=True)
    if not operative:
        _sub(main, "p")

    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clause(parent, tag, eid, clause, instrument_href, *, content=False):
    references = _cited(clause)
    attributes = {"eId": eid}
    cited = dict.fromkeys(f"#{instrument_eid(reference.instrument)}" for reference in references)
    if cited:
        attributes["refersTo"] = " ".join(cited)
    element = _sub(parent, tag, **attributes)
    _sub(element, "num", f"{clause.printed_number or clause.number}.")  # as printed, if it is
    holder = _sub(element, "content") if content else element
    _paragraph_text(_sub(holder, "p"), clause.text, references, instrument_href)
    return element


def _cited(clause):
    """The clause's references in the order they were recorded, however they were fetched."""
    return sorted(clause.references.all(), key=lambda reference: reference.pk)
