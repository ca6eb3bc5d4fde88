"""The workbook contract, written once: sheets, columns, header aliases and allowed values.

The reader, the rules and the workbook builder all take their names from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

# Column types understood by the reader and the rules.
TEXT = "text"
DATE = "date"
INTEGER = "integer"
NUMBER = "number"
FLAG = "flag"  # yes / no


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def normalise_header(text: object) -> str:
    """A header reduced for matching: lower case, letters and digits only ("RAG Status" -> "ragstatus")."""
    # Not cached: most texts checked are cells that differ on every row (IDs, activities), where a cache only costs.
    return _NOT_ALNUM.sub("", (text if type(text) is str else str(text)).casefold())


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: canonical header, field key, aliases and type."""

    header: str
    key: str
    type: str = TEXT
    aliases: tuple[str, ...] = ()
    required: bool = False
    output: bool = False  # written by cseplan-xl itself (derived columns); never the officer's
    width: float = 14
    help: str = ""
    bounds: tuple[int, int] | None = None  # a coded whole number: lowest and highest allowed, inclusive
    choices: tuple[str, ...] = ()  # the values offered in its dropdown (empty: free text)

    def within(self, value: float) -> bool:
        """True when a number is a whole number inside the column's bounds (any number when it has none)."""
        if self.bounds is None:
            return True
        return self.bounds[0] <= value <= self.bounds[1] and float(value).is_integer()

    def matches(self, text: object) -> bool:
        """True when a header cell's text names this column."""
        wanted = normalise_header(text)
        return bool(wanted) and wanted in self._names

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(normalise_header(a) for a in (self.header, self.key, *self.aliases))


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of the workbook: its name, aliases and (for table sheets) its columns."""

    name: str
    columns: tuple[Column, ...] = ()
    aliases: tuple[str, ...] = ()
    required: bool = False
    evaluation: bool = False
    description: str = ""

    @cached_property
    def header_keys(self) -> dict[str, str]:
        """Normalised header text (canonical, key or alias) -> field key; the first column wins."""
        keys: dict[str, str] = {}
        for col in self.columns:
            for name in (col.header, col.key, *col.aliases):
                keys.setdefault(normalise_header(name), col.key)
        return keys

    def column(self, key: str) -> Column:
        """The column with this field key."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def required_columns(self) -> tuple[Column, ...]:
        """The columns a sheet must have to be read."""
        return tuple(c for c in self.columns if c.required)

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(normalise_header(n) for n in (self.name, *self.aliases))

    def matches(self, sheet_name: str) -> bool:
        """True when a workbook's sheet name is this sheet (case, spacing and punctuation ignored)."""
        return normalise_header(sheet_name) in self._names


# --- Plan --------------------------------------------------------------------------------------

PLAN = SheetSpec(
    "Plan",
    aliases=("Activity plan", "Activities", "Comms plan", "Communications plan", "Action plan"),
    required=True,
    description="One row per activity of the communications plan.",
    columns=(
        Column("ID", "id", aliases=("Ref", "Reference", "Activity ID", "No", "Number"), width=7),
        Column("Section", "section", aliases=("Table", "Workstream", "Strand"), width=18),
        Column("Phase", "phase", width=14),
        Column("Theme", "theme", aliases=("Priority", "Priority theme", "Campaign"), width=24),
        Column(
            "Activity", "activity", required=True, width=60,
            aliases=("Action", "Task", "Description", "Activity description", "Training", "External", "Internal"),
        ),
        Column(
            "When", "when", required=True, width=18,
            aliases=("Timescale", "Timescales", "Date", "Dates", "Timing", "Deadline", "Due", "Schedule"),
        ),
        Column("Who", "who", required=True, width=14,
               aliases=("Lead", "Leads", "Owner", "Owners", "Responsible", "By whom")),
        Column("Cost", "cost", aliases=("Budget", "Costs", "Cost (£)"), width=10),
        Column("RAG", "rag", aliases=("RAG Status", "Status", "RAG rating"), width=10),
        Column("Progress notes", "progress", aliases=("Progress", "Notes", "Update", "Comments"), width=40),
        Column("Last updated", "last_updated", DATE, aliases=("Updated", "Date updated", "Last update"), width=13),
        Column("Original When", "original_when",
               aliases=("Original date", "Original timescale", "Baseline When"), width=16),
        Column("Re-baseline reason", "rebaseline_reason",
               aliases=("Rebaseline reason", "Reason for change", "Reason re-dated"), width=28),
        Column("Start", "start", DATE, aliases=("Start date",), width=12,
               help="Optional: overrides the start read from When."),
        Column("End", "end", DATE, aliases=("End date",), width=12,
               help="Optional: overrides the end read from When."),
        Column("Delivered on", "delivered_on", aliases=("Delivered", "Completed on", "Date delivered", "Done on"),
               width=14, help="Optional: the day it was delivered; for a repeating activity each day an occurrence "
                              "was done, separated by ';' (e.g. 20/03/2018; 19/06/2018)."),
        Column("Short title", "short_title", aliases=("Short name",), width=24,
               help="Optional: a few words naming the activity in the newsletter."),
        Column("Derived RAG", "derived_rag", output=True, width=12),
        Column("Derived start", "derived_start", DATE, output=True, width=13),
        Column("Derived end", "derived_end", DATE, output=True, width=13),
        Column("Overdue days", "overdue_days", INTEGER, aliases=("Overdue",), output=True, width=10),
    ),
)

