"""The pre-publication screen: personal data in free text that is about to be published.

Each rule is a small function over one piece of text that yields what it found. The rules err on the
side of blocking: a false alarm costs the officer one `--allow Sheet!Cell` after checking the cell; a
miss could identify a child. Findings name the cell (`Anecdotes!D5: a phone number`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .dates import MONTH_PATTERN
from .errors import InvalidValue
from .findings import ERROR, INFO, Finding, cell_address

# Published helplines that may always appear (digits only): 999, 101, Crimestoppers, Childline, NHS 111.
PUBLISHED_NUMBERS = frozenset({"999", "101", "111", "112", "0800555111", "08001111", "116123"})

# Words a role mailbox's local part is made of (cse.communications@, safeguarding@, comms@ ...).
ROLE_WORDS = frozenset(
    """
    admin board child children comms communication communications contact contactus corporate cse
    duty engagement enquiries enquiry exploitation feedback force general help helpdesk hub info
    information lado lscb mash media multi agency newsletter news nscb nscp office partnership police
    press prevention protection public referral referrals reply safeguarding safer schools service
    services support team training unit webmaster web noreply no
    """.split()
)


@dataclass(frozen=True)
class TextItem:
    """One piece of free text that would appear in an output, with the cell it came from."""

    text: str
    sheet: str
    row: int | None
    column: str | None
    field: str | None = None
    activity_id: str | None = None

    @property
    def address(self) -> str:
        """The cell as the officer types it for `--allow` (`Anecdotes!D5`)."""
        return cell_address(self.sheet, self.column, self.row)


@dataclass(frozen=True)
class _Hit:
    code: str
    what: str
    found: str


_Rule = Callable[[str, "_Context"], Iterator[_Hit]]


@dataclass(frozen=True)
class _Context:
    mailboxes: frozenset[str]
    numbers: frozenset[str]


# --- patterns ----------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A UK number: 0 or +44 then 9-10 more digits, with spaces, hyphens, dots or brackets between.
_PHONE = re.compile(r"(?<![\w/+])(?:\+\s?44\s?\(?0?\)?|\(?0)\d(?:[\s.()-]{0,2}\d){7,10}(?![\w/])")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_MONTHS = MONTH_PATTERN + r"\.?"
_FULL_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
_DOB_WORDS = r"(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)"
_DOB = re.compile(rf"\b{_DOB_WORDS}\W{{0,4}}(?:\w+\W+){{0,3}}?({_FULL_DATE})", re.IGNORECASE)
_AGE = r"(?:\baged?\s+\d{1,2}\b|\b\d{1,2}\s*(?:-\s*)?(?:years?|yrs?)(?:\s*-?\s*old)?\b|\b\d{1,2}\s*y/?o\b)"
_AGE_WITH_DATE = re.compile(
    rf"(?:{_AGE}[^.;\n]{{0,40}}?({_FULL_DATE})|({_FULL_DATE})[^.;\n]{{0,40}}?{_AGE})", re.IGNORECASE
)
_CRIME_REF_WORDS = re.compile(
    r"\b(?:CRN|URN|crime\s*(?:ref(?:erence)?|no|number)|incident\s*(?:ref(?:erence)?|no|number|log)"
    r"|occurrence\s*(?:ref(?:erence)?|no|number)|log\s*(?:no|number)|police\s*ref(?:erence)?)"
    r"\.?\s*(?:no\.?|number)?\s*[:#-]?\s*([A-Z0-9][A-Z0-9/-]*\d[A-Z0-9/-]*)",
    re.IGNORECASE,
)
# Force-style references: 34/12345/18, NN/123456/19, 34-12345-18.
_FORCE_REF = re.compile(r"\b(?:\d{2}|[A-Z]{2})([/-])\d{3,7}\1\d{2}\b")
_NAME = r"(?P<name>[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)?)"
_AGE_END = r"(?=\s*(?:[,.;:)\]]|$|-?\s*(?:years?|yrs?|y/?o)\b))"
_NAME_AGE = re.compile(
    rf"\b{_NAME}(?:(?:\s*,\s*|\s*\(\s*)(?P<age>\d{{1,2}}){_AGE_END}|\s*[,(]?\s*aged?\s+(?P<age3>\d{{1,2}})\b)"
    rf"|\b(?P<age2>\d{{1,2}})\s*-?\s*years?\s*-?\s*old\s+(?:boy|girl|child|pupil|victim)?\s*,?\s*"
    rf"(?P<name2>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b"
)
_SCHOOL = (
    r"(?:St\.?\s+)?(?:[A-Z][\w'’&.-]*\s+){1,5}"
    r"(?:Academy|School|College|Primary|Grammar|Infants|Juniors|Secondary|Comprehensive|Sixth\s+Form|PRU)\b"
)
_NAME_SCHOOL = re.compile(
    rf"\b{_NAME}(?:\s*(?:,\s*(?:aged?\s+)?|\(\s*)\d{{1,2}}\s*\)?)?"  # an age between: "Sam, 14, attends"
    r"(?:\s*,\s*(?:who|a\s+pupil|a\s+student)?)?\s+(?:who\s+)?"
    r"(?:attends|attended|attending|goes\s+to|went\s+to|is\s+at|was\s+at|at|from|of|(?:a\s+)?(?:pupil|student)\s+at"
    r"|(?:in\s+)?year\s+\d{1,2}\s+(?:at|of))\s+"
    rf"(?P<school>(?:the\s+)?{_SCHOOL})"
)
# Capitalised words that start sentences or name things, never a person: a name candidate must not be one.
_NOT_NAMES = frozenset(
    w.casefold()
    for w in """
    A An The This That These Those It Its He She They We You I Our Their His Her Them Us Me My Your
    And But Or So If When Then After Before During Since Until Also As At By For From In Into Of On
    To With Without Over Under About Between Through Each Every All Some Any No Not One Two Three Four
    Five Six Seven Eight Nine Ten Eleven Twelve Many Most Several Few Both Other Another Such Here There
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Spring Summer Autumn Winter Early Mid Late Year Years Term Week Weeks Month Months Quarter Phase
    Aged Age Ages Boy Boys Girl Girls Child Children Young Person People Pupil Pupils Student Students
    Teacher Teachers Parent Parents Carer Carers Staff Officer Officers Partner Partners Member Members
    Training Session Sessions Assembly Assemblies Workshop Workshops Launch Launched Event Events Talk
    Talks Presentation Presentations Visit Visits Delivered Delivery Held Run Ran Attended Screening
    Screenings Film Campaign Campaigns Lesson Lessons Leaflets Posters Briefing Briefings Meeting
    Meetings Conference Drop Stall Article Articles Newsletter Feedback Comments Survey Group Groups
    Class Classes Police Council County Borough City Town Board Partnership Safeguarding Children's
    National Local Regional Community Communities Health Education Social Services School Schools
    Academy College Colleges Primary Secondary Football Club Clubs Sport Sports Team Teams North South
    East West Northern Southern Eastern Western Central Upper Lower Great Greater Little New Old
    Total Referrals Referral Teenage Online Gaming Game Games LGBT Week Action Day Internet Safer
    """.split()
)


# --- rules -------------------------------------------------------------------------------------


def _emails(text: str, ctx: _Context) -> Iterator[_Hit]:
    for m in _EMAIL.finditer(text):
        address = m.group(0).rstrip(".")
        if not is_role_mailbox(address, ctx.mailboxes):
            yield _Hit("privacy-email", "an e-mail address that is not a role mailbox", address)


def _phones(text: str, ctx: _Context) -> Iterator[_Hit]:
    for m in _PHONE.finditer(text):
        digits = _national_digits(m.group(0))
        if digits in ctx.numbers or len(digits) not in (10, 11):
            continue
        yield _Hit("privacy-phone", "a phone number that is not a published helpline", m.group(0).strip())


def _postcodes(text: str, ctx: _Context) -> Iterator[_Hit]:
    for m in _POSTCODE.finditer(text):
        if re.search(r"\d(?:st|nd|rd|th)$", m.group(0), re.IGNORECASE):
            continue  # "Y11 2nd session" is a year group and an ordinal
        yield _Hit("privacy-postcode", "a postcode", m.group(0))


def _dates_of_birth(text: str, ctx: _Context) -> Iterator[_Hit]:
    seen = set()
    for m in _DOB.finditer(text):
        seen.add(m.group(1))
        yield _Hit("privacy-dob", "a date of birth", m.group(0))
    for m in _AGE_WITH_DATE.finditer(text):
        if (m.group(1) or m.group(2)) not in seen:
            yield _Hit("privacy-dob", "an age with a full date (a possible date of birth)", m.group(0))


def _crime_refs(text: str, ctx: _Context) -> Iterator[_Hit]:
    spans = []
    for m in _CRIME_REF_WORDS.finditer(text):
        spans.append(m.span())
        yield _Hit("privacy-crime-ref", "a crime or incident reference", m.group(0))
    for m in _FORCE_REF.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            yield _Hit("privacy-crime-ref", "a crime or incident reference", m.group(0))


def _names_with_age(text: str, ctx: _Context) -> Iterator[_Hit]:
    for m in _NAME_AGE.finditer(text):
        name = m.group("name") or m.group("name2")
        age = int(m.group("age") or m.group("age2") or m.group("age3"))
        if age <= 25 and _is_name(name):
            yield _Hit("privacy-name-age", "a name next to an age", m.group(0).strip())


def _names_with_school(text: str, ctx: _Context) -> Iterator[_Hit]:
    for m in _NAME_SCHOOL.finditer(text):
        if _is_name(m.group("name")):
            yield _Hit("privacy-name-school", "a name next to a school", m.group(0).strip())


RULES: dict[str, tuple[str, _Rule]] = {
    "privacy-email": ("e-mail addresses other than role mailboxes", _emails),
    "privacy-phone": ("phone numbers other than the published helplines", _phones),
    "privacy-postcode": ("UK postcodes", _postcodes),
    "privacy-dob": ("dates of birth (DOB, born on, or an age with a full date)", _dates_of_birth),
    "privacy-crime-ref": ("crime, incident or occurrence reference numbers", _crime_refs),
    "privacy-name-age": ("a personal name next to an age (Name, 14)", _names_with_age),
    "privacy-name-school": ("a personal name next to a school (Name attends X Academy)", _names_with_school),
}


# --- public ------------------------------------------------------------------------------------


def is_role_mailbox(address: str, mailboxes: Iterable[str] = ()) -> bool:
    """True when an address is a listed mailbox or its local part is made only of role words."""
    address = address.strip().casefold()
    if address in {m.strip().casefold() for m in mailboxes if m}:
        return True
    local = address.split("@", 1)[0]
    words = [w for w in re.split(r"[^a-z]+", local) if w]
    return bool(words) and all(w in ROLE_WORDS for w in words)


def parse_allow(cells: Iterable[str]) -> frozenset[str]:
    """Allowed cells in canonical form (`Anecdotes!D5`); raises InvalidValue for one that is not `Sheet!A1`."""
    out = set()
    for cell in cells:
        m = re.fullmatch(r"\s*'?([^'!]+?)'?\s*!\s*\$?([A-Za-z]{1,3})\$?(\d+)\s*", cell or "")
        if not m:
            raise InvalidValue(f"--allow {cell!r}: give a cell with its sheet, such as Anecdotes!D5")
        out.add(_allow_key(m.group(1), m.group(2), int(m.group(3))))
    return frozenset(out)


def screen(
    items: Iterable[TextItem],
    *,
    mailboxes: Iterable[str] = (),
    numbers: Iterable[str] = (),
    allow: Iterable[str] = (),
) -> list[Finding]:
    """Every privacy hit in the items: errors block publication; hits in allowed cells come back as info.

    `mailboxes` and `numbers` extend the role mailboxes and published helplines (the Control sheet's
    contact mailbox and referral route); `allow` holds cells the officer has checked (`Anecdotes!D5`).
    """
    ctx = _Context(
        mailboxes=frozenset(m.strip().casefold() for m in mailboxes if m),
        numbers=PUBLISHED_NUMBERS | {_national_digits(n) for n in numbers},
    )
    allowed = parse_allow(allow)
    findings: list[Finding] = []
    for item in items:
        if not item.text:
            continue
        key = _allow_key(item.sheet, item.column or "", item.row or 0)
        is_allowed = key in allowed
        seen: set[tuple[str, str]] = set()
        for code, (_title, rule) in RULES.items():
            for hit in rule(item.text, ctx):
                if (code, hit.found) in seen:
                    continue
                seen.add((code, hit.found))
                message = f"{hit.what}: {hit.found!r}"
                message += (" (allowed by the officer)" if is_allowed
                            else "; remove it, or allow the cell after checking")
                findings.append(
                    Finding(
                        code, INFO if is_allowed else ERROR, message,
                        sheet=item.sheet, row=item.row, column=item.column, field=item.field,
                        activity_id=item.activity_id, value=hit.found,
                    )
                )
    return findings


def phone_numbers(text: str | None) -> list[str]:
    """The phone numbers written in a text, as national digits (for published-contact settings)."""
    return [_national_digits(m.group(0)) for m in _PHONE.finditer(text or "")]


def _national_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("440"):
        digits = digits[2:]
    elif digits.startswith("44") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def _is_name(candidate: str) -> bool:
    # "The Jamie" is a name, "In March" and "Bespoke Training" are not: the last word decides.
    words = candidate.split()
    return bool(words) and words[-1].casefold() not in _NOT_NAMES


def unmatched_allows(allow: Iterable[str], findings: Iterable[Finding]) -> list[str]:
    """The --allow cells that name no cell the screen found anything in (most likely a mistyped address)."""
    found = {_allow_key(f.sheet or "", f.column or "", f.row or 0) for f in findings}
    return [cell for cell in allow if not parse_allow([cell]) <= found]


def _allow_key(sheet: str, column: str, row: int) -> str:
    return f"{sheet.strip().casefold()}!{column.upper()}{row}"
