"""Leads that do not open the paragraph: the verb after an opening phrase ("In this regard,
we commit ...") or after a subject that names who acts ("Both countries reiterate ...")."""

from __future__ import annotations

import re
from dataclasses import replace

from .leads import (
    _ADVERBS,
    _FORMS,
    _PAST_BASE,
    _Lead,
    _match_lead,
    _past,
)

# "Stressing the importance of growth, we also pledge ...", "In this regard, we commit ...":
# an opening phrase, then the subject and the verb that leads the paragraph.
_WE_INSIDE_RE = re.compile(r"(?:,\s+|\s)(we|We)\s")


def _opener_lead(text: str) -> _Lead | None:
    sentence = re.split(r"[;:]|\.\s+(?=[A-Z])", text, maxsplit=1)[0]
    for match in _WE_INSIDE_RE.finditer(sentence):
        if _word_count_before(sentence, match.start()) > 60:
            return None
        start = match.start(1)
        lead = _match_lead("We" + text[start + 2 :])
        if lead is not None and lead.finite and lead.base is not None:
            end = start + len(lead.word)
            return replace(lead, word=text[start:end], end=end)
    return None


# "Both countries reiterate ...", "The Government of Japan recognizes ...", "Amid these
# challenges, both countries will act ...": a subject naming who acts, then the verb.
_ACTORS = {"we", "they", "leaders", "ministers", "countries", "parties", "sides", "governments",
           "members", "states", "economies", "nations", "delegations", "participants",
           "government", "leader", "minister", "side", "party", "country"}  # fmt: skip
_NOT_ACTORS = {"The", "These", "This", "Those", "Both", "Our", "Their", "Its", "A", "An", "In",
               "On", "With", "Amid", "As", "While", "When", "If", "Although", "Since",
               "Because", "Given", "For", "To", "After", "Before", "Upon", "Following",
               "Despite", "Through", "By", "At", "Under", "Recalling", "Further",
               "Furthermore", "Moreover", "However", "Thus", "Therefore"}  # fmt: skip
_MODALS = {"will", "shall", "must", "can"}
_SUBORDINATORS = {"after", "before", "when", "while", "since", "if", "although", "though",
                  "because", "until", "once", "unless", "whereas", "where", "whether"}  # fmt: skip
# Before a verb, never: an infinitive's "to", a relative pronoun, a determiner or a
# preposition (after which "aim", "support" or "work" is a noun).
_NOT_AFTER = {"to", "that", "which", "who", "whom", "whose", "it", "this", "these", "those",
              "not", "would", "might", "could", "should", "may", "the", "a", "an", "our",
              "its", "their", "his", "her", "of", "in", "for", "with", "on", "at", "by",
              "from", "into", "and", "or", "such", "any", "all", "each", "every", "no"}  # fmt: skip
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*|[,()]")


def _subject_lead(text: str, actor_nouns_only: bool = False) -> _Lead | None:
    """The verb after a subject that names who acts, in the paragraph's first sentence
    (with `actor_nouns_only`, a subject with a common noun of who acts: 'both countries')."""
    if re.match(r"(?i)that\b", text):
        return None  # "That ...": a clause of the verb heading it, not a sentence of its own
    sentence = re.split(r";|\.\s+(?=[A-Z])|\.$", text, maxsplit=1)[0]
    words = list(_WORD_RE.finditer(sentence))[:60]
    clause_start, depth = 0, 0
    for k, match in enumerate(words):
        word = match.group()
        if word in "()":
            depth += 1 if word == "(" else -1
            continue
        if word == ",":
            clause_start = k + 1 if depth == 0 else clause_start
            continue
        if not word.islower() or k == 0:
            continue
        verb_at = k
        perfect = word in ("have", "has")  # "the Governments have agreed that ..."
        if word in _MODALS or perfect:
            verb_at = k + 1
            while verb_at < len(words) and words[verb_at].group().upper() in _ADVERBS:
                verb_at += 1
            if verb_at >= len(words) or not words[verb_at].group().islower():
                continue
        written = re.sub(r"^RE-", "RE", words[verb_at].group().upper())  # "re-affirmed"
        base, finite = _FORMS.get((written,), (None, False))
        if base is None and written in _PAST_BASE:
            base, finite = _PAST_BASE[written], True  # "The ministers resolved to ..."
        if base is None or not finite or (perfect and written != _past(base)):
            continue
        if (
            written == _past(base)
            and not perfect
            and (
                not _actor_just_before(words, k)
                or (verb_at + 1 < len(words) and words[verb_at + 1].group() == "by")
            )
        ):
            continue  # "the bond, fostered over decades", "Resolution adopted by": participles
        if words[k - 1].group().lower() in _NOT_AFTER:
            continue
        if any(w.group().lower() in _SUBORDINATORS for w in words[clause_start:k]):
            continue  # "Eight years after Peru hosted APEC, ...": not the main clause
        if not _names_an_actor(words, clause_start, k, actor_nouns_only):
            continue
        start, end = words[verb_at].start(), words[verb_at].end()
        return _Lead(
            word=text[start:end],
            verb=written,
            base=base,
            finite=True,
            known=True,
            style="lower",
            end=end,
        )
    return None


def _actor_just_before(words: list[re.Match], k: int) -> bool:
    """'The two leaders reaffirmed', 'Japan welcomed': a past tense right after who acts."""
    before = words[k - 1].group() if k else ""
    return before.lower() in _ACTORS or (before[:1].isupper() and before not in _NOT_ACTORS)


def _names_an_actor(
    words: list[re.Match], start: int, k: int, actor_nouns_only: bool = False
) -> bool:
    """Whether the words before the verb name who acts: an actor noun or a proper name.
    A phrase set off by commas ("The Government, through its commitment to ..., will")
    is passed over to the subject before it."""
    segments, current = [], []
    for match in words[:k]:
        if match.group() == ",":
            segments.append(current)
            current = []
        elif match.group() not in "()":
            current.append(match.group())
    segments.append(current)
    for segment in reversed([s for s in segments if s] or [[]]):
        if segment and segment[0].lower() in _INSERTION_STARTS | _SUBORDINATORS:
            continue  # ", after consultation with the parties,": not who acts
        if actor_nouns_only:
            return start > 0 and any(w.lower() in _ACTORS for w in segment)
        return any(
            w.lower() in _ACTORS or (w[0].isupper() and w not in _NOT_ACTORS) for w in segment
        )
    return False


_INSERTION_STARTS = {"through", "with", "in", "as", "by", "under", "for", "on", "at", "via",
                     "including", "especially", "particularly", "together", "among"}  # fmt: skip


def _word_count_before(text: str, position: int) -> int:
    return len(text[:position].split())