# --- Lookups -----------------------------------------------------------------------------------

OWNERS = SheetSpec(
    "Owners",
    description="Who codes used on the Plan, mapped to a role or team (initials only: data minimisation).",
    columns=(
        Column("Code", "code", required=True, aliases=("Initials", "Who"), width=14),
        Column("Role or team", "role", aliases=("Role", "Team", "Role/team"), width=36),
        Column("Agency", "agency", aliases=("Organisation", "Organization", "Partner"), width=24),
    ),
)

# Lists: one column per list; the header names the list.
LISTS = SheetSpec(
    "Lists",
    description="Allowed values; each column feeds a dropdown.",
    columns=(
        Column("Sections", "sections", width=30),
        Column("Phases", "phases", width=26),
        Column("Themes", "themes", width=44),
        Column("RAG values", "rag_values", aliases=("RAG",), width=12),
        Column("Cost keywords", "cost_keywords", width=14),
        Column("Audiences", "audiences", width=40),
        Column("Objectives", "objectives", width=50),
        Column("Key messages", "key_messages", width=60),
        Column("Platforms", "platforms", width=14),
        Column("Outlet tiers", "outlet_tiers", width=12),
        Column("Source types", "source_types", width=20),
        Column("Campaigns", "campaigns", width=30),
        Column("Actions", "actions", width=20),
    ),
)

# Control: labels in column A, values in column B (rows in any order, blank rows allowed).
CONTROL = SheetSpec(
    "Control",
    aliases=("Settings", "Config"),
    description="Settings for the plan and the status of the last run.",
    columns=(
        Column("Title", "title"),
        Column("Board name", "board_name", aliases=("Board",)),
        Column("Board short name", "board_short", aliases=("Board abbreviation",)),
        Column("Newsletter title", "newsletter_title", aliases=("Newsletter",)),
        Column("Plan start", "plan_start", DATE),
        Column("Plan end", "plan_end", DATE),
        Column("As-of date", "as_of", DATE, aliases=("As of", "As at", "As-at date")),
        Column("Reporting period", "reporting_period", aliases=("Period", "Quarter")),
        Column("Output folder", "output_folder"),
        Column("Contact mailbox", "contact_mailbox", aliases=("Contact", "Contact e-mail", "Role mailbox")),
        Column("Local referral route", "referral_route", aliases=("Referral route", "Reporting route")),
        Column("Action", "action"),
        Column("Last run", "last_run"),
        Column("Last action", "last_action"),
        Column("Last result", "last_result"),
        Column("Errors", "last_errors", INTEGER),
        Column("Warnings", "last_warnings", INTEGER),
        Column("Run took (seconds)", "last_duration", NUMBER, aliases=("Last run took",)),
    ),
)

# --- Evaluation (DOMAIN.md, "Evaluation") ------------------------------------------------------

OUTLET_TIERS = ("local", "regional", "national")
PLATFORMS = ("Facebook", "X (Twitter)", "Instagram", "Snapchat", "YouTube", "TikTok", "LinkedIn")
SOURCE_TYPES = ("Professional", "Parent or carer", "Young person", "Partner agency", "Member of the public")

REFERRALS = SheetSpec(
    "Referrals",
    evaluation=True,
    description="CSE referrals per month, with the boys and teenage-boys subsets.",
    columns=(
        Column("Month", "month", DATE, required=True, aliases=("Period", "Month starting"), width=12),
        Column("Referrals", "referrals", INTEGER, required=True,
               aliases=("All referrals", "Total referrals", "Total"), width=11),
        Column("Boys", "boys", INTEGER, aliases=("Male", "Boys referrals"), width=8),
        Column("Teenage boys", "teen_boys", INTEGER,
               aliases=("Boys 13-17", "Teenage boys 13-17", "Boys aged 13-17"), width=13),
        Column("Source", "source", aliases=("Data source",), width=24),
        Column("Notes", "notes", width=30),
    ),
)

