"""What the privacy screen looks for, as data: the words and regular expressions of personal data.

Word lists (published helplines, role-mailbox words, free web-mail domains, words that are never a name, common
first names) and the compiled patterns the detectors in `privacy_detectors.py` run, with the cheap first looks
(a part of those patterns) that decide whether a detector's full patterns need to run at all, and the words and
marks of the one look validate takes before any detector. Nothing here decides anything.
"""

from __future__ import annotations

import re

from .dates import MONTH_PATTERN

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


# --- words -------------------------------------------------------------------------------------

# Capitalised words that start sentences or name things, never a person: a name candidate must not end in one.
NOT_NAMES = frozenset(
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
PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|from|near|around|across|throughout|within|outside)\s+)$",
                          re.IGNORECASE)
AGE_WORDS = ("eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
             "twenty").split()
_AGE = rf"(?:\d{{1,2}}|{'|'.join(AGE_WORDS)})"
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


# --- patterns ----------------------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE_START = re.compile(r"(?<![\w/+£.])(?:\+\s?44|0044|\(?0)(?=[\s()-]*\d)")
PHONE_GROUP = re.compile(r"[\s()-]{0,3}\d+")
POSTCODE = re.compile(r"\b(?:GIR\s*0AA|[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d|\s+\d\s+)[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_DOB_MARK = r"d\.?\s?o\.?\s?b"  # DOB, D.O.B, d o b, d.ob ...
_DOB_WORDS = rf"(?:{_DOB_MARK}\b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on|\s+in)?)"
DOB = re.compile(rf"\b{_DOB_WORDS}\W{{0,4}}(?:(?:is|was|on|in|the)\s+){{0,2}}({_PART_DATE})", re.IGNORECASE)
# an age beside a date (a possible date of birth): "aged 14", "14 years old", "14yo" (not "a 12 year sentence")
_AGE_PHRASE = r"(?:\baged?\s+\d{1,2}\b|\b\d{1,2}(?:\s*-?\s*(?:years?|yrs?)\s*-?\s*old|\s*y/?o)\b)"
AGE_WITH_DATE = re.compile(
    rf"(?:{_AGE_PHRASE}[^.;\n]{{0,40}}?({_FULL_DATE})|({_FULL_DATE})[^.;\n]{{0,40}}?{_AGE_PHRASE})", re.IGNORECASE
)
NAME_DATE = re.compile(rf"\b{_NAME}\s*[,(:]\s*(?P<date>{_FULL_DATE})")
NHS = re.compile(r"(?<![\d/-])([1-9]\d{2})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d/-])")
NHS_WORDS = re.compile(r"\bNHS\s*(?:no\.?|number|num)?\s*[:#.-]?\s*((?:\d[\s-]?){9}\d)\b", re.IGNORECASE)
_REF_CODE = r"([A-Z0-9][A-Z0-9/-]*\d[A-Z0-9/-]*)"
CRIME_REF_WORDS = re.compile(
    r"\b(?:CRN|URN|CAD|crime\s*(?:ref(?:erence)?|no|number|num)(?:\s*(?:no|number))?|crime"
    r"|incident\s*(?:ref(?:erence)?|no|number|log)?|occurrence\s*(?:ref(?:erence)?|no|number)?"
    r"|log\s*(?:no|number)?|(?:police|our|your)\s*ref(?:erence)?(?:\s*(?:no|number))?|ref(?:erence)?\s*(?:no|number)?)"
    rf"\.?\s*[:#-]?\s*{_REF_CODE}",
    re.IGNORECASE,
)
# Force-style references: 34/12345/18, NN/123456/19, 34-12345-18.
FORCE_REF = re.compile(r"\b(?:\d{2}|[A-Z]{2})([/-])\d{3,7}\1\d{2}\b")
NAME_AGE = re.compile(
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
INTRODUCED = re.compile(rf"\b(?:name\s+is|name['’]s|named|called|known\s+as)\s+{_NAME}[^.;!?\n]*?"
                        rf"(?:\b(?:is|was|aged?|turned)\s+(?P<age>{_AGE})\b|\b(?P<age2>{_AGE}){_YEARS_OLD}\b"
                        rf"|\(\s*(?P<age3>{_AGE})\s*\))", re.IGNORECASE)
AGE_NAME = re.compile(
    # 14-year-old Tyler / a 14-year-old called Tyler / fifteen-year-old Bethany Clarke / the 14 year old girl, Jess
    rf"\b(?P<age>{_AGE})\s*-?\s*(?:years?|yrs?)\s*-?\s*old\s*(?:(?:boy|girl|lad|child|pupil|victim|student)\s*)?"
    rf",?\s*(?:(?:called|named)\s+)?{_NAME}",
    re.IGNORECASE,
)
# "St Giles (12) and Abington (9) wards": places counted, not people's ages.
TALLY_AFTER = re.compile(r"(?:\s*(?:,|and)\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s*\(\d+\))*\s*(?:wards?|schools?|"
                         r"sessions?|areas?|venues?|libraries|towns?|villages?|estates?|sites?|groups?)\b")
_SCHOOL_WORD = (r"(?:Academy|School|College|Primary|Grammar|Infants|Juniors|Secondary|Comprehensive|Sixth\s+Form|PRU"
                r"|Free\s+School)")
_SCHOOL = rf"(?:St\.?\s+)?(?:[A-Z][\w'’&.-]*\s+){{1,5}}{_SCHOOL_WORD}\b"
_PUPIL = r"(?:pupil|student|learner)"
NAME_SCHOOL = re.compile(
    rf"\b{_NAME}(?:\s*(?:,\s*(?:aged?\s+)?|\(\s*)\d{{1,2}}\s*\)?)?"  # an age between: "Sam, 14, attends"
    r"(?:\s*,\s*(?:who|a\s+pupil|a\s+student)?)?\s*(?:\(\s*year\s+\d{1,2}\s*,\s*|,\s*(?:(?:pupil|student)\s*,?\s*)?"
    r"(?:at\s+)?|(?:\s+(?:who\s+)?(?:is\s+|was\s+)?"
    r"(?:attends|attended|attending|goes\s+to|went\s+to|is\s+at|was\s+at|at|from|of"
    r"|(?:a\s+|an?\s+)?(?:year\s+\d{1,2}\s+)?(?:pupil|student|learner)\s+(?:at|of|from|in)"
    r"|(?:in\s+)?year\s+\d{1,2}\s+(?:at|of|in))\s+))"
    rf"(?P<school>(?:the\s+)?{_SCHOOL})",
    re.IGNORECASE,
)
SCHOOL_NAME = re.compile(rf"(?P<school>{_SCHOOL})\s+{_PUPIL}\s+{_NAME}", re.IGNORECASE)
_RELATIONS = (r"(?:mum|mom|mother|dad|father|nan|nana|gran|granny|grandma|grandad|grandfather|grandmother|"
              r"brother|sister|carer|foster\s+carer|boyfriend|girlfriend|aunt|auntie|uncle|step-?dad|step-?mum|"
              r"family|friend|mate|cousin|partner|son|daughter|social\s+worker|teacher)")
_POSSESSIVE = r"['’]s?\s+"  # Jess's mum, Jess' mum
_OWNER = r"(?:her|his|their|my|our|your)\s+"  # her son Tyler
_OF = r"\s+of\s+"  # mother of Jess
NAME_RELATION = re.compile(
    rf"\b{_NAME}{_POSSESSIVE}{_RELATIONS}\b"
    rf"|\b{_OWNER}(?:little\s+|older\s+|younger\s+|big\s+)?"
    rf"(?:son|daughter|brother|sister|child|friend|boyfriend|girlfriend|niece|nephew|grandson|granddaughter|mate|"
    rf"cousin|step-?son|step-?daughter)\s*,?\s+{_name('name2')}"
    rf"|\b(?:mother|father|mum|dad|parents?|carers?|brother|sister|family){_OF}{_name('name3')}",
    re.IGNORECASE,
)
QUOTE = re.compile(r"\"([^\"]{3,400})\"|“([^”]{3,400})”|‘([^’]{3,400})’|(?<![\w])'([^'\n]{3,400}?)'(?![\w])")
QUOTE_WORD = re.compile(_WORD)
SAYS_AFTER = re.compile(r"\s+(?:told|said|says|was|is|has|had|got|gets|asked|came|went|met|and|never|didn['’]t|"
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
TITLES = re.compile(r"Breck['’]s Last Game|Don['’]t Be An Accessory|Breck Foundation|Breck Bednar", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,29}))")
_PLATFORMS = (r"(?:snap(?:chat)?|insta(?:gram)?|ig|tik\s?tok|facebook|fb|twitter|kik|discord|xbox|psn|playstation|"
              r"steam|whatsapp|telegram|roblox|fortnite|twitch)")
_HANDLE_WORDS = r"(?:gamer\s*tag|username|user\s*name|screen\s*name|handle|snap\s*name)"
PLATFORM_HANDLE = re.compile(
    rf"\b{_PLATFORMS}\b[^.\n]{{0,30}}?(?:\b(?:name|username|user\s*name|handle|id|account|"
    r"tag|is)\b|:|@)\s*(?:is\s+|:\s*)?@?(?P<handle>[A-Za-z][A-Za-z0-9_.]{2,29})",
    re.IGNORECASE,
)
HANDLE_WORD = re.compile(
    rf"\b{_HANDLE_WORDS}\s*(?:is\s+|:\s*|-\s*|=\s*)?@?"
    r"(?P<handle>[A-Za-z0-9][A-Za-z0-9_.]{2,29})",
    re.IGNORECASE,
)
ORG_HANDLE = re.compile(
    r"police|polic|council|gov|nhs|nspcc|childline|crimestoppers|safeguard|nscb|nscp|lscb|cse|barnardo|ceop|"
    r"thinkuknow|school|academy|college|fire|ambulance|county|borough|city|partnership|official|news|radio|"
    r"foundation|charity|trust|breck|samaritans|northants|northampton",
    re.IGNORECASE,
)
_STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|Grove|"
           r"Gardens|Gdns|Terrace|Walk|Mews|Square|Sq|Row|Hill|Rise|View|Green|Parade|Gate|Vale|Fields|Mount|Chase|"
           r"Croft|Meadows?|Wharf|Yard|Lodge|Heights|Crossing)")
