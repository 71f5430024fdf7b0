"""What a data folder may hold: every table, column and agreement.yaml key, with its meaning.

The loader checks files against these declarations and docs/data-reference.md is written
from them (data/reference.py), so a column or key cannot be read without being declared
here with the words a new officer needs: what it holds, what it feeds, an example.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | date | int | ni | yesno | one of the vocabularies (load._Vocabularies)
    required: bool = True  # the header must have it
    blank: bool = False  # a row may leave it empty
    about: str = ""  # what it holds and where it shows; the reference prints it


@dataclass(frozen=True)
class Table:
    about: str  # what one row is
    feeds: str  # the documents and commands that show it
    columns: tuple[Column, ...]
    example: tuple[str, ...]  # a header line and a row or two, as the file holds them
    optional: bool = False  # an area may do without the file


def _columns(*specs: tuple[str, str]) -> tuple[Column, ...]:
    """('name:kind', about) required; '?name:kind' optional column; trailing '~' = may be blank."""
    out = []
    for spec, about in specs:
        optional = spec.startswith("?")
        name, kind = spec.lstrip("?").split(":")
        blank = kind.endswith("~")
        if not about:
            raise ValueError(f"column {name} has no description")
        out.append(Column(name, kind.rstrip("~"), not optional, blank or optional, about))
    return tuple(out)


DATE = ("date:date", "the day the row takes effect; a later row for the same thing supersedes it from its own date")
SOURCE = ("source:source", "the paper the row comes from: a `source` of sources.csv")
REASON = ("?reason:text~", "why the value changed (shown by `changes` and the refresh schedule)")

SCHEMA: dict[str, Table] = {
    "sources": Table(
        "one paper the data is transcribed from, or an `illustrative` source for values written to show how the documents work",
        "every row's `source`; a value from an illustrative source is marked '(illustrative)' in every document",
        _columns(
            ("source:text", "a short id other tables cite in their `source` column"),
            ("title:text", "the paper's title, as the refresh schedule's Source column names it"),
            ("date:date", "the paper's date"),
            ("illustrative:yesno", "`yes` for values not taken from a real paper: documents mark them '(illustrative)'"),
        ),
        ("source,title,date,illustrative", "cabinet-2008-04,\"Cabinet, 10 April 2008: the draft agreement\",2008-04-10,no"),
    ),
    "indicators": Table(
        "one change to the agreement's indicators: an indicator added to a set, or removed",
        "the submission, the sign-up matrix, the position table, every report and bulletin",
        _columns(
            DATE,
            ("ni:ni", "the indicator's number in the national indicator set (`agreement.indicator_set`)"),
            ("action:action", "`add` puts the indicator in the agreement from `date`; `remove` takes it out"),
            ("title:text~", "the indicator's title as the submission prints it (needed on an `add` row)"),
            ("set:set~", "the `code` of one of agreement.yaml's `sets` (needed on an `add` row); the first set listed is the negotiated one"),
            ("theme:theme~", "a `code` of agreement.yaml's `themes`; needed for the negotiated (first) set, empty for the others"),
            ("order:int~", "the indicator's position in the submission, any whole numbers (needed on an `add` row)"),
            ("?replaces:ni~", "the NI an added indicator replaces: the submission says '(replaces NI ...)'"),
            REASON,
            SOURCE,
        ),
        ("date,ni,action,title,set,theme,order,replaces,reason,source", "2008-03-06,163,add,Working age population qualified to at least Level 2 or higher,laa,economic-success,1,,,seed-003"),
    ),
    "partners": Table(
        "one partner organisation that may sign up to indicators",
        "the sign-up matrix (one row each), the submission's partner cell, `ka2docs signups`",
        _columns(
            ("partner:text", "the partner's name as every document prints it"),
            ("statutory:yesno", "`yes` for a body the 2007 Act names as a duty-to-cooperate partner: the matrix chases one signed to nothing"),
            DATE,
            SOURCE,
        ),
        ("partner,statutory,date,source", "Jobcentre Plus,yes,2008-05-01,seed-003"),
    ),
    "districts": Table(
        "one district council of a two-tier area, a member of a partner group that signs up on its behalf",
        "the sign-up matrix's Districts sheet, Local Action Plans, a district report's relevance and plan annexes; "
        "an area without districts (a unitary) leaves the file out and no document mentions districts",
        _columns(
            ("district:text", "the district's name, as `local_action_plans.csv`, `relevance.csv` and a report's `district` name it"),
            ("council:text", "the district council's name (the Local Action Plan's author)"),
            ("lsp:text", "the district's Local Strategic Partnership, which owns its Local Action Plan"),
            ("member_of:partner", "the partner of partners.csv that signs up for the districts together"),
            DATE,
            SOURCE,
        ),
        ("district,council,lsp,member_of,date,source", "Ashford,Ashford Borough Council,Ashford Local Strategic Partnership,District Councils (to be named),2008-05-01,seed-003"),
        optional=True,
    ),
    "signups": Table(
        "one partner's sign-up to one indicator, in one role",
        "the submission's partner cell, the sign-up matrix, `ka2docs signups`, `changes`",
        _columns(
            DATE,
            ("ni:ni", "an indicator of indicators.csv, in the agreement on `date`"),
            ("partner:partner", "a partner of partners.csv"),
            ("role:role", "a `code` of agreement.yaml's `roles`; a role with `signed: false` ends an earlier sign-up"),
            ("?detail:text~", "a qualifier printed after the partner's name in brackets (a unit of the partner)"),
            REASON,
            SOURCE,
        ),
        ("date,ni,partner,role,detail,reason,source", "2008-05-01,163,Learning and Skills Council,lead,,,seed-003"),
    ),
    "targets": Table(
        "one baseline or target value of one indicator (or of one measure of a split indicator)",
        "the submission's Baseline, year and Whole period columns, the Local Action Plans, `changes`, the refresh schedule",
        _columns(
            DATE,
            ("ni:ni", "an indicator of indicators.csv"),
            ("measure:text~", "empty, or the part of a split indicator the value is for (e.g. Male, Female)"),
            ("year:year", "`baseline`, one of agreement.yaml's `agreement.years`, or `all` for a target for the whole period"),
            ("value:text~", "the value as the papers write it (text: '67.5%', 'Available by 30 April'); empty withdraws an earlier value"),
            ("?designated:yesno~", "`yes` for a designated (reward grant) target: the submission marks it '*'"),
            REASON,
            SOURCE,
            ("?number:number~", "the figure `value` gives, for the six-monthly monitoring to compare against (e.g. 762 for '762 kg'); empty where the text gives no single figure: the indicator is then 'Not rated'"),
            ("?unit:text~", "the figure's unit where the text writes one (`kg`, `%`); returns ask for 'a number in' it"),
            ("?better:better~", "`higher` or `lower`: which way is an improvement (needed with a number); RAG and direction of travel follow it"),
        ),
        ("date,ni,measure,year,value,designated,reason,source,number,unit,better", "2008-05-01,191,,baseline,860 kg,no,,seed-003,860,kg,lower"),
    ),
    "statuses": Table(
        "one indicator's negotiation status, with the negotiating notes",
        "the position table (section 7 of a county report, `ka2docs status`), the submission's Status column, bulletins, `changes`",
        _columns(
            DATE,
            ("ni:ni", "an indicator of indicators.csv"),
            ("status:status", "a `code` of agreement.yaml's `statuses`"),
            ("?commentary:text~", "the negotiating notes the submission prints under the status"),
            ("?restricted:yesno~", "`yes` keeps the commentary and the reason out of every Part 1 document (a Part 2 copy is written)"),
            REASON,
            SOURCE,
        ),
        ("date,ni,status,commentary,restricted,reason,source", "2008-05-01,163,under-discussion,Awaiting the national guidance.,no,,seed-003"),
    ),
    "events": Table(
        "one key date or deadline",
        "the bulletins' 'Deadlines ahead' (the next three after a bulletin's date)",
        _columns(DATE, ("event:text", "what happens on the day, as the bulletin lists it"), SOURCE),
        ("date,event,source", "2008-05-30,Submission to the Government Office,seed-003"),
        optional=True,
    ),
    "bulletins": Table(
        "one fortnightly bulletin: its number and the day it goes out",
        "bulletins/bulletin-NN (.eml ready to send, .html to paste into a mail client, .docx for print, and its draft submission)",
        _columns(("number:int", "the bulletin's number; later numbers on later dates"), ("date:date", "the day the bulletin speaks for"), SOURCE),
        ("number,date,source", "1,2008-05-02,illustrative-bulletins"),
        optional=True,
    ),
    "bulletin_news": Table(
        "one news item the bulletin's editor writes for one bulletin",
        "the bulletin's 'News' (its items in file order; a headline from an illustrative source is marked '(illustrative)')",
        _columns(
            ("date:date", "the day the item was written: on or before its bulletin's date"),
            ("bulletin:int", "the `number` of the bulletin (bulletins.csv) that carries it"),
            ("headline:text", "the item's headline, printed in bold before its text"),
            ("text:text", "the item in a sentence or two, as the reader sees it"),
            SOURCE,
        ),
        ("date,bulletin,headline,text,source", "2008-05-30,3,The submission goes to GOSE today,\"Kent's final submission template goes to GOSE today.\",seed-003"),
        optional=True,
    ),
    "relevance": Table(
        "how far one indicator relates to one district council's core work",
        "a district report's `relevance` table",
        _columns(
            DATE,
            ("district:district", "a district of districts.csv"),
            ("ni:ni", "an indicator of indicators.csv"),
            ("relevance:relevance", "a `code` of agreement.yaml's `relevance_levels`"),
            ("?note:text~", "why, in a sentence"),
            SOURCE,
        ),
        ("date,district,ni,relevance,note,source", "2008-03-06,Ashford,171,medium,Support for local businesses,illustrative-relevance"),
        optional=True,
    ),
    "officers": Table(
        "one accountable officer: completes the six-monthly monitoring return for the indicators they hold",
        "returns/<period>/<officer>.xlsx (one per officer once a period ends), the monitoring report's returns awaited",
        _columns(
            ("officer:text", "the officer's name; the return goes out as the name in lower case with hyphens (`joanna-webb.xlsx`)"),
            ("organisation:text", "the officer's organisation"),
            ("email:email", "where the return is sent"),
            ("indicators:nis", "the NI numbers the officer reports on, separated by semicolons"),
            DATE,
            SOURCE,
        ),
        ("officer,organisation,email,indicators,date,source", "Joanna Webb,Kent Waste Partnership,joanna.webb@example.org,189; 186; 191; 197,2008-06-30,illustrative-officers"),
        optional=True,
    ),
    "local_action_plans": Table(
        "one indicator a district's Local Strategic Partnership chose for its Local Action Plan",
        "local-action-plans/<district>.docx and a district report's `local_action_plan` annex",
        _columns(
            DATE,
            ("district:district", "a district of districts.csv"),
            ("ni:ni", "an indicator of indicators.csv"),
            ("?local_target:text~", "the district's own target (or fill `no_target_reason`)"),
            ("?no_target_reason:text~", "why the district sets no local target"),
            ("?actions:text~", "local actions, separated by '; '"),
            ("?local_partners:text~", "local partners, separated by '; '"),
            SOURCE,
        ),
        ("date,district,ni,local_target,no_target_reason,actions,local_partners,source", "2008-10-06,Ashford,161,,Data cannot be disaggregated to district level,Signpost residents to courses,Adult Education,illustrative-local-action-plans"),
        optional=True,
    ),
}

TABLES: dict[str, tuple[Column, ...]] = {name: table.columns for name, table in SCHEMA.items()}
OPTIONAL_TABLES = {name for name, table in SCHEMA.items() if table.optional}


# --- agreement.yaml ----------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    about: str
    required: bool = False
    example: str = ""


AGREEMENT_SECTIONS: dict[str, Key] = {
    "agreement": Key("the agreement's names, years, dates and markings (the keys below)", True),
    "sets": Key("the indicator sets, in the order the submission shows them; the FIRST is the negotiated set (its statuses make the position table); the others are blocks such as a statutory education set", True),
    "statuses": Key("the negotiation statuses `statuses.csv` may use, in the order the position table lists them; a status only indicators outside the first set have is left out of the table (that set's own row counts them)", True),
    "roles": Key("the sign-up roles `signups.csv` may use; one must be coded `lead` (every negotiated indicator needs a lead)", True),
    "themes": Key("the themes that group the negotiated set in the submission, with their outcomes", True),
    "relevance_levels": Key("the ratings `relevance.csv` may use; leave out (or `[]`) when no district rates indicators"),
    "reward_grant": Key("the Performance Reward Grant figures a report may quote (`{{ reward.estimate }}`...)"),
    "monitoring": Key("the six-monthly monitoring once the agreement is signed: `report_to`, `also_to`, `source`; `rag` (`amber_tolerance` in per cent of the trajectory point, and the words for `green`, `amber`, `red`); `data_quality` (the grades a return may give); `periods`, each `end`, `label`, `year` (one of `agreement.years`), `deadline` and `returns_source` (the source the returns received for it cite); leave out for an agreement not yet monitored"),
    "contact": Key("who the bulletin comes from and goes to (the keys below): its e-mail's From and To, the contact line and the sign-off"),
}

FACTS: dict[str, Key] = {
    "name": Key("the agreement's name: every document's title starts with it", True, "Kent Agreement 2"),
    "short_name": Key("a short name for prose (`{{ short_name }}`); default: `name`", False, "KA2"),
    "area": Key("the area's name: the submission's subtitle, `{{ area }}` in prose", True, "Kent"),
    "title": Key("the agreement's long title (a note for readers of agreement.yaml; no document prints it)", False, "Kent's Second Local Area Agreement"),
    "responsible_authority": Key("the council responsible for the agreement", True, "Kent County Council"),
    "partnership": Key("the partnership's name (a note for readers; `partnership_office` is what documents print)", False, "Kent Partnership"),
    "partnership_office": Key("who writes the partnership's own papers (bulletins, matrix, submission, schedule): their author; default: `responsible_authority`", False, "Kent Partnership office"),
    "government_office": Key("the Government Office negotiating the agreement, in full: `{{ government_office }}` in prose", False, "Government Office for the South East"),
    "government_office_short": Key("its short name: `{{ government_office_short }}` in prose", True, "GOSE"),
    "period": Key("the agreement's years in short, for prose (`{{ period }}`)", False, "2008-11"),
    "years": Key("the target years, in order: the submission's year columns and `targets.csv` `year`", True, '["08/09", "09/10", "10/11"]'),
    "submission_deadline": Key("the day the submission is due (YYYY-MM-DD): `{{ deadline }}` in prose", True, "2008-05-30"),
    "indicator_set": Key("the national indicator set: `name`, `first` and `last` number (an NI outside them is refused)", True, "{name: National Indicator Set, first: 1, last: 198}"),
    "source": Key("the paper these facts come from (a `source` of sources.csv)", False, "seed-003"),
    "refresh": Key("the annual refresh (the keys below): from `date` on a build writes the refresh schedule", False),
    "markings": Key("the protective marking each classification prints in document headers: `part1` (public papers) and `part2` (exempt); default 'Part 1 - Public' / 'Part 2 - Private'", False, "{part1: Unrestricted, part2: Restricted (Part 2)}"),
}

REFRESH: dict[str, Key] = {
    "label": Key("the refresh's name, for the schedule's title", False, "November/December 2008 refresh"),
    "submitted": Key("the date of the submission the refresh compares with", True, "2008-05-30"),
    "date": Key("the refresh date: the schedule is written from this day on", True, "2008-12-01"),
    "source": Key("the paper that sets the refresh", False, "seed-003"),
}

_CODE = Key("the value data files use (lower case, no spaces)", True)
VOCABULARIES: dict[str, dict[str, Key]] = {
    "sets": {
        "code": Key("the value of indicators.csv `set`; narratives write `{{ sets['CODE'].count }}`", True, "laa"),
        "label": Key("the set's name: its row of the position table (unless `summary`), the relevance table's theme column", True, "'Up to 35' indicators"),
        "limit": Key("the most indicators the set may hold (validate refuses more); only the first set's is read", False, "35"),
        "heading": Key("the heading row of the set's block in the submission; default: `label` in capitals", False, "DCSF STATUTORY INDICATORS"),
        "summary": Key("how the position table words the row of a set after the first; `{count}` is its number of indicators; default: `label`", False, "'{count} Statutory DCSF Targets to be Agreed'"),
        "note": Key("a note said once under the set's heading in a report's submission appendix, in place of a commentary every indicator of the set shares", False, "All indicators under discussion with DCSF"),
    },
    "statuses": {
        "code": Key("the value of statuses.csv `status`; narratives write `{{ counts['CODE'] }}`", True, "agreed"),
        "label": Key("the status's row of the position table", True, "Baseline / Targets agreed with GOSE"),
        "short": Key("the words of the submission's Status column, bulletins and `changes`; default: the code", False, "Agreed with GOSE"),
    },
    "roles": {
        "code": Key("the value of signups.csv `role`; `lead` is required (the lead partner, marked '*')", True, "lead"),
        "label": Key("the role's name in the matrix and `ka2docs signups`", True, "Lead"),
        "heading": Key("the words that open the role's line in the submission's partner cell", False, '"Lead:"'),
        "signed": Key("`false` for a role that is no sign-up: a row with it ends the partner's earlier sign-up from its date (e.g. withdrawn); default true", False, "true"),
    },
    "themes": {
        "code": Key("the value of indicators.csv `theme`", True, "economic-success"),
        "name": Key("the theme's name (or `label`)", True, "Economic Success - Opportunities for All"),
        "label": Key("the theme's name, where `name` is not given", False),
        "heading": Key("the theme's heading row in the submission; default: the name in capitals", False, "ECONOMIC SUCCESS"),
        "outcomes": Key("the theme's outcomes, a list of text", False),
    },
    "relevance_levels": {
        "code": Key("the value of relevance.csv `relevance`", True, "high"),
        "label": Key("the rating's words in a district report's relevance table", True, "Direct - core work of the council"),
    },
}

REWARD: dict[str, Key] = {
    "national_pot": Key("the national reward grant in pounds: `{{ reward.national_pot }}`", False, "340000000"),
    "area_share": Key("the area's usual share of a national figure, as a fraction: `{{ reward.share }}`; `{{ reward.estimate }}` is pot x share", False, "0.02"),
    "share_basis": Key("where the share comes from, in words", False),
    "previous_agreement_total": Key("the reward of the previous agreement in pounds: `{{ reward.previous_total }}`", False, "36000000"),
    "source": Key("the paper the figures come from", False, "seed-003"),
}

CONTACT: dict[str, Key] = {
    "office": Key("the sender's name: the e-mail's From and the bulletin's 'from the ...'; default: `agreement.partnership_office`", False, "Kent Partnership office"),
    "email": Key("the office's e-mail address: the e-mail's From and the contact line", True, "kentpartnership@kent.gov.uk"),
    "phone": Key("the office's telephone, for the contact line", False, "01622 694022"),
    "post": Key("the post that signs the bulletin", False, "Kent Agreement Manager"),
    "name": Key("the name that signs, above the post (leave out to sign with the post only)", False),
    "greeting": Key("the bulletin's opening line", False, "Dear colleagues,"),
    "sign_off": Key("the words before the signature", False, "With best wishes,"),
    "distribution": Key("the distribution list's name: the e-mail's To (as a group the office's mail system expands)", False, "Kent Agreement 2 bulletin distribution list"),
    "distribution_address": Key("the list's own e-mail address, where it has one: the e-mail's To", False),
    "source": Key("the paper the contact details come from", False, "seed-004"),
}

AGREEMENT_KEYS = set(AGREEMENT_SECTIONS)
CONTACT_KEYS = set(CONTACT)
FACT_KEYS = set(FACTS)
REQUIRED_FACTS = {key for key, spec in FACTS.items() if spec.required}
REFRESH_KEYS = set(REFRESH)
REWARD_KEYS = set(REWARD)


# --- reports/*.yaml: one committee report's narrative -------------------------------

REPORT: dict[str, Key] = {
    "template": Key("the Word template under templates/docx/, without `.docx`: `committee-report` (any council), `county-report`, `district-report`", True, "committee-report"),
    "as_at": Key("the date the report's figures and tables speak for: it is built once a build reaches that date, from the data as at then", True, "2008-05-01"),
    "meeting_date": Key("the meeting's date (`{{ meeting_date }}`, `{{ meeting_day }}`)", True, "2008-05-15"),
    "council": Key("the council the report goes to: the header block and the footer", True, "Kent County Council"),
    "meeting": Key("the meeting: the header block and the footer", True, "County Council"),
    "title": Key("the report's title (document properties)", True),
    "classification": Key("`part1` (public) or `part2` (exempt: written under restricted/)", True, "part1"),
    "classification_label": Key("the words in the page header; default: agreement.yaml `markings` for the classification", False, "Unrestricted"),
    "numbering": Key("`headings`: '1. Introduction' headings and unnumbered paragraphs; `paragraphs`: item `item_number`, sections 1.1, paragraphs 1.1.1 (needs `item_number`)", False, "headings"),
    "sections": Key("the body: a list of `heading` and `paragraphs` (text, or `subheading:`, `bullets:`, `numbered:`, `table:` with `caption:` and the table's options beside it); or write `body:`", False),
    "body": Key("instead of `sections`: a Word file beside the YAML holding the body in the house styles (docs/writing-reports.md)", False, "kcc-cabinet-2008-12-15.docx"),
    "recommendations": Key("the recommendations: the last numbered section", False),
    "by": Key("who the report is by, a list (header block)", False),
    "to": Key("who it goes to (header block)", False),
    "subject": Key("its subject (header block, document properties)", False),
    "summary": Key("the summary in the header block", False),
    "decision": Key("the decision line under the header block", False),
    "author": Key("the report's author line (e.g. 'Report of the Chief Executive')", False),
    "decision_type": Key("the kind of decision (e.g. 'Executive Non Key Decisions')", False),
    "item_number": Key("the agenda item number: with `numbering: paragraphs`, sections number from it", False, "1"),
    "item_title": Key("the agenda item's title, printed as the first heading with `numbering: paragraphs`", False),
    "purpose": Key("a purpose paragraph before the first section", False),
    "district": Key("the district the `relevance` and `local_action_plan` tables are for (a district of districts.csv)", False),
    "signature": Key("the signature lines: `name`, `title` and any others", False),
    "contact": Key("the contact: `name`, `phone`, `email`", False),
    "background_documents": Key("the background documents, a list", False),
    "annexes": Key("annexes, each a `title` and a `table`, with the table's options", False),
    "source": Key("the paper the narrative is transcribed from", False),
}
# Tables a paragraph or an annex may name; reports.py builds each from the data.
REPORT_TABLES: dict[str, str] = {
    "position_summary": "the position on target-setting: each status of the negotiated set with its count, the total, then each other set",
    "submission": "the draft submission, one row per indicator, on landscape pages (as the submission workbook)",
    "changes": "what changed between `since` (default: the later of the council's previous report and the submission) and the report's date",
    "refresh": "the refresh schedule: everything that differs from the submission as at the report's date",
    "signups": "one partner's sign-ups by role (`partner:`), or one indicator's partners (`indicator:`)",
    "local_action_plan": "a district's Local Action Plan (`district:`, default the report's district)",
    "relevance": "the report district's relevance ratings (needs `district`)",
}