SOCIAL = SheetSpec(
    "Social",
    aliases=("Social media",),
    evaluation=True,
    description="Social media posts with engagement components and denominators, per platform.",
    columns=(
        Column("Date", "date", DATE, required=True, width=11),
        Column("Platform", "platform", required=True, width=12, choices=PLATFORMS),
        Column("Campaign", "campaign", width=24),
        Column("Post", "post", aliases=("Post reference", "Description"), width=30),
        Column("Reactions", "reactions", INTEGER, aliases=("Likes",), width=10),
        Column("Comments", "comments", INTEGER, aliases=("Replies",), width=10),
        Column("Shares", "shares", INTEGER, aliases=("Retweets", "Reposts"), width=9),
        Column("Saves", "saves", INTEGER, width=8),
        Column("Clicks", "clicks", INTEGER, aliases=("Link clicks",), width=8),
        Column("Impressions", "impressions", INTEGER, width=12),
        Column("Views", "views", INTEGER, width=10),
        Column("Reach", "reach", INTEGER, width=10),
        Column("Followers", "followers", INTEGER, width=10),
        Column("Metric definition", "metric_definition", aliases=("Definition",), width=30),
    ),
)

MEDIA = SheetSpec(
    "Media",
    aliases=("Media coverage", "Traditional media"),
    evaluation=True,
    description="Traditional media coverage, coded: tone, prominence, duration, key messages, route.",
    columns=(
        Column("Date", "date", DATE, required=True, width=11),
        Column("Outlet", "outlet", width=20),
        Column("Outlet tier", "tier", aliases=("Tier",), width=11, choices=OUTLET_TIERS),
        Column("Medium", "medium", aliases=("Type",), width=11),
        Column("Campaign", "campaign", width=24),
        Column("Headline", "headline", aliases=("Title",), width=36),
        Column("Tone", "tone", INTEGER, required=True, width=7, help="-2 very negative .. +2 very positive",
               bounds=(-2, 2)),
        Column("Prominence", "prominence", INTEGER, width=11,
               help="3 headline/lead, 2 first paragraph or picture, 1 passing mention", bounds=(1, 3)),
        Column("Duration seconds", "duration_seconds", NUMBER, aliases=("Duration", "Seconds"), width=10),
        Column("Key messages", "key_messages", INTEGER, aliases=("Messages",), width=9,
               help="How many of the five core key messages (0-5)", bounds=(0, 5)),
        Column("Reporting route given", "reporting_route", FLAG, aliases=("Route given", "Reporting route"), width=10),
    ),
)

ANECDOTES = SheetSpec(
    "Anecdotes",
    aliases=("Anecdotal evidence",),
    evaluation=True,
    description="Anecdotal evidence; only consented and anonymised items may be quoted.",
    columns=(
        Column("Date", "date", DATE, width=11),
        Column("Source type", "source_type", aliases=("Source",), width=18, choices=SOURCE_TYPES),
        Column("Campaign", "campaign", width=24),
        Column("Anecdote", "text", required=True, aliases=("Text", "Quote", "Evidence"), width=60),
        Column("Consent to publish", "consent", FLAG, aliases=("Consent",), width=10),
        Column("Anonymised", "anonymised", FLAG, aliases=("Anonymized",), width=11),
        Column("Publish", "publish", FLAG, aliases=("For publication", "Use in newsletter"), width=9),
    ),
)

# --- Outputs -----------------------------------------------------------------------------------

HISTORY = SheetSpec(
    "History",
    description="A dated snapshot of each activity's RAG, appended by Refresh dashboard.",
    columns=(
        Column("Snapshot", "snapshot", DATE, required=True, aliases=("As of", "Date"), width=12),
        Column("ID", "id", required=True, width=7),
        Column("Reported RAG", "reported_rag", width=12),
        Column("Derived RAG", "derived_rag", width=12),
    ),
)

VALIDATION = SheetSpec(
    "Validation",
    description="Findings of the last Validate plan run.",
    columns=(
        Column("Severity", "severity", width=10),
        Column("Cell", "cell", width=12),
        Column("Rule", "code", width=24),
        Column("Activity", "activity_id", width=9),
        Column("Value", "value", width=24),
        Column("Message", "message", width=90),
    ),
)

DASHBOARD = SheetSpec("Dashboard", description="Rollups and evaluation figures, written by Refresh dashboard.")

EVALUATION_SHEETS = (REFERRALS, SOCIAL, MEDIA, ANECDOTES)
LOOKUP_SHEETS = (OWNERS, LISTS, CONTROL)
TABLE_SHEETS = (PLAN, OWNERS, REFERRALS, SOCIAL, MEDIA, ANECDOTES, HISTORY)
ALL_SHEETS = (CONTROL, PLAN, OWNERS, LISTS, REFERRALS, SOCIAL, MEDIA, ANECDOTES, DASHBOARD, VALIDATION, HISTORY)

