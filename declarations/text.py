"""Text that can be stored and written out in every format: the one rule for every way in.

A character is unstorable when an Atom feed, an XLSX cell or an XML export cannot carry
it: the control characters other than tab, line feed and carriage return (C0, DEL and
C1), lone surrogates (half of a UTF-16 pair, which no UTF-8 database takes) and the
Unicode noncharacters (U+FFFE, U+FFFF and the like). Word puts a vertical tab (U+000B)
where someone typed a line break, so a paste brings them in.

- `validate_storable_text` refuses such text. Every text field of every model carries it,
  so ModelForms, the admin and the API's model serializers refuse it field by field; the
  plain forms and serializers that feed the write path name it explicitly.
- `storable` removes such characters. The declaration importer uses it, since nobody can
  correct a pasted declaration character by character (the preview says what it removed),
  and so do the feeds and downloads, since rows written before this rule or by direct SQL
  may still hold them.
"""

import re

from django.core.exceptions import ValidationError

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
UNSTORABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")

# Characters that separate words where they appear, so removing them would glue two words
# together: they become a space instead.
SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x1f\x85"

_NAMES = {
    "\x00": "null",
    "\x0b": "vertical tab, which Word writes for a line break",
    "\x0c": "form feed, a page break",
    "\x1b": "escape",
    "\x7f": "delete",
    "\x85": "next line",
}


def describe(char):
    """ "the control character U+000B (vertical tab, ...)" for one unstorable character."""
    point = ord(char)
    code = f"U+{point:04X}"
    if 0xD800 <= point <= 0xDFFF:
        return f"the lone surrogate {code} (half of a character that was cut in two)"
    if point > 0x9F:
        return f"the noncharacter {code}"
    name = _NAMES.get(char)
    return f"the control character {code}" + (f" ({name})" if name else "")


def validate_storable_text(value):
    """Refuses text holding an unstorable character, naming the first one and where it is."""
    if not isinstance(value, str):
        return
    found = UNSTORABLE.search(value)
    if found is None:
        return
    others = len(UNSTORABLE.findall(value, found.end()))
    more = f", and {others} more such character{'s' if others > 1 else ''}" if others else ""
    raise ValidationError(
        "Remove %(character)s at character %(position)s%(more)s.",
        code="unstorable_character",
        params={"character": describe(found.group()), "position": found.start() + 1, "more": more},
    )


def _replacement(match):
    return " " if match.group() in SEPARATORS else ""


def storable(text):
    """`text` without its unstorable characters; those that separate words become spaces."""
    if not text:
        return text
    return UNSTORABLE.sub(_replacement, text)


def unstorable_in(text):
    """The distinct unstorable characters in `text`, in code point order."""
    return sorted(set(UNSTORABLE.findall(text or "")))