ADDRESS = re.compile(
    rf"(?<![\d£.,/])\b(?:number\s+|no\.?\s*)?\d{{1,4}}[a-zA-Z]?,?\s+(?P<street>(?:[A-Z][a-z'’]+\s+){{1,3}}){_STREET}\b\.?"
)
FLAT = re.compile(r"\b(?:flat|apartment|apt)\.?\s+\d{1,3}[a-z]?\b", re.IGNORECASE)
NOT_STREET = re.compile(r"\b(?:Crown|Magistrates['’]?|Youth|Family|County|High|Combined)\s+Court\b")
REG_CURRENT = re.compile(r"\b(?P<reg>[A-Z]{2}\d{2}\s?[A-Z]{3}|[a-z]{2}\d{2}\s?[a-z]{3})\b")
REG_OLD = re.compile(r"\b(?P<reg>[A-HJ-NPR-Y]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-HJ-NPR-Y])\b")
REG_WORDS = re.compile(
    r"\b(?:reg(?:istration)?(?:\s+(?:no|number|plate|mark))?|number\s*plate|VRM|plate)\s*[:.]?\s*"
    r"(?P<reg>[A-Za-z]{1,3}\d{1,3}\s?[A-Za-z]{1,3}|[A-Za-z]{2}\d{2}\s?[A-Za-z]{3})\b",
    re.IGNORECASE,
)
REG_STOP = frozenset("CSE TBC TBA ALL NHS MAS RAG LGB PSH PHE SRE RSE KCS DSL SEN GCS CEO NCA PCC FGM OCG".split())

