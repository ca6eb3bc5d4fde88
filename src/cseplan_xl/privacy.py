"""The pre-publication screen: personal data in free text that is about to be published.

Each rule is a small function over one piece of text that yields what it found. The rules err on the
side of blocking: a false alarm costs the officer one `--allow Sheet!Cell` after checking the cell; a
miss could identify a child. Findings name the cell (`Anecdotes!D5: a phone number`).

What it looks for: names next to an age or a school, a named person in a quotation or beside a family word,
e-mail addresses other than role mailboxes, phone numbers other than published helplines, postcodes, dates of
birth, NHS numbers, police crime and occurrence references, street addresses, social media handles and vehicle
registrations. What it cannot see is listed in the README (Privacy): a bare name with nothing beside it, a
description that identifies without a name, a misspelt or disguised detail.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .dates import MONTH_PATTERN
from .errors import InvalidValue
from .findings import ERROR, INFO, Finding, cell_address

# Published helplines that may always appear (national digits): 999, 101, 111 and 112; Childline 0800 1111 and
# 116 111; the NSPCC helpline 0808 800 5000; Crimestoppers 0800 555 111; Samaritans 116 123. The board's own
# switchboards in its Control settings (board_numbers) are added to these.
PUBLISHED_NUMBERS = frozenset({
    "999", "101", "111", "112", "116111", "116123", "08001111", "08088005000", "0800555111",
})

# Words a role mailbox's local part is made of (cse.communications@, safeguarding@, comms@ ...).
ROLE_WORDS = frozenset(
    """
    admin board child children comms communication communications contact contactus corporate cse
    duty engagement enquiries enquiry exploitation feedback force general help helpdesk hub info
    information lado lscb mash media multi agency newsletter news nscb nscp office partnership police
    press prevention protection public referral referrals reply safeguarding safer schools service
    services support team training unit webmaster web noreply no northants northamptonshire county council area
    district central
    """.split()
)
# Free web-mail domains: an address there belongs to a person, whatever its local part says.
FREE_MAIL = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.co.uk outlook.com outlook.co.uk live.com live.co.uk msn.com
    yahoo.com yahoo.co.uk ymail.com icloud.com me.com mac.com aol.com aol.co.uk btinternet.com sky.com
    virginmedia.com talktalk.net ntlworld.com blueyonder.co.uk tiscali.co.uk protonmail.com proton.me gmx.com
    gmx.co.uk mail.com zoho.com
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


@dataclass(frozen=True)
class _Context:
    mailboxes: frozenset[str]
    numbers: frozenset[str]
    year: int  # the year dates are judged from (a date of birth lies 5 to 25 years before it)


_Rule = Callable[[str, _Context], Iterator[_Hit]]


# --- words -------------------------------------------------------------------------------------

# Capitalised words that start sentences or name things, never a person: a name candidate must not end in one.
_NOT_NAMES = frozenset(
    w.casefold()
    for w in """
    A An The This That These Those It Its He She They We You I Our Their His Her Them Us Me My Your Im Ive
    And But Or So If When Then After Before During Since Until Also As At By For From In Into Of On
    To With Without Over Under About Between Through Each Every All Some Any No Not One Two Three Four
    Five Six Seven Eight Nine Ten Eleven Twelve Many Most Several Few Both Other Another Such Here There
    Yes Please Thanks Thank Well Just Only Even Still Now Today Tonight Yesterday Tomorrow Last Next First
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Spring Summer Autumn Winter Early Mid Late Year Years Term Week Weeks Month Months Quarter Phase Day Days
    Aged Age Ages Boy Boys Girl Girls Child Children Young Person People Pupil Pupils Student Students
    Teacher Teachers Parent Parents Carer Carers Staff Officer Officers Partner Partners Member Members
    Mum Mother Dad Father Son Daughter Brother Sister Family Friend Friends Victim Victims Youth Worker Workers
    Training Session Sessions Assembly Assemblies Workshop Workshops Launch Launched Event Events Talk
    Talks Presentation Presentations Visit Visits Delivered Delivery Held Run Ran Attended Screening
    Screenings Film Films Campaign Campaigns Lesson Lessons Leaflets Posters Briefing Briefings Meeting
    Meetings Conference Drop Stall Article Articles Newsletter Feedback Comments Survey Group Groups
    Class Classes Police Council County Borough City Town Board Partnership Safeguarding Children's
    National Local Regional Community Communities Health Education Social Services School Schools
    Academy College Colleges Primary Secondary Football Club Clubs Sport Sports Team Teams North South
    East West Northern Southern Eastern Western Central Upper Lower Great Greater Little New Old
    Total Referrals Referral Teenage Online Gaming Game Games LGBT Week Action Internet Safer
    Attendance Audience Target Targets Total Number Numbers Count Figures Rate Share Posts Post Reach Views
    Designated Lead Head Manager Sergeant Inspector Constable Detective Chief Superintendent Director
    Governor Governors Nurse Doctor Worker Hub Office Unit Service Centre Center Hall Station Court Crown
    Magistrates Market Square Library Libraries Church Park Road Street Lane Avenue Hospital Surgery
    Facebook Instagram Snapchat TikTok Twitter WhatsApp YouTube Discord Xbox PlayStation Fortnite Roblox
    Childline Crimestoppers Samaritans Barnardo's Barnardos Ofsted Action Fraud Thinkuknow Internet Matters
    England Britain Wales Scotland Ireland Kingdom British English Christmas Easter Halloween Ramadan Diwali
    Version Room Block Floor Page Pages Table Chart Appendix Section Item Items Note Notes Report Reports
    Really Great Good Very Brilliant Amazing Useful Helpful Excellent Thanks Everyone Nobody Someone Anyone
    Is Was Are Were Be Been Has Had Have Do Did Does Can Could Will Would Should Must May Might Shall
    Don't Didn't Can't Won't Isn't Wasn't It's That's There's What Who Why How Where Which Whose
    Northamptonshire Northampton Northants Corby Kettering Wellingborough Daventry Towcester Brackley Rushden
    Raunds Oundle Thrapston Irthlingborough Desborough Rothwell Higham Ferrers Burton Latimer Moulton Weedon
    Kingsthorpe Duston Wootton Weston Favell Brixworth Earls Barton Long Buckby Milton Keynes Leicester
    Bedford Peterborough Coventry Birmingham London Luton Oxford Cambridge Nottingham Banbury Rugby Market
    Harborough Stamford Wellingborough's Corby's Kettering's Northampton's
    """.split()
)
# A personal name: one to three capitalised words ("Jess", "Jess Smith", "Mary-Jane O'Neil").
_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?(?:[A-Z][a-z]+)?"


def _name(group: str = "name") -> str:
    """A personal name as a named group, capitalised even inside a case-blind pattern."""
    return rf"(?-i:(?P<{group}>{_WORD}(?:\s+{_WORD}){{0,2}}))"


_NAME = _name()
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|from|near|around|across|throughout|within|outside)\s+)$",
                           re.IGNORECASE)
_AGE_WORDS = ("eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
              "twenty").split()
_AGE = rf"(?:\d{{1,2}}|{'|'.join(_AGE_WORDS)})"
_YEARS_OLD = r"(?:\s*-?\s*(?:years?|yrs?)(?:\s*-?\s*old)?|\s*y/?o)"
_UNITS_AFTER = (r"(?!\s*(?:%|per\b|percent|miles?|km|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|sessions?|"
                r"schools?|pupils?|people|staff|referrals?|posts?|items?|times|of\b|out\b|am\b|pm\b|:\d|[./]\d))")
_MONTHS = rf"(?i:{MONTH_PATTERN})\.?"
_NUMERIC_DATE = r"\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?(?:\d{4}|\d{2})"
_FULL_DATE = (
    rf"(?:{_NUMERIC_DATE}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
_PART_DATE = (rf"(?:{_FULL_DATE}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?"
              rf"|{_MONTHS},?\s+\d{{4}}|(?:19|20)\d\d|\d{{1,2}}\s?[/.-]\s?\d{{1,2}}\b)")


def _is_name(m: re.Match[str], text: str) -> bool:
    """True when the matched words (the first group named name...) read as a person's name, not a place, an
    organisation or a word starting a sentence."""
    group = next((g for g, v in m.groupdict().items() if g.startswith("name") and v), None)
    if group is None:
        return False
    candidate = m.group(group)
    words = candidate.split()
    if any(w.casefold() in _NOT_NAMES for w in words[-1:]) or words[0].casefold() in _NOT_NAMES and len(words) == 1:
        return False
    if (len(words) == 1 and len(words[0]) > 4 and re.search(r"(?:ed|ing|ly|ies|ness|tion|ment)$", words[0])
            and words[0].casefold() not in FIRST_NAMES):
        return False  # "Presented", "Visiting", "Weekly": verbs and adverbs that start a note
    start = m.start(group)
    if re.search(r"\bSt\.?\s+$", text[max(0, start - 4):start]):
        return False  # "St Giles": a saint's name is a place, a church or a school
    if _PLACE_BEFORE.search(text[max(0, start - 14):start]):
        return False  # "in Corby", "from Kettering": a place
    return not re.match(r"['’]s\s+(?:Last|Game|Trust|Fund|Day|Law|Act)\b", text[m.end(group):])


def _names_in(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    for m in pattern.finditer(text):
        if _is_name(m, text):
            yield m


# --- patterns ----------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE_START = re.compile(r"(?<![\w/+£.])(?:\+\s?44|0044|\(?0)(?=[\s()-]*\d)")
_PHONE_GROUP = re.compile(r"[\s()-]{0,3}\d+")
_POSTCODE = re.compile(r"\b(?:GIR\s*0AA|[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d|\s+\d\s+)[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_DOB_WORDS = r"(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on|\s+in)?)"
_DOB = re.compile(rf"\b{_DOB_WORDS}\W{{0,4}}(?:(?:is|was|on|in|the)\s+){{0,2}}({_PART_DATE})", re.IGNORECASE)
# an age beside a date (a possible date of birth): "aged 14", "14 years old", "14yo" (not "a 12 year sentence")
_AGE_PHRASE = r"(?:\baged?\s+\d{1,2}\b|\b\d{1,2}(?:\s*-?\s*(?:years?|yrs?)\s*-?\s*old|\s*y/?o)\b)"
_AGE_WITH_DATE = re.compile(
    rf"(?:{_AGE_PHRASE}[^.;\n]{{0,40}}?({_FULL_DATE})|({_FULL_DATE})[^.;\n]{{0,40}}?{_AGE_PHRASE})", re.IGNORECASE
)
_NAME_DATE = re.compile(rf"\b{_NAME}\s*[,(:]\s*(?P<date>{_FULL_DATE})")
_NHS = re.compile(r"(?<![\d/-])([1-9]\d{2})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d/-])")
_NHS_WORDS = re.compile(r"\bNHS\s*(?:no\.?|number|num)?\s*[:#.-]?\s*((?:\d[\s-]?){9}\d)\b", re.IGNORECASE)
_REF_CODE = r"([A-Z0-9][A-Z0-9/-]*\d[A-Z0-9/-]*)"
_CRIME_REF_WORDS = re.compile(
    r"\b(?:CRN|URN|CAD|crime\s*(?:ref(?:erence)?|no|number|num)(?:\s*(?:no|number))?|crime"
    r"|incident\s*(?:ref(?:erence)?|no|number|log)?|occurrence\s*(?:ref(?:erence)?|no|number)?"
    r"|log\s*(?:no|number)?|(?:police|our|your)\s*ref(?:erence)?(?:\s*(?:no|number))?|ref(?:erence)?\s*(?:no|number)?)"
    rf"\.?\s*[:#-]?\s*{_REF_CODE}",
    re.IGNORECASE,
)
# Force-style references: 34/12345/18, NN/123456/19, 34-12345-18.
_FORCE_REF = re.compile(r"\b(?:\d{2}|[A-Z]{2})([/-])\d{3,7}\1\d{2}\b")
_NAME_AGE = re.compile(
    # Jess, 14, / Jess Smith, aged 14, / Liam, fourteen, who / Jayden, a 13 year old / Mia, who is 13 / Jess - 14 -
    rf"\b{_NAME}\s*[,–-]\s*(?:who\s+is\s+|who['’]s\s+|aged?\s+|a\s+|now\s+|only\s+|just\s+)?(?P<age>{_AGE})"
    rf"{_YEARS_OLD}?(?=\s*[,.;:)\]!?–-]|\s+(?:and|who|was|is|from|has|had|said|told|of|boy|girl|lad|in|with)\b|\s*$)"
    # Sam (14) / Ellie (age 13) / Noah (14yrs) / Emily (14, Year 9)
    rf"|\b{_name('name2')}\s*\(\s*(?:aged?\s*)?(?P<age2>{_AGE}){_YEARS_OLD}?\s*[),;]"
    # Kayleigh aged 15 / Mia who is 13 / Chloe is fifteen / Jess is aged 14 / Jess Smith 14yrs
    rf"|\b{_name('name3')}\s+(?:(?:is\s+|was\s+)?aged?|who\s+is|who['’]s|is|was|turned|turns)\s+"
    rf"(?:only\s+|just\s+|now\s+)?(?P<age3>{_AGE})(?:{_YEARS_OLD}\b|\b){_UNITS_AFTER}"
    rf"|\b{_name('name4')}\s+(?P<age4>{_AGE})\s*(?:yrs?|years?\s*old|y/?o)\b",
    re.IGNORECASE,
)
# A name introduced as one ("her name is Jess", "a girl called Jess") with an age in the same sentence.
_INTRODUCED = re.compile(rf"\b(?:name\s+is|name['’]s|named|called|known\s+as)\s+{_NAME}[^.;!?\n]*?"
                         rf"(?:\b(?:is|was|aged?|turned)\s+(?P<age>{_AGE})\b|\b(?P<age2>{_AGE}){_YEARS_OLD}\b"
                         rf"|\(\s*(?P<age3>{_AGE})\s*\))", re.IGNORECASE)
_AGE_NAME = re.compile(
    # 14-year-old Tyler / a 14-year-old called Tyler / fifteen-year-old Bethany Clarke / the 14 year old girl, Jess
    rf"\b(?P<age>{_AGE})\s*-?\s*(?:years?|yrs?)\s*-?\s*old\s*(?:(?:boy|girl|lad|child|pupil|victim|student)\s*)?"
    rf",?\s*(?:(?:called|named)\s+)?{_NAME}",
    re.IGNORECASE,
)
# "St Giles (12) and Abington (9) wards": places counted, not people's ages.
_TALLY_AFTER = re.compile(r"(?:\s*(?:,|and)\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s*\(\d+\))*\s*(?:wards?|schools?|"
                          r"sessions?|areas?|venues?|libraries|towns?|villages?|estates?|sites?|groups?)\b")
_SCHOOL = (
    r"(?:St\.?\s+)?(?:[A-Z][\w'’&.-]*\s+){1,5}"
    r"(?:Academy|School|College|Primary|Grammar|Infants|Juniors|Secondary|Comprehensive|Sixth\s+Form|PRU|Free\s+School)\b"
)
_NAME_SCHOOL = re.compile(
    rf"\b{_NAME}(?:\s*(?:,\s*(?:aged?\s+)?|\(\s*)\d{{1,2}}\s*\)?)?"  # an age between: "Sam, 14, attends"
    r"(?:\s*,\s*(?:who|a\s+pupil|a\s+student)?)?\s*(?:\(\s*year\s+\d{1,2}\s*,\s*|,\s*(?:(?:pupil|student)\s*,?\s*)?"
    r"(?:at\s+)?|(?:\s+(?:who\s+)?(?:is\s+|was\s+)?"
    r"(?:attends|attended|attending|goes\s+to|went\s+to|is\s+at|was\s+at|at|from|of"
    r"|(?:a\s+|an?\s+)?(?:year\s+\d{1,2}\s+)?(?:pupil|student|learner)\s+(?:at|of|from|in)"
    r"|(?:in\s+)?year\s+\d{1,2}\s+(?:at|of|in))\s+))"
    rf"(?P<school>(?:the\s+)?{_SCHOOL})",
    re.IGNORECASE,
)
_SCHOOL_NAME = re.compile(rf"(?P<school>{_SCHOOL})\s+(?:pupil|student|learner)\s+{_NAME}", re.IGNORECASE)
_RELATIONS = (r"(?:mum|mom|mother|dad|father|nan|nana|gran|granny|grandma|grandad|grandfather|grandmother|"
              r"brother|sister|carer|foster\s+carer|boyfriend|girlfriend|aunt|auntie|uncle|step-?dad|step-?mum|"
              r"family|friend|mate|cousin|partner|son|daughter|social\s+worker|teacher)")
_NAME_RELATION = re.compile(
    rf"\b{_NAME}['’]s?\s+{_RELATIONS}\b"
    rf"|\b(?:her|his|their|my|our|your)\s+(?:little\s+|older\s+|younger\s+|big\s+)?"
    rf"(?:son|daughter|brother|sister|child|friend|boyfriend|girlfriend|niece|nephew|grandson|granddaughter|mate|"
    rf"cousin|step-?son|step-?daughter)\s*,?\s+{_name('name2')}"
    rf"|\b(?:mother|father|mum|dad|parents?|carers?|brother|sister|family)\s+of\s+{_name('name3')}",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"\"([^\"]{3,400})\"|“([^”]{3,400})”|‘([^’]{3,400})’|(?<![\w])'([^'\n]{3,400}?)'(?![\w])")
_QUOTE_WORD = re.compile(_WORD)
_SAYS_AFTER = re.compile(r"\s+(?:told|said|says|was|is|has|had|got|gets|asked|came|went|met|and|never|didn['’]t|"
                         r"would|wouldn['’]t|kept|started|sent|showed|helped|knew|thought|felt|made|makes|wanted|"
                         r"tried|texted|messaged|called|gave|took|saw|sees|used|lives|lived|goes|plays|played|"
                         r"couldn['’]t|can['’]t|won['’]t|isn['’]t|wasn['’]t|always|just|still|will|could)\b")
# Common first names of children and young people in England and Wales (ONS baby names, 1996-2012): a quotation
# that opens with one of these names a person even when no verb follows.
FIRST_NAMES = frozenset(
    """
    aaron adam aidan aiden alex alexander alfie alice amber amelia amy aaliyah abigail ava bailey ally bella ben
    benjamin bethany billy bradley brandon callum cameron caitlin charlie charlotte chelsea chloe connor courtney
    daisy daniel david declan demi dylan eleanor elizabeth ella ellie eloise emily emma erin ethan eva evie faith
    finley freddie freya george georgia grace hannah harley harrison harry harvey hayden heidi holly hollie isaac
    isabel isabella isabelle isla jack jacob jade jake james jamie jasmine jay jayden jessica jodie joe joel john
    jordan joseph josh joshua jude kai kayla kayleigh keira kelly kian kieran lacey lauren layla leah leo leon levi
    lewis liam lily lola louis louise lucas lucy luke maddison madison maisie maisy max megan mia michael millie
    mohammed molly morgan nathan niamh noah oliver olivia ollie oscar owen paige phoebe poppy rebecca reece rhys
    riley robert rosie ruby ryan samuel sarah scarlett sean shannon shelly sienna sophia sophie summer taylor thomas
    tia tilly toby tom tommy tyler william zac zach zachary zara zoe
    """.split()
)
_TITLES = re.compile(r"Breck['’]s Last Game|Don['’]t Be An Accessory|Breck Foundation|Breck Bednar", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,29}))")
_PLATFORM_HANDLE = re.compile(
    r"\b(?:snap(?:chat)?|insta(?:gram)?|ig|tik\s?tok|facebook|fb|twitter|kik|discord|xbox|psn|playstation|steam|"
    r"whatsapp|telegram|roblox|fortnite|twitch)\b[^.\n]{0,30}?(?:\b(?:name|username|user\s*name|handle|id|account|"
    r"tag|is)\b|:|@)\s*(?:is\s+|:\s*)?@?(?P<handle>[A-Za-z][A-Za-z0-9_.]{2,29})",
    re.IGNORECASE,
)
_HANDLE_WORD = re.compile(
    r"\b(?:gamer\s*tag|username|user\s*name|screen\s*name|handle|snap\s*name)\s*(?:is\s+|:\s*|-\s*|=\s*)?@?"
    r"(?P<handle>[A-Za-z0-9][A-Za-z0-9_.]{2,29})",
    re.IGNORECASE,
)
_ORG_HANDLE = re.compile(
    r"police|polic|council|gov|nhs|nspcc|childline|crimestoppers|safeguard|nscb|nscp|lscb|cse|barnardo|ceop|"
    r"thinkuknow|school|academy|college|fire|ambulance|county|borough|city|partnership|official|news|radio|"
    r"foundation|charity|trust|breck|samaritans|northants|northampton",
    re.IGNORECASE,
)
_STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|Grove|"
           r"Gardens|Gdns|Terrace|Walk|Mews|Square|Sq|Row|Hill|Rise|View|Green|Parade|Gate|Vale|Fields|Mount|Chase|"
           r"Croft|Meadows?|Wharf|Yard|Lodge|Heights|Crossing)")
_ADDRESS = re.compile(
    rf"(?<![\d£.,/])\b(?:number\s+|no\.?\s*)?\d{{1,4}}[a-zA-Z]?,?\s+(?P<street>(?:[A-Z][a-z'’]+\s+){{1,3}}){_STREET}\b\.?"
)
_FLAT = re.compile(r"\b(?:flat|apartment|apt)\.?\s+\d{1,3}[a-z]?\b", re.IGNORECASE)
_NOT_STREET = re.compile(r"\b(?:Crown|Magistrates['’]?|Youth|Family|County|High|Combined)\s+Court\b")
_REG_CURRENT = re.compile(r"\b(?P<reg>[A-Z]{2}\d{2}\s?[A-Z]{3}|[a-z]{2}\d{2}\s?[a-z]{3})\b")
_REG_OLD = re.compile(r"\b(?P<reg>[A-HJ-NPR-Y]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-HJ-NPR-Y])\b")
_REG_WORDS = re.compile(
    r"\b(?:reg(?:istration)?(?:\s+(?:no|number|plate|mark))?|number\s*plate|VRM|plate)\s*[:.]?\s*"
    r"(?P<reg>[A-Za-z]{1,3}\d{1,3}\s?[A-Za-z]{1,3}|[A-Za-z]{2}\d{2}\s?[A-Za-z]{3})\b",
    re.IGNORECASE,
)
_REG_STOP = frozenset("CSE TBC TBA ALL NHS MAS RAG LGB PSH PHE SRE RSE KCS DSL SEN GCS CEO NCA PCC FGM OCG".split())

# Cheap first looks: a rule's full patterns run only on a text that holds a word they all need (a school word, a
# digit, a quotation mark...), found by plain substring search on the lower-cased text. Checking every cell of a
# 10,000-row plan is dominated by these rules (validate), and most cells hold none of these words.
_SCHOOL_WORDS = ("academy", "school", "college", "primary", "grammar", "infants", "juniors", "secondary",
                 "comprehensive", "sixth", "pru")
_DOB_WORDS_HINT = ("born", "birth", "dob", "d.o.b", "d o b", "d. o. b")
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_AGE_WORDS_HINT = ("eight", "nine", "ten", "eleven", "twelve", "teen", "twenty")
_HANDLE_WORDS = ("@", "snap", "insta", "ig", "tiktok", "tik tok", "facebook", "fb", "twitter", "kik", "discord", "xbox",
                 "psn", "playstation", "steam", "whatsapp", "telegram", "roblox", "fortnite", "twitch", "gamer",
                 "user", "screen name", "handle")
_RELATION_HINTS = ("'s ", "’s ", "her ", "his ", "their ", "my ", "our ", "your ", " of ")
_QUOTE_MARKS = ('"', "“", "‘", "'")
_SCHOOL_PUPIL = re.compile(r"(?:academy|school|college|primary|grammar|infants|juniors|secondary|comprehensive|"
                           r"form|pru)\s+(?:pupil|student|learner)", re.IGNORECASE)
_AGE_PHRASE_RE = re.compile(_AGE_PHRASE, re.IGNORECASE)


def _has(text: str, words: tuple[str, ...]) -> bool:
    """True when the lower-cased text holds any of the words (plain substring search: fast)."""
    low = text.lower()
    for word in words:
        if word in low:
            return True
    return False


_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None

# --- rules -------------------------------------------------------------------------------------


def _emails(text: str, ctx: _Context) -> Iterator[_Hit]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        address = m.group(0).rstrip(".")
        if not is_role_mailbox(address, ctx.mailboxes):
            yield _Hit("privacy-email", "an e-mail address that is not a role mailbox", address)


def _phones(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not _has_digit(text):
        return
    for found in phone_candidates(text):
        digits = _national_digits(found)
        if digits not in ctx.numbers:
            yield _Hit("privacy-phone", "a phone number that is not a published helpline", found)


def _postcodes(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not _has_digit(text):
        return
    for m in _POSTCODE.finditer(text):
        found = m.group(0)
        if re.search(r"\d\s*(?:st|nd|rd|th)$", found, re.IGNORECASE) or re.search(r"\d\s*(?:am|pm)$", found):
            continue  # "Y11 2nd session" is a year group and an ordinal; "Y9 2pm" a time
        if re.search(r"\d\s+(?:at|as|an|on|in|to|up|us|so|we|he|of|or|and)$", found):
            continue  # "B12 at": a room or a road number before a word
        yield _Hit("privacy-postcode", "a postcode", found)


def _dates_of_birth(text: str, ctx: _Context) -> Iterator[_Hit]:
    seen: set[str] = set()
    if not _has_digit(text):
        return
    for m in _DOB.finditer(text) if _has(text, _DOB_WORDS_HINT) else ():
        seen.add(m.group(1))
        yield _Hit("privacy-dob", "a date of birth", m.group(0))
    for m in _AGE_WITH_DATE.finditer(text) if _AGE_PHRASE_RE.search(text) else ():
        if (m.group(1) or m.group(2)) not in seen:
            yield _Hit("privacy-dob", "an age with a full date (a possible date of birth)", m.group(0))
    for m in _names_in(_NAME_DATE, text):
        year = _year_of(m.group("date"))
        if year is not None and ctx.year - 25 <= year <= ctx.year - 5 and m.group("date") not in seen:
            yield _Hit("privacy-dob", "a name next to a date years ago (a possible date of birth)", m.group(0))


def _nhs_numbers(text: str, ctx: _Context) -> Iterator[_Hit]:
    spans: list[tuple[int, int]] = []
    if not _has_digit(text):
        return
    for m in _NHS_WORDS.finditer(text):
        spans.append(m.span(1))
        yield _Hit("privacy-nhs", "an NHS number", m.group(0))
    for m in _NHS.finditer(text):
        if not any(a <= m.start() < b for a, b in spans) and is_nhs_number("".join(m.groups())):
            yield _Hit("privacy-nhs", "an NHS number (its check digit is right)", m.group(0))


def _crime_refs(text: str, ctx: _Context) -> Iterator[_Hit]:
    spans: list[tuple[int, int]] = []
    if not _has_digit(text):
        return
    for m in _CRIME_REF_WORDS.finditer(text):
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
        yield _Hit("privacy-crime-ref", "a crime, incident or occurrence reference", m.group(0))
    for m in _FORCE_REF.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            yield _Hit("privacy-crime-ref", "a crime, incident or occurrence reference", m.group(0))


def _names_with_age(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not (_has_digit(text) or _has(text, _AGE_WORDS_HINT)):
        return
    # "14-year-old Tyler" needs the word old; "her name is Jess ... 14" needs name, called or known
    low = text.lower()
    patterns = (_NAME_AGE, *((_AGE_NAME,) if "old" in low else ()),
                *((_INTRODUCED,) if "name" in low or "called" in low or "known" in low else ()))
    for pattern in patterns:
        for m in _names_in(pattern, text):
            age = next(g for g in (m.groupdict().get(k) for k in ("age", "age2", "age3", "age4")) if g)
            tally = bool(m.groupdict().get("name2")) and _TALLY_AFTER.match(text, m.end()) is not None
            if _age_value(age) <= 25 and not tally:
                yield _Hit("privacy-name-age", "a name next to an age", m.group(0).strip())


def _names_with_school(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not _has(text, _SCHOOL_WORDS):
        return
    for pattern in (_NAME_SCHOOL, _SCHOOL_NAME) if _SCHOOL_PUPIL.search(text) else (_NAME_SCHOOL,):
        for m in _names_in(pattern, text):
            yield _Hit("privacy-name-school", "a name next to a school", m.group(0).strip())


def _names_in_quotes(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not any(q in text for q in _QUOTE_MARKS):
        return
    for q in _QUOTE.finditer(_TITLES.sub(lambda t: "x" * len(t.group(0)), text)):
        quoted = next(g for g in q.groups() if g is not None)
        for w in _QUOTE_WORD.finditer(quoted):
            word = w.group(0)
            if word.casefold() in _NOT_NAMES or word.casefold().rstrip("s'’") in _NOT_NAMES:
                continue
            before = quoted[: w.start()].rstrip()
            starts_sentence = not before or before[-1] in ".!?:;–-—…\"“‘("
            if starts_sentence and not _SAYS_AFTER.match(quoted, w.end()) and word.casefold() not in FIRST_NAMES:
                continue
            if _PLACE_BEFORE.search(before[-14:] + " "):
                continue
            if re.match(r"['’]s\s+[A-Z]", quoted[w.end():]):
                continue  # "Barnardo's Children": an organisation or a title
            if len(word) > 4 and re.search(r"(?:ed|ing|ly)$", word) and word.casefold() not in FIRST_NAMES:
                continue  # "Really", "Amazing": words, not names
            yield _Hit("privacy-name-quote", "a name inside a quotation", word)
            break


def _names_with_relation(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not _has(text, _RELATION_HINTS):
        return
    for m in _names_in(_NAME_RELATION, text):
        yield _Hit("privacy-name-relation", "a name beside a family word", m.group(0).strip())


def _addresses(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not _has_digit(text):
        return
    for m in _ADDRESS.finditer(text):
        if _NOT_STREET.search(m.group(0)):  # "2 Crown Court cases": a court, not a street
            continue
        yield _Hit("privacy-address", "a street address", m.group(0).strip())
    for m in _FLAT.finditer(text):
        yield _Hit("privacy-address", "a flat number", m.group(0))


def _social_handles(text: str, ctx: _Context) -> Iterator[_Hit]:
    if not _has(text, _HANDLE_WORDS):
        return
    emails = [m.span() for m in _EMAIL.finditer(text)]
    found: list[str] = []
    for m in _HANDLE.finditer(text):
        if any(a <= m.start() < b for a, b in emails) or _ORG_HANDLE.search(m.group(1)):
            continue
        found.append(m.group(0))
    for pattern, loose in ((_PLATFORM_HANDLE, False), (_HANDLE_WORD, True)):
        for m in pattern.finditer(text):
            handle = m.group("handle").rstrip(".")
            personal = re.search(r"[\d_.]|[a-z][A-Z]", handle) or (loose and handle.casefold() not in _COMMON)
            if personal and not _ORG_HANDLE.search(handle) and not any(handle in f for f in found):
                found.append(handle)
    for handle in found:
        yield _Hit("privacy-social-handle", "a social media handle or username", handle)


_COMMON = frozenset("the and for was has had his her their our your name names with from not changed".split())


def _vehicle_regs(text: str, ctx: _Context) -> Iterator[_Hit]:
    seen: list[str] = []
    if not _has_digit(text):
        return
    for pattern in (_REG_WORDS, _REG_CURRENT, _REG_OLD):
        for m in pattern.finditer(text):
            reg = m.group("reg")
            compact = reg.replace(" ", "").upper()
            letters = re.findall(r"[A-Z]+", compact)
            if pattern is not _REG_WORDS and (set(letters) & _REG_STOP or compact[:2] == "FY"):
                continue
            if not (re.search(r"\d", reg) and re.search(r"[A-Za-z]", reg)) or any(compact in s for s in seen):
                continue
            seen.append(compact)
            yield _Hit("privacy-vehicle-reg", "a vehicle registration", reg)


RULES: dict[str, tuple[str, _Rule]] = {
    "privacy-email": ("An e-mail address that is not a role mailbox", _emails),
    "privacy-phone": ("A phone number that is not a published helpline", _phones),
    "privacy-postcode": ("A postcode", _postcodes),
    "privacy-dob": ("A date of birth (DOB, born on, or an age or a name with a date)", _dates_of_birth),
    "privacy-crime-ref": ("A crime, incident or occurrence reference", _crime_refs),
    "privacy-name-age": ("A personal name next to an age (Jess, 14)", _names_with_age),
    "privacy-name-school": ("A personal name next to a school (Jess attends X Academy)", _names_with_school),
    "privacy-nhs": ("An NHS number", _nhs_numbers),
    "privacy-address": ("A street address or flat number", _addresses),
    "privacy-social-handle": ("A social media handle or username", _social_handles),
    "privacy-vehicle-reg": ("A vehicle registration", _vehicle_regs),
    "privacy-name-quote": ("A personal name inside a quotation", _names_in_quotes),
    "privacy-name-relation": ("A personal name beside a family word (Jess's mum, her son Tyler)", _names_with_relation),
}


# --- public ------------------------------------------------------------------------------------


def is_role_mailbox(address: str, mailboxes: Iterable[str] = ()) -> bool:
    """True when an address is a listed mailbox, or its local part is made only of role words and its domain is
    not a free web-mail service."""
    address = address.strip().casefold()
    if address in {m.strip().casefold() for m in mailboxes if m}:
        return True
    local, _, domain = address.partition("@")
    if domain in FREE_MAIL:
        return False
    words = [w for w in re.split(r"[^a-z]+", local) if w]
    return bool(words) and all(w in ROLE_WORDS for w in words)


def is_nhs_number(digits: str) -> bool:
    """True for ten digits whose last is the NHS modulus-11 check digit of the first nine."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return check != 10 and (check % 11) == int(digits[9])


