"""The privacy detectors: each finds one kind of personal data in one piece of text and yields its hits.

A detector takes the text and the screen's context (role mailboxes, published numbers, the year dates are judged
from) and yields a `Hit` (rule code, what it is, the words found). The patterns they run are in
`privacy_patterns.py`; `privacy.py` runs them over what is to be published.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from . import privacy_patterns as pat


@dataclass(frozen=True)
class Hit:
    """One thing a detector found: its rule code, what it is (in words) and the text found."""

    code: str
    what: str
    found: str


@dataclass(frozen=True)
class Context:
    """What a screen knows beyond the text: role mailboxes, numbers that may be published, the year."""

    mailboxes: frozenset[str]
    numbers: frozenset[str]
    year: int  # the year dates are judged from (a date of birth lies 5 to 25 years before it)


Detector = Callable[[str, Context], Iterator[Hit]]


# --- names and cheap first looks ---------------------------------------------------------------


def _is_name(m: re.Match[str], text: str) -> bool:
    """True when the matched words (the first group named name...) read as a person's name, not a place, an
    organisation or a word starting a sentence."""
    group = next((g for g, v in m.groupdict().items() if g.startswith("name") and v), None)
    if group is None:
        return False
    candidate = m.group(group)
    words = candidate.split()
    if (any(w.casefold() in pat.NOT_NAMES for w in words[-1:])
            or words[0].casefold() in pat.NOT_NAMES and len(words) == 1):
        return False
    if (len(words) == 1 and len(words[0]) > 4 and re.search(r"(?:ed|ing|ly|ies|ness|tion|ment)$", words[0])
            and words[0].casefold() not in pat.FIRST_NAMES):
        return False  # "Presented", "Visiting", "Weekly": verbs and adverbs that start a note
    start = m.start(group)
    if re.search(r"\bSt\.?\s+$", text[max(0, start - 4):start]):
        return False  # "St Giles": a saint's name is a place, a church or a school
    if pat.PLACE_BEFORE.search(text[max(0, start - 14):start]):
        return False  # "in Corby", "from Kettering": a place
    return not re.match(r"['’]s\s+(?:Last|Game|Trust|Fund|Day|Law|Act)\b", text[m.end(group):])


def _names_in(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    for m in pattern.finditer(text):
        if _is_name(m, text):
            yield m


def first_look(hint: re.Pattern[str], text: str) -> bool:
    """A detector's cheap first look: False only when the text holds no match of the hint, a part that every match
    of the patterns it guards holds (privacy_patterns, first looks), so those patterns cannot match either. The
    tests replace it with one that always says True, to check the first looks hide no hit."""
    return hint.search(text) is not None


# ASCII whitespace as the patterns' \s reads it (tab, line feed, vertical tab, form feed, carriage return and the
# four separators \x1c-\x1f), each to be read as a space; all of them but the space are unprintable.
_SPACES = {i: " " for i in range(128) if re.match(r"\s", chr(i))}


def may_hold(text: str) -> bool:
    r"""False only when no detector can find anything in the text: it holds none of the words and marks that every
    detector's patterns need (privacy_patterns.MAY_HOLD_WORDS, MAY_HOLD). A text that is not plain ASCII is always
    looked at in full, as the patterns' \s and case-blind letters match other characters too (a non-breaking
    space; ſ as s, ı as i); in plain ASCII text a tab or a line break is read as a space, as \s reads it."""
    if not text.isascii():
        return True
    low = text.lower()
    if not low.isprintable():
        low = low.translate(_SPACES)
    for word in pat.MAY_HOLD_WORDS:
        if word in low:
            return True
    return pat.MAY_HOLD.search(text) is not None


# --- detectors ---------------------------------------------------------------------------------


def emails(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.AT, text):
        return
    for m in pat.EMAIL.finditer(text):
        address = m.group(0).rstrip(".")
        if not is_role_mailbox(address, ctx.mailboxes):
            yield Hit("privacy-email", "an e-mail address that is not a role mailbox", address)


def phones(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.DIGIT, text):
        return
    for found in phone_candidates(text):
        digits = national_digits(found)
        if digits not in ctx.numbers:
            yield Hit("privacy-phone", "a phone number that is not a published helpline", found)


def postcodes(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.DIGIT, text):
        return
    for m in pat.POSTCODE.finditer(text):
        found = m.group(0)
        if re.search(r"\d\s*(?:st|nd|rd|th)$", found, re.IGNORECASE) or re.search(r"\d\s*(?:am|pm)$", found):
            continue  # "Y11 2nd session" is a year group and an ordinal; "Y9 2pm" a time
        if re.search(r"\d\s+(?:at|as|an|on|in|to|up|us|so|we|he|of|or|and)$", found):
            continue  # "B12 at": a room or a road number before a word
        yield Hit("privacy-postcode", "a postcode", found)


def dates_of_birth(text: str, ctx: Context) -> Iterator[Hit]:
    seen: set[str] = set()
    if not first_look(pat.DIGIT, text):
        return
    for m in pat.DOB.finditer(text) if first_look(pat.DOB_HINT, text) else ():
        seen.add(m.group(1))
        yield Hit("privacy-dob", "a date of birth", m.group(0))
    for m in pat.AGE_WITH_DATE.finditer(text) if first_look(pat.AGE_PHRASE_RE, text) else ():
        if (m.group(1) or m.group(2)) not in seen:
            yield Hit("privacy-dob", "an age with a full date (a possible date of birth)", m.group(0))
    for m in _names_in(pat.NAME_DATE, text):
        year = _year_of(m.group("date"))
        if year is not None and ctx.year - 25 <= year <= ctx.year - 5 and m.group("date") not in seen:
            yield Hit("privacy-dob", "a name next to a date years ago (a possible date of birth)", m.group(0))


def nhs_numbers(text: str, ctx: Context) -> Iterator[Hit]:
    spans: list[tuple[int, int]] = []
    if not first_look(pat.DIGIT, text):
        return
    for m in pat.NHS_WORDS.finditer(text):
        spans.append(m.span(1))
        yield Hit("privacy-nhs", "an NHS number", m.group(0))
    for m in pat.NHS.finditer(text):
        if not any(a <= m.start() < b for a, b in spans) and is_nhs_number("".join(m.groups())):
            yield Hit("privacy-nhs", "an NHS number (its check digit is right)", m.group(0))


def crime_refs(text: str, ctx: Context) -> Iterator[Hit]:
    spans: list[tuple[int, int]] = []
    if not first_look(pat.DIGIT, text):
        return
    for m in pat.CRIME_REF_WORDS.finditer(text):
        word = m.group(0)[: m.start(1) - m.start(0)].strip(" :#-.").casefold()
        code = m.group(1)
        digits = sum(ch.isdigit() for ch in code)
        if word in ("crime", "ref", "reference", "log", "incident", "occurrence", "cad") and digits < 3:
            continue  # "crime 2" or "ref 2" is a count or a list item, not a reference
        if word == "crime" and digits < 6:
            continue  # "crime 2018 figures"
        if re.fullmatch(r"(?:19|20)\d\d", code) and word not in ("crn", "urn"):
            continue  # a year
        spans.append(m.span())
        yield Hit("privacy-crime-ref", "a crime, incident or occurrence reference", m.group(0))
    for m in pat.FORCE_REF.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            yield Hit("privacy-crime-ref", "a crime, incident or occurrence reference", m.group(0))


def names_with_age(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.AGE_HINT, text):
        return
    # "14-year-old Tyler" needs the word old; "her name is Jess ... 14" needs name, called or known
    patterns = (pat.NAME_AGE, *((pat.AGE_NAME,) if first_look(pat.OLD_HINT, text) else ()),
                *((pat.INTRODUCED,) if first_look(pat.INTRODUCED_HINT, text) else ()))
    for pattern in patterns:
        for m in _names_in(pattern, text):
            age = next(g for g in (m.groupdict().get(k) for k in ("age", "age2", "age3", "age4")) if g)
            tally = bool(m.groupdict().get("name2")) and pat.TALLY_AFTER.match(text, m.end()) is not None
            if _age_value(age) <= 25 and not tally:
                yield Hit("privacy-name-age", "a name next to an age", m.group(0).strip())


def names_with_school(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.SCHOOL_HINT, text):
        return
    pupil = first_look(pat.SCHOOL_PUPIL, text)
    for pattern in (pat.NAME_SCHOOL, pat.SCHOOL_NAME) if pupil else (pat.NAME_SCHOOL,):
        for m in _names_in(pattern, text):
            yield Hit("privacy-name-school", "a name next to a school", m.group(0).strip())


def names_in_quotes(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.QUOTE_HINT, text):
        return
    for q in pat.QUOTE.finditer(pat.TITLES.sub(lambda t: "x" * len(t.group(0)), text)):
        quoted = next(g for g in q.groups() if g is not None)
        for w in pat.QUOTE_WORD.finditer(quoted):
            word = w.group(0)
            if word.casefold() in pat.NOT_NAMES or word.casefold().rstrip("s'’") in pat.NOT_NAMES:
                continue
            before = quoted[: w.start()].rstrip()
            starts_sentence = not before or before[-1] in ".!?:;–-—…\"“‘("
            if starts_sentence and not pat.SAYS_AFTER.match(quoted, w.end()) and word.casefold() not in pat.FIRST_NAMES:
                continue
            if pat.PLACE_BEFORE.search(before[-14:] + " "):
                continue
            if re.match(r"['’]s\s+[A-Z]", quoted[w.end():]):
                continue  # "Barnardo's Children": an organisation or a title
            if len(word) > 4 and re.search(r"(?:ed|ing|ly)$", word) and word.casefold() not in pat.FIRST_NAMES:
                continue  # "Really", "Amazing": words, not names
            yield Hit("privacy-name-quote", "a name inside a quotation", word)
            break


def names_with_relation(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.RELATION_HINT, text):
        return
    for m in _names_in(pat.NAME_RELATION, text):
        yield Hit("privacy-name-relation", "a name beside a family word", m.group(0).strip())


def addresses(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.DIGIT, text):
        return
    for m in pat.ADDRESS.finditer(text):
        if pat.NOT_STREET.search(m.group(0)):  # "2 Crown Court cases": a court, not a street
            continue
        yield Hit("privacy-address", "a street address", m.group(0).strip())
    for m in pat.FLAT.finditer(text):
        yield Hit("privacy-address", "a flat number", m.group(0))


def social_handles(text: str, ctx: Context) -> Iterator[Hit]:
    if not first_look(pat.HANDLE_HINT, text):
        return
    mail_spans = [m.span() for m in pat.EMAIL.finditer(text)]
    found: list[str] = []
    for m in pat.HANDLE.finditer(text):
        if any(a <= m.start() < b for a, b in mail_spans) or pat.ORG_HANDLE.search(m.group(1)):
            continue
        found.append(m.group(0))
    for pattern, loose in ((pat.PLATFORM_HANDLE, False), (pat.HANDLE_WORD, True)):
        for m in pattern.finditer(text):
            handle = m.group("handle").rstrip(".")
            personal = re.search(r"[\d_.]|[a-z][A-Z]", handle) or (loose and handle.casefold() not in pat.COMMON)
            if personal and not pat.ORG_HANDLE.search(handle) and not any(handle in f for f in found):
                found.append(handle)
    for handle in found:
        yield Hit("privacy-social-handle", "a social media handle or username", handle)


def vehicle_regs(text: str, ctx: Context) -> Iterator[Hit]:
    seen: list[str] = []
    if not first_look(pat.DIGIT, text):
        return
    for pattern in (pat.REG_WORDS, pat.REG_CURRENT, pat.REG_OLD):
        for m in pattern.finditer(text):
            reg = m.group("reg")
            compact = reg.replace(" ", "").upper()
            letters = re.findall(r"[A-Z]+", compact)
            if pattern is not pat.REG_WORDS and (set(letters) & pat.REG_STOP or compact[:2] == "FY"):
                continue
            if not (re.search(r"\d", reg) and re.search(r"[A-Za-z]", reg)) or any(compact in s for s in seen):
                continue
            seen.append(compact)
            yield Hit("privacy-vehicle-reg", "a vehicle registration", reg)


def is_role_mailbox(address: str, mailboxes: Iterable[str] = ()) -> bool:
    """True when an address is a listed mailbox, or its local part is made only of role words and its domain is
    not a free web-mail service."""
    address = address.strip().casefold()
    if address in {m.strip().casefold() for m in mailboxes if m}:
        return True
    local, _, domain = address.partition("@")
    if domain in pat.FREE_MAIL:
        return False
    words = [w for w in re.split(r"[^a-z]+", local) if w]
    return bool(words) and all(w in pat.ROLE_WORDS for w in words)


def is_nhs_number(digits: str) -> bool:
    """True for ten digits whose last is the NHS modulus-11 check digit of the first nine."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return check != 10 and (check % 11) == int(digits[9])