# Words that follow a handle word without being a handle ("username changed").
COMMON = frozenset("the and for was has had his her their our your name names with from not changed".split())


# --- first looks -------------------------------------------------------------------------------

# Cheap first looks: a detector runs its full patterns only on a text where its first look finds something
# (privacy_detectors.first_look). Each is a part that every match of the patterns it guards holds, built from the
# same pieces and compiled with the same flags, so it matches wherever they would: the same \s (a tab, a line
# break, a non-breaking space), the same case-blind letters (ſ for s, ı and İ for i). A text it finds nothing in
# cannot hold a match. Checking every cell of a 10,000-row plan is dominated by these rules (validate).
DIGIT = re.compile(r"\d")  # in every pattern of phones, postcodes, DOBs, NHS numbers, references, addresses, regs
AT = re.compile("@")  # EMAIL's and HANDLE's @
DOB_HINT = re.compile(rf"{_DOB_MARK}|birth|born", re.IGNORECASE)  # one of these is in each of _DOB_WORDS
AGE_PHRASE_RE = re.compile(_AGE_PHRASE, re.IGNORECASE)  # in both of AGE_WITH_DATE's alternatives
AGE_HINT = re.compile(_AGE, re.IGNORECASE)  # NAME_AGE, AGE_NAME and INTRODUCED each need an age
OLD_HINT = re.compile("old", re.IGNORECASE)  # AGE_NAME's "year old"
INTRODUCED_HINT = re.compile("name|called|known", re.IGNORECASE)  # INTRODUCED's "name is", "called", "known as"
SCHOOL_HINT = re.compile(_SCHOOL_WORD, re.IGNORECASE)  # the word that ends every _SCHOOL (NAME_SCHOOL, SCHOOL_NAME)
SCHOOL_PUPIL = re.compile(rf"{_SCHOOL_WORD}\s+{_PUPIL}", re.IGNORECASE)  # SCHOOL_NAME's "Academy pupil"
QUOTE_HINT = re.compile("[\"“‘']")  # the mark that opens each of QUOTE's alternatives
RELATION_HINT = re.compile(rf"{_POSSESSIVE}|{_OWNER}|{_OF}", re.IGNORECASE)  # one in each of NAME_RELATION's three
HANDLE_HINT = re.compile(rf"@|{_PLATFORMS}|{_HANDLE_WORDS}", re.IGNORECASE)  # HANDLE, PLATFORM_HANDLE, HANDLE_WORD