def is_placeholder(value: str | None) -> bool:
    """True for a setting that holds no real value yet: blank, TBC/TBA/to be confirmed, or a documentation address
    (example.org, example.com, anything.example, .test, .invalid)."""
    text = " ".join((value or "").split()).casefold().strip(" .")
    if text in ("", "tbc", "tba", "tbd", "to be confirmed", "to be added", "n/a", "none", "-", "?", "xxx"):
        return True
    return bool(re.search(r"@(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.(?:example|test|invalid|localhost))$"
                          r"|^example\.|\bexample\.(?:org|com|net)\b", text))


def is_switchboard(digits: str) -> bool:
    """True for an organisation's number by its range: 03 (public bodies and charities), 0800 and 0808 (freephone)."""
    return bool(re.fullmatch(r"03\d{9}|080[08]\d{6,7}", digits))


def board_numbers(settings: Iterable[str | None]) -> list[str]:
    """The board's own numbers that may be published: switchboard numbers (03, 0800, 0808) in its Control settings.
    Any other number there (a mobile, a direct line) is screened like any text, so it blocks until allowed."""
    return sorted({n for text in settings for n in phone_numbers(text) if is_switchboard(n)})


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
    as_of: dt.date | None = None,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Every privacy hit in the items: errors block publication; hits in allowed cells come back as info.

    `mailboxes` and `numbers` extend the role mailboxes and published helplines (the board's switchboards);
    `allow` holds cells the officer has checked (`Anecdotes!D5`); `as_of` dates a possible date of birth (default
    today); `codes` limits the rules run (default all).
    """
    ctx = _context(mailboxes, numbers, as_of)
    chosen = [(code, RULES[code][1]) for code in (RULES if codes is None else [c for c in RULES if c in set(codes)])]
    allowed = parse_allow(allow)
    findings: list[Finding] = []
    for item in items:
        if not item.text:
            continue
        seen: set[tuple[str, str]] = set()
        for code, rule in chosen:
            for hit in rule(item.text, ctx):
                if (code, hit.found) not in seen:
                    seen.add((code, hit.found))
                    findings.append(_finding(item, hit, allowed))
    return findings


def text_hits(
    texts: Iterable[str],
    *,
    numbers: Iterable[str] = (),
    as_of: dt.date | None = None,
    codes: Iterable[str] | None = None,
) -> dict[str, list[tuple[str, str, str]]]:
    """The hits in each distinct text that has any, as (code, what, found), each once per text: for checking every
    cell of a workbook, where most texts repeat down a column (a hit depends on the text alone)."""
    ctx = _context((), numbers, as_of)
    chosen = [rule for code, (_title, rule) in RULES.items() if codes is None or code in set(codes)]
    out: dict[str, list[tuple[str, str, str]]] = {}
    for text in set(texts):
        if not text:
            continue
        hits: dict[tuple[str, str], str] = {}  # (code, found) -> what, the first one
        for rule in chosen:
            for hit in rule(text, ctx):
                hits.setdefault((hit.code, hit.found), hit.what)
        if hits:
            out[text] = [(code, what, found) for (code, found), what in hits.items()]
    return out


@dataclass(frozen=True)
class Screened:
    """Output that passed the screen as a whole. Only `screen_output` makes one, and only when nothing blocks;
    whatever writes for partners (the Word renderer, the context dump) accepts nothing else."""

    _data: Any
    findings: tuple[Finding, ...] = ()  # hits in cells the officer allowed (info)

    @property
    def value(self) -> Any:
        """A copy of what was screened (a copy, so nothing added afterwards can skip the screen)."""
        return copy.deepcopy(self._data)


def screen_output(
    value: Any,
    sources: Iterable[TextItem] = (),
    *,
    where: str = "output",
    mailboxes: Iterable[str] = (),
    numbers: Iterable[str] = (),
    allow: Iterable[str] = (),
    as_of: dt.date | None = None,
) -> tuple[Screened | None, list[Finding]]:
    """Screen every string in a finished output (dicts, lists and text, however deep, keys too) and name each
    hit's source: the cells whose text holds it (`Plan!C5`), else the place in the output. Returns the Screened
    output (None when anything blocks) and the findings."""
    ctx = _context(mailboxes, numbers, as_of)
    allowed = parse_allow(allow)
    cells = [s for s in sources if s.text and s.text.strip()]
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for path, text in _strings(value):
        for code, (_title, rule) in RULES.items():
            for hit in rule(text, ctx):
                for item in _sources_of(hit.found, text, cells) or [TextItem(text, where, None, None, path)]:
                    key = (item.address if item.sheet != where else f"{where}:{path}", code, hit.found)
                    if key not in seen:
                        seen.add(key)
                        findings.append(_finding(item, hit, allowed, None if item.sheet != where else path))
    blocked = any(f.severity == ERROR for f in findings)
    return (None if blocked else Screened(copy.deepcopy(value), tuple(findings))), findings


def _sources_of(found: str, text: str, cells: list[TextItem]) -> list[TextItem]:
    """The cells a hit came from: those inside the screened text that hold it, else any that hold it, else those
    the hit spans."""
    holding = [c for c in cells if found in c.text]
    inside = [c for c in holding if c.text.strip() in text]
    return inside or holding or [c for c in cells if len(c.text.strip()) >= 3 and c.text.strip() in found]


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a value with where it sits (`did[0].activity`); dict keys are strings too."""
    if isinstance(value, str):
        yield path or "(text)", value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            yield from _strings(key, f"{sub} (key)") if isinstance(key, str) else iter(())
            yield from _strings(item, sub)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _context(mailboxes: Iterable[str], numbers: Iterable[str], as_of: dt.date | None) -> _Context:
    return _Context(
        mailboxes=frozenset(m.strip().casefold() for m in mailboxes if m),
        numbers=PUBLISHED_NUMBERS | {_national_digits(n) for n in numbers},
        year=(as_of or dt.date.today()).year,
    )


def _finding(item: TextItem, hit: _Hit, allowed: frozenset[str], path: str | None = None) -> Finding:
    if path is not None:  # in no one cell: named by its place in the output, and never allowed
        return Finding(hit.code, ERROR, f"{hit.what} at {path}: {hit.found!r}; it is built from several cells or "
                       "settings: take it out of them", sheet=item.sheet, field=path, value=hit.found)
    is_allowed = _allow_key(item.sheet, item.column or "", item.row or 0) in allowed
    message = f"{hit.what}: {hit.found!r}"
    message += (" (allowed by the officer)" if is_allowed else "; remove it, or allow the cell after checking")
    return Finding(hit.code, INFO if is_allowed else ERROR, message, sheet=item.sheet, row=item.row,
                   column=item.column, field=item.field, activity_id=item.activity_id, value=hit.found)


def blocked_text(findings: Iterable[Finding], what: str) -> str:
    """The lines that say an output was stopped: each blocking finding with its cell, and what to do."""
    blocking = [f for f in findings if f.severity == ERROR]
    lines = [f"Not written: the privacy screen found {len(blocking)} "
             f"{'problem' if len(blocking) == 1 else 'problems'} in what {what}:"]
    lines += [f"  {f.address}: {f.message}" for f in blocking]
    lines.append("Edit those cells, or after checking a cell allow it with --allow SHEET!CELL.")
    return "\n".join(lines) + "\n"


def phone_candidates(text: str | None) -> list[str]:
    """UK phone numbers written in a text: 0, +44 or 0044, then digits grouped with spaces, hyphens or brackets
    to 10 or 11 national digits."""
    text, out, pos = text or "", [], 0
    while (m := _PHONE_START.search(text, pos)) is not None:
        end, best = m.end(), None
        while (g := _PHONE_GROUP.match(text, end)) is not None:
            end = g.end()
            length = len(_national_digits(text[m.start():end]))
            if length > 11:
                break
            if length in (10, 11) and not re.match(r"[\w/]", text[end:end + 1]):
                best = end
        out += [text[m.start():best].strip()] if best is not None else []
        pos = best if best is not None else m.end()
    return out


def phone_numbers(text: str | None) -> list[str]:
    """The phone numbers written in a text, as national digits (for published-contact settings)."""
    return [_national_digits(p) for p in phone_candidates(text)]


def _national_digits(text: str) -> str:
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
    return int(text) if text.isdigit() else _AGE_WORDS.index(text.casefold()) + 8


def _year_of(date_text: str) -> int | None:
    m = re.search(r"(\d{2,4})\s*$", date_text) or re.match(r"(\d{4})-", date_text)
    if not m:
        return None
    year = int(m.group(1))
    return year + (2000 if year < 50 else 1900) if year < 100 else year


def unmatched_allows(allow: Iterable[str], findings: Iterable[Finding]) -> list[str]:
    """The --allow cells that name no cell the screen found anything in (most likely a mistyped address)."""
    found = {_allow_key(f.sheet or "", f.column or "", f.row or 0) for f in findings}
    return [cell for cell in allow if not parse_allow([cell]) <= found]


def _allow_key(sheet: str, column: str, row: int) -> str:
    return f"{sheet.strip().casefold()}!{column.upper()}{row}"
