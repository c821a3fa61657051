"""The lines of a paged document (a PDF's text layer) -> the lines of its text.

What a page adds to a text is removed here, before the parser sees it:
- running headers and footers: a line at a page's edge (its first or last few lines as
  extracted, since PDF writers put the margin text at either end of a page's content)
  that recurs, page numbers aside, at the edge of most pages;
- page numbers at a page's edge: "1", "- 2 -", "Page 3", "Page 3 of 9", "3/9";
- end-of-line hyphenation: "coopera-" + "tion" -> "cooperation" when the line ends with a
  hyphen after a letter and the next line starts lower-case. The document's own spelling
  decides when it can: a hyphenated word it also spells with the hyphen elsewhere
  ("non-traditional") keeps its hyphen, and a word broken before a capital is joined when
  the document spells it so elsewhere ("WEL-" + "COMING"). A soft hyphen, or a Unicode
  hyphen (U+2010) in a document that writes it nowhere but at line ends, is the
  typesetter's and always joins. A line broken after a slash
  between words ("Universities/" + "Colleges") is joined without a space too.
Pages are joined without a blank line, so a paragraph running over a page break is one
paragraph again, as wrapped lines within a page are.

Standard library only: the functions take and return lists of strings.
"""

import re
from collections import Counter

EDGE_LINES = 3  # how many lines at each end of a page may be header, footer or page number

_PAGE_NUMBER_RE = re.compile(
    r"(?i)^(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?$"
)
_SPACES_RE = re.compile(r"[ \t\u00a0]+")
# A hyphen at the end of a line, after a letter: the hyphen-minus, the Unicode hyphen that
# typesetters write, or a soft hyphen.
_BROKEN_RE = re.compile(r"(\w*[^\W\d_])([-\u2010\u00ad])$")
_NEXT_WORD_RE = re.compile(r"^([^\W\d_][\w]*)")
_SLASH_RE = re.compile(r"[^\W\d_]/$")


def is_page_number(line):
    return bool(_PAGE_NUMBER_RE.match(line.strip()))


def _key(line):
    """A running header's identity: its words, numbers (the page's) left out."""
    return re.sub(r"\d+", "#", _SPACES_RE.sub(" ", line).strip().lower())


def _edges(lines):
    """Indexes of the lines at a page's two edges."""
    count = len(lines)
    return sorted(
        set(range(min(EDGE_LINES, count))) | set(range(max(0, count - EDGE_LINES), count))
    )


def running_lines(pages):
    """The keys of lines that recur at the edge of most pages (more than half, and at least
    two): running headers and footers."""
    if len(pages) < 2:
        return set()
    seen = Counter()
    for lines in pages:
        seen.update({_key(lines[i]) for i in _edges(lines) if lines[i].strip()})
    needed = max(2, len(pages) // 2 + 1)
    return {key for key, count in seen.items() if count >= needed and any(c.isalpha() for c in key)}


def strip_furniture(pages):
    """Each page's lines without running headers, footers and page numbers at its edges.
    The top of the first page keeps its lines but page numbers: the title stands there,
    and a running header repeating it would otherwise take it away."""
    running = running_lines(pages)
    cleaned = []
    for number, lines in enumerate(pages):
        edges = set(_edges(lines))
        if number == 0:
            running_here = running - {_key(line) for line in lines[:EDGE_LINES]}
        else:
            running_here = running
        cleaned.append(
            [
                line
                for index, line in enumerate(lines)
                if index not in edges or not (_key(line) in running_here or is_page_number(line))
            ]
        )
    return cleaned


def _vocabulary(lines):
    return set(re.findall(r"[^\W\d_][\w'’-]*[^\W_]", " ".join(lines)))


def _join_broken(line, following, words, typeset):
    """`line` (ending in a hyphen after a letter) joined with `following`, or None when the
    hyphen ends the line for another reason and the lines stay apart."""
    broken = _BROKEN_RE.search(line)
    start = _NEXT_WORD_RE.match(following)
    if start is not None and _SLASH_RE.search(line):
        return line + following
    if broken is None or start is None:
        return None
    head, hyphen, tail = broken.group(1), broken.group(2), start.group(1)
    joined, hyphenated = head + tail, f"{head}-{tail}"
    if hyphen in typeset or joined in words:
        glue = ""
    elif hyphenated in words:
        glue = "-"
    elif tail[0].islower():
        glue = ""
    else:
        glue = "-"  # "ADMM-" + "Plus ...": a compound broken at its own hyphen
    return line[: broken.start(2)] + glue + following


def join_hyphenated(lines):
    """Lines with end-of-line hyphenation undone (see the module's rules)."""
    words = _vocabulary(lines)
    typeset = {"\u00ad"}
    if not any("\u2010" in line[:-1] for line in lines):
        typeset.add("\u2010")
    out = []
    for line in lines:
        if out and line:
            joined = _join_broken(out[-1], line, words, typeset)
            if joined is not None:
                out[-1] = joined
                continue
        out.append(line)
    return out


def page_text(pages):
    """The text of a document given as a list of pages, each a list of lines."""
    pages = [[_SPACES_RE.sub(" ", line).strip() for line in lines] for lines in pages]
    pages = [[line for line in lines if line] for lines in pages]
    lines = [line for page in strip_furniture(pages) for line in page]
    return "\n".join(line.replace("\u2010", "-") for line in join_hyphenated(lines))