# One look before any detector (privacy_detectors.may_hold), for plain ASCII text only (any other text gets the
# detectors in full). A text can hold a hit only if its lower-cased text, with each ASCII whitespace character
# read as a space (\s matches a tab or a line break too), holds one of these words, or the text holds a match of
# MAY_HOLD. What each detector's patterns need, and where it is here:
#   emails, handles: "@" (MAY_HOLD); platform and handle words: snap, insta, ig, tik (tik\s?tok), ..., twitch,
#     gamer (gamer\s*tag), user (username, user\s*name), name (screen\s*name, snap\s*name), handle;
#   phones, NHS numbers: ten digits at most three spaces, hyphens or brackets apart (MAY_HOLD);
#   postcodes, registrations, street numbers: a digit, then spaces, a comma or a hyphen, then a letter (MAY_HOLD);
#   flat numbers: flat, apartment, apt;
#   dates of birth: born or birth, or a d.o.b spelling (MAY_HOLD), or a full date: a numeric date (MAY_HOLD), a day
#     then a month (digit then letter, MAY_HOLD), a month then a day (jan ... dec: every month name starts so);
#   crime references: crn, urn, cad, crime, incident, occurrence, log, ref; force references: digit/digit (MAY_HOLD);
#   names with an age: "Jess, 14", "Sam (14)" (MAY_HOLD), age, is, was, who, turn; "Jess 14yrs" and "14-year-old"
#     (digit then letter, MAY_HOLD) or an age in words (eight ... twenty, -teen); name, called, known (INTRODUCED);
#   names with a school: the school words; in quotations: a quotation mark (MAY_HOLD);
#   names beside a family word: an apostrophe (MAY_HOLD), "her ", "his ", "their ", "my ", "our ", "your ", " of ".
# Most cells of a plan ("Activity 12: awareness session", an ID, a cost) hold none.
MAY_HOLD_WORDS = (
    "born", "birth",  # date of birth, birth date, birthday, born
    "eight", "nine", "ten", "eleven", "twelve", "teen", "twenty",  # ages in words
    "academy", "school", "college", "primary", "grammar", "infants", "juniors", "secondary", "comprehensive",
    "sixth", "pru",  # the words that end a school's name
    "her ", "his ", "their ", "my ", "our ", "your ", " of ",  # her son Tyler, mother of Jess
    "snap", "insta", "ig", "tik", "facebook", "fb", "twitter", "kik", "discord", "xbox", "psn", "playstation",
    "steam", "whatsapp", "telegram", "roblox", "fortnite", "twitch", "gamer", "user", "handle",  # handles
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",  # "March 3, 2004"
    "crn", "urn", "cad", "crime", "incident", "occurrence", "log", "ref",  # crime and occurrence references
    "age", "is", "who", "was", "turn", "name", "called", "known",  # "Mia is 13", "her name is Jess ... 14"
    "flat", "apartment", "apt",  # flat numbers
)
MAY_HOLD = re.compile(
    r"[@\"“‘'’]"  # e-mail addresses and @handles; quotations; "Jess's mum", "Jess' mum"
    r"|\d(?:(?:[\s()-]{0,3}\d){9}"  # phone and NHS numbers: ten digits, at most three spaces or brackets apart
    r"|[\s,-]*[a-z]"  # postcodes, vehicle registrations, street numbers, "3rd March", "14yrs", "14-year-old"
    r"|\s?[/.-]\s?\d)"  # numeric dates (with an age or a name, a possible date of birth), force crime references
    rf"|[,–(-]\s*(?:(?:who\s+is|who['’]s|aged?|a|now|only|just)\s*)?{_AGE}"  # "Jess, 14", "Sam (14)", "Liam - 13"
    rf"|{_DOB_MARK}",  # DOB, D.O.B, d o.b, do b ... (then any date, a bare year too)
    re.IGNORECASE,
)