# --- phone numbers, ages and years -------------------------------------------------------------


def phone_candidates(text: str | None) -> list[str]:
    """UK phone numbers written in a text: 0, +44 or 0044, then digits grouped with spaces, hyphens or brackets
    to 10 or 11 national digits."""
    text, out, pos = text or "", [], 0
    while (m := pat.PHONE_START.search(text, pos)) is not None:
        end, best = m.end(), None
        while (g := pat.PHONE_GROUP.match(text, end)) is not None:
            end = g.end()
            length = len(national_digits(text[m.start():end]))
            if length > 11:
                break
            if length in (10, 11) and not re.match(r"[\w/]", text[end:end + 1]):
                best = end
        out += [text[m.start():best].strip()] if best is not None else []
        pos = best if best is not None else m.end()
    return out


def phone_numbers(text: str | None) -> list[str]:
    """The phone numbers written in a text, as national digits (for published-contact settings)."""
    return [national_digits(p) for p in phone_candidates(text)]


def national_digits(text: str) -> str:
    """A phone number's digits as dialled within the UK (+44 7700 ... -> 07700...)."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0044"):
        digits = digits[4:]
        digits = digits if digits.startswith("0") else "0" + digits
    elif digits.startswith("440"):
        digits = digits[2:]
    elif digits.startswith("44") and len(digits) >= 11 and text.lstrip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


def _age_value(text: str) -> int:
    """The age a pattern found, in figures or in words; a word is read as the case-blind pattern read it ("NİNE")."""
    if text.isdigit():
        return int(text)
    return next(i for i, word in enumerate(pat.AGE_WORDS, start=8) if re.fullmatch(word, text, re.IGNORECASE))


def _year_of(date_text: str) -> int | None:
    m = re.search(r"(\d{2,4})\s*$", date_text) or re.match(r"(\d{4})-", date_text)
    if not m:
        return None
    year = int(m.group(1))
    return year + (2000 if year < 50 else 1900) if year < 100 else year