# --- Allowed values ----------------------------------------------------------------------------

RED, AMBER, GREEN, BLUE, GREY = "Red", "Amber", "Green", "Blue", "Grey"
RAG_VALUES = (RED, AMBER, GREEN, BLUE, GREY)
# Worst first: a roll-up takes the first of these present.
RAG_SEVERITY_ORDER = (RED, AMBER, GREEN, GREY, BLUE)
RAG_MEANING = {
    RED: "overdue or off track",
    AMBER: "in progress with risks, or started but not yet rated",
    GREEN: "on track",
    BLUE: "complete",
    GREY: "not yet scheduled, or not started and not yet rated",
}
# The one RAG legend: the CLI, the workbook and the newsletter all show this text.
RAG_LEGEND = "; ".join(f"{rag} = {meaning}" for rag, meaning in RAG_MEANING.items())
RAG_COLOURS = {RED: "#C00000", AMBER: "#FFC000", GREEN: "#00B050", BLUE: "#2F75B5", GREY: "#A6A6A6"}
_RAG_ALIASES = {
    "red": RED, "r": RED,
    "amber": AMBER, "a": AMBER, "yellow": AMBER,
    "green": GREEN, "g": GREEN,
    "blue": BLUE, "b": BLUE, "complete": BLUE, "completed": BLUE, "done": BLUE,
    "grey": GREY, "gray": GREY,
}


def parse_rag(value: object) -> str | None:
    """A RAG value in canonical form ("complete" -> "Blue"), None when blank; raises ValueError if unknown."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _RAG_ALIASES.get(text.casefold()) or _RAG_ALIASES.get(normalise_header(text))
    if found is None:
        raise ValueError(f"not a RAG value: {value!r}")
    return found


COST_KEYWORDS = ("N/A", "TBC")

DEFAULT_SECTIONS = (
    "6.1 Internal and training",
    "6.2 External",
    "Phase Two external",
)
DEFAULT_PHASES = ("Phase One", "Phase Two – Late 2018/19")
DEFAULT_THEMES = (
    "Awareness and reporting",
    "Teenage boys and online gaming (Breck's Last Game)",
    "LGBT under-reporting",
    "Organised crime and gangs (Don't Be An Accessory)",
    "Week of action: perpetrators",
    "Week of action: CSE in sport",
)
FLAG_TRUE = ("yes", "y", "true", "1", "x")
FLAG_FALSE = ("no", "n", "false", "0", "")

# Words that Who may hold which are not owner codes but are allowed: "to be confirmed".
WHO_UNASSIGNED = ("TBC",)
OWNER_SEPARATORS = r"[/,&;+]|\band\b"


def split_owners(who: object) -> list[str]:
    """The owner codes in a Who cell: "DJ/CT/ Comms team" -> ["DJ", "CT", "Comms team"]."""
    if who is None:
        return []
    return list(_split_owners(str(who)))


@lru_cache(maxsize=1024)
def _split_owners(who: str) -> tuple[str, ...]:
    return tuple(" ".join(p.split()) for p in re.split(OWNER_SEPARATORS, who) if p.strip())


def parse_flag(value: object) -> bool | None:
    """A yes/no cell as True/False, None when blank; raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text == "":
        return None
    if text in FLAG_TRUE:
        return True
    if text in FLAG_FALSE:
        return False
    raise ValueError(f"not yes or no: {value!r}")


# --- Layout: where the built workbook puts things (1-based rows, as the officer sees them) -------

HEADER_ROW = 2  # every sheet but Control: what the sheet is for on row 1, the headers on row 2
FIRST_DATA_ROW = HEADER_ROW + 1
CONTROL_ACTION_ROW = 17  # Control: the Action dropdown in B and its Run button
CONTROL_STATUS_ROW = 20  # Control: Last run in B, then Last action, Last result, Errors, Warnings, Run took
DASHBOARD_STATUS_CELL = "A3"
DASHBOARD_LIVE_ROW = 5  # the live table's heading; its header row, one row per Lists theme and the totals follow
DASHBOARD_THEME_ROWS = 10  # live rows following the Lists sheet's Themes (the plan's six and four spare)
DASHBOARD_TABLES_ROW = 39  # Refresh dashboard writes its tables from here down, below the charts
# The buttons and the Action dropdown: caption -> function of cseplan_xl.excel.
ACTIONS = {
    "Validate plan": "validate_plan",
    "Refresh dashboard": "refresh_dashboard",
    "Draft newsletter": "draft_newsletter",
}
