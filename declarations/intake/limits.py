"""What the declaration importer accepts, checked before any parsing: bytes that are UTF-8
text without NUL, and a text within the importer's limits. Each refusal names the problem,
and the limit when there is one, in words staff understand."""

from django.conf import settings


class ImportRejected(ValueError):
    """The input cannot be imported; the message says why, in words staff understand."""


def size_limit_text(limit):
    """A byte limit as staff read it: "1 MB" for 1,000,000, else the number of bytes."""
    if limit >= 1_000_000 and limit % 1_000_000 == 0:
        return f"{limit // 1_000_000} MB"
    return f"{limit:,} bytes"


def decode_text(data):
    """Bytes of an uploaded file -> text, refusing binary, undecodable and oversized input.

    Callers read at most TRACKER_IMPORT_MAX_BYTES + 1 bytes, so a larger file is reported
    as over the limit, not by a size that was never measured.
    """
    limit = settings.TRACKER_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportRejected(
            f"The file is over {size_limit_text(limit)}, the limit for a declaration's text. "
            "Is this really a declaration's text?"
        )
    # The whole file: a NUL anywhere is refused by the database when the text is saved.
    nul = data.find(b"\x00")
    if nul != -1:
        raise ImportRejected(
            f"The file is binary, not text. It has a NUL byte at position {nul:,}; upload a "
            "PDF, a Word document (.docx), a saved web page (.html) or a UTF-8 text file."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            f"The file is not UTF-8 text (undecodable byte 0x{data[error.start]:02x} at "
            f"position {error.start}). Save it as UTF-8 and try again."
        ) from None


def check_limits(text):
    """Refuse, before any parsing, a text too large to be one declaration.

    The limits (settings, each named in its message): TRACKER_IMPORT_MAX_BYTES in all,
    TRACKER_IMPORT_MAX_LINES non-blank lines, TRACKER_IMPORT_MAX_LINE_CHARS characters in
    a line; and no NUL character, which the database cannot store. The number of
    paragraphs in each part (TRACKER_IMPORT_MAX_PARAGRAPHS, well within the range of a
    clause's number) is checked once the text is parsed, before anything is written.
    """
    size = len(text.encode())
    limit = settings.TRACKER_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRejected(
            f"The text is {size:,} bytes; the limit is {size_limit_text(limit)}. "
            "Is this really a declaration's text?"
        )
    nul = text.find("\x00")
    if nul != -1:
        raise ImportRejected(
            f"The text has a NUL character at position {nul:,}; a declaration's text has "
            "none. Copy the text again from its source."
        )
    max_lines, max_chars = settings.TRACKER_IMPORT_MAX_LINES, settings.TRACKER_IMPORT_MAX_LINE_CHARS
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > max_chars:
            raise ImportRejected(
                f"Line {number:,} is {len(line):,} characters long; the limit is "
                f"{max_chars:,} characters in a line. Is this really a declaration's text?"
            )
        if line.strip():
            count += 1
    if count > max_lines:
        raise ImportRejected(
            f"The text has {count:,} non-blank lines; the limit is {max_lines:,}. "
            "Is this really one declaration's text?"
        )


def check_paragraphs(parsed):
    """Refuse a parsed text with more paragraphs in a part than TRACKER_IMPORT_MAX_PARAGRAPHS."""
    limit = settings.TRACKER_IMPORT_MAX_PARAGRAPHS
    for part, clauses in (("preamble", parsed.preamble), ("operative part", parsed.operative)):
        if len(clauses) > limit:
            raise ImportRejected(
                f"The {part} has {len(clauses):,} paragraphs; the limit is {limit:,} in "
                "each part. Is this really one declaration's text?"
            )
