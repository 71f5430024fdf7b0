"""Committee reports: the county report (seed 003) and the two Tonbridge & Malling reports (seeds 000, 002).

Each test opens the generated .docx and reads what a member of the council would read.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import DATA, docx_blocks, run_cli
from docx.table import Table
from docx.text.paragraph import Paragraph

COUNTY = "reports/kcc-county-council-2008-05-15.docx"
PANEL = "reports/tmbc-parish-partnership-panel-2008-03-06.docx"
CABINET = "reports/tmbc-cabinet-2008-11-19.docx"
COUNTY_YAML = "kcc-county-council-2008-05-15.yaml"
CABINET_DATE = "2008-11-19"


# --- reading a generated report ---------------------------------------------------


blocks = functools.lru_cache(maxsize=16)(docx_blocks)  # built files are read-only; parse each once


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def headings(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, norm(p.text)) for p in blocks(path) if isinstance(p, Paragraph) and p.style.name.startswith("Heading")]


def appendix_tables(path: Path) -> list[Table]:
    body = blocks(path)
    start = next(n for n, b in enumerate(body) if isinstance(b, Paragraph) and b.text.startswith("Appendix"))
    return [b for b in body[start:] if isinstance(b, Table)]


@functools.lru_cache(maxsize=8)
def appendix(path: Path) -> dict[int, list[str]]:
    """The Appendix's rows by NI number."""
    return {int(row[0].split()[1]): row for table in appendix_tables(path) for row in table_rows(table)[1:]}


def appendix_row(path: Path, ni: int) -> list[str]:
    rows = appendix(path)
    assert ni in rows, f"NI {ni} is not in the appendix"
    return rows[ni]


def position_table(path: Path) -> list[list[str]]:
    table = next(b for b in blocks(path) if isinstance(b, Table))
    return [[norm(c) for c in row] for row in table_rows(table)]


def section_text(path: Path, number: int) -> str:
    """The paragraphs of county section N (tables left out), from its heading to the next Heading 1."""
    body = blocks(path)
    start = next(n for n, b in enumerate(body) if isinstance(b, Paragraph) and b.style.name == "Heading 1" and b.text.startswith(f"{number}. "))
    texts = []
    for b in body[start + 1:]:
        if isinstance(b, Paragraph) and b.style.name == "Heading 1":
            break
        if isinstance(b, Paragraph) and b.text.strip():
            texts.append(b.text)
    return norm(" ".join(texts))


# --- fidelity with seed 003 ---------------------------------------------------------

# Seed 003 as the extraction gives it, lines 1-189: the header block, sections 1-14, the
# signature and the background documents (the Appendix follows in the seed).
SEED_003 = r"""
By:	Paul Carter: Leader Peter Gilroy: Chief Executive			
То:	County Council - 15 May			
Subject:	Kent's Second Local Area Agreement: Kent Agreement 2			
Classification:	Unrestricted			
Summary:	The attached report informs Members of the latest position in the development of Kent's second Local Area Agreement. It recommends that County Council delegates the sign-off of the LAA submission to the Chief Executive, in consultation with the Leader of the Council and Group Leaders.			
FOR DECISION				

# 1. Introduction

A presentation and report on Kent Agreement 2 (KA2) was made at County Council on 18 October 2007. It explained that Local Area Agreements (LAA) are agreements between central government and local authorities and their partners to improve services and improve the quality of life in a place. As such LAAs are the shorter term three year delivery mechanism for the broader and longer term Local Strategic Partnership's Sustainable Community Strategy, which for Kent is the *Vision for Kent*.

As was the case for LPSA 1 (2001-2004) and Kent Agreement 1 (2005-2008), Kent has been in the vanguard of the national LAA process.

Overseen by the Kent Public Service Board, the detailed development of the KA2 has been driven forward by the Kent Partnership Team. The Kent Partnership Team has been assisted in this task by the existing Kent Partnership Support Group with officers representing a very broad range of partners comprising the Kent Partnership.

This report informs Members of the latest position in the development and negotiation of KA2 and sets out the final steps before Kent sends its KA2 submission to Government via the Government Office for the South East (GOSE) on 30 May. The Appendix to this report shows the current state of progress as at 01 May.

# 2. KCC Role

KCC has two principal roles in developing the KA2.

Firstly, as one of the partners within the Kent Partnership it has, alongside all other partners, to contribute to the process of identifying the priorities for Kent and then offering to be the lead agency or supporting partner for each indicator, as appropriate.

Secondly, as the upper tier authority within Kent, KCC has a specific role as 'Responsible Local Authority' and 'Accountable Body' for preparing and submitting a draft LAA for the Kent area, for ensuring that robust performance and financial arrangements are in place and for ensuring any pooled funds within the agreement are spent within the terms and conditions set out in the Grant Determination.

## 3. Development of KA2

Kent Agreement 2 has been developed in line with the requirements set out in Operational Guidance, the associated definitions of the National Indicator Set and other related publications. Its development has had two principal stages; firstly the identification and agreement of the 'up to 35' indicators to support local priorities that should form KA2 and, secondly negotiation and agreement of baselines and targets for each of the 'up to 35' indicators. It should be mentioned that in addition to the 'up to 35' there are also 16 statutory education and early years indicators required by the Department of Children, Schools and Families.

## 4. Partner Engagement

The development of KA2 started in January 2007. The ongoing development since October has been a massive and delicate undertaking involving over 200 officers in about 40 key partners. The main mechanism to keep all stakeholders informed of developments has been the fortnightly 'Kent Agreement 2 bulletins'. Partners who have volunteered themselves as 'lead partner' for specific indicators have nominated an 'accountable/facilitation officer' to lead on the development of KA2. This group of about 30 key staff have met monthly as 'Kent's Negotiating Team'. Additional work has been undertaken in all of the working groups of the Kent Partnership and in a variety of other informal partnerships such as the Environmental Excellence Group, the Kent Planning Officers Group, the Kent Community Safety Managers Group and the Clean Kent Delivery Group.

## 5. KCC Member Engagement

An outcome of the discussion at the October County Council meeting was the formation of an 'Informal Member Panel' to make recommendations to Cabinet on the development of KA2. The Panel comprising Nick Chard (Chair), Ian Chittenden, Godfrey Horne, John Law and Ray Parker, has met three times to consider progress on KA2. At their most recent meeting on 23 April they received a report with the latest submission template. The Panel advised on the KCC sign off process and structure of this report.

All KCC Members have been copied into each of the 'Kent Agreement 2 bulletins', which have included all drafts of the submission template, as part of the weekly Member information bulletin compiled and distributed by the Information Point.

## 6. Negotiation of the Indicators within Kent Agreement 2

The response to the widespread consultation exercise which took place among partners in early summer 2007 formed part of the County Council report to Members in October. This report emphasised the links to the eight themes within the *Vision for Kent*.

Since October Government has published the 'National Indicator Set for Local Authorities'. This is a set of 198 indicators that Government will use to monitor the performance of local authorities and local partnerships. Its publication, albeit in phases and still incomplete with thirteen indicators delayed until 2009/10, has allowed partners in Kent to select which of the indicators it wishes to see form part of our 'up to 35' package. This selection has been based on a careful analysis including how indicators support the priorities that emerged for the partner consultation exercise, views of delivery partners, existing performance levels and scope for improvement, and the views of Government Departments expressed through GOSE. Also of critical importance has been to bring together a set of indicators that are a coherent package, that add value to each other such that the total package is greater than the sum of individual indicators.

Kent was required by January 15<sup>th</sup> to send GOSE 'a list of our draft priorities and where possible any indicators that may have been identified'. Such was the progress across Kent that we were able to exceed this minimum requirement by submitting a list of our priority areas with our preferred indicator[s] for each priority. In a few cases we indicated an 'either or' preference while further analysis and discussion took place.

Since the end of January there has been continual discussion with GOSE on this list of indicators. During February some refinements were made in response to further data sets becoming available, views being expressed by delivery partners or from challenge by GOSE to include a particular indicator where they have been able to support this through robust argument. Since March Kent's set of 35 indicators has remained stable, other than for one late switch made by Kent partners.

At all times the development of the package of indicators has been overseen by the Kent Public Service Board, supported by the working groups of the Kent Partnership.

## 7. Negotiation of the Targets within KA2

Since the beginning of April the primary focus has turned towards negotiating targets within KA2 for each of the 35 indicators. This has proven to be much more problematic. This is due to a variety of reasons including the late publication by Government of definitions for many of the indicators, the lack of available baseline information, the lack of historical performance information upon which to base a trajectory and, occasionally, the slow response of Government to Kent's initial target proposal. In particular a number of indicators will be based upon the 'Place Survey' or other surveys that have yet to be conducted.

The detailed position for each indicator is shown in the appendix. An overview of the position is shown in the table below.

	Baseline
Baseline / Targets agreed between Kent partners	2
and agreed with GOSE	
Baseline / Targets agreed between Kent partners,	23
still under discussion with GOSE, with expectation	
that agreement will be reached by 30 May	
Unlikely to be agreed until after 30/05/08	10
Total	35
16 Statutory DCSF Targets to be Agreed	(16)

#### KENT AGREEMENT 2: POSITION ON TARGET-SETTING Summary as at 01/05/08

It can be seen that, with the deadline of 30 May approaching, the final position on many targets still needs to be agreed. It is anticipated that the pace will quicken and many targets will be concluded in the final two to three weeks.

There will, however, remain a number of baselines and targets, such as those reliant upon the Place Survey, that will not be possible to agree before 30 May. These will be agreed when the results are published and there is the opportunity to include them in the KA2 at the time of the first 'refresh' of KA2 between Kent and GOSE in November / December 2008.

## 8. Submitting KA2 to GOSE

Kent needs to submit its final submission template showing baselines, targets and partner sign-up to GOSE by 30 May. Following that date, Ministers will give approval to KA2 before the end of June. The formal responsibility for submitting the LAA rests with KCC as the 'responsible local authority'.

Communities and Local Government wrote to all 'responsible local authorities' in March directing them to prepare and submit LAAs. An extract from the 'Letter of Direction' is as follows:

- I am writing to confirm that the Secretary of State has now made a direction, which includes your authority, requiring your authority to prepare and submit a draft local area agreement on or before 30 May. The direction is made under section 106 of the Local Government & Public Involvement in Health Act 2007 and is attached at Annex A.
- In legal terms, this means they will become functions which may be (but need not be) the responsibility of the executive. Therefore your full council will need to decide before the draft LAA is submitted, whether it will wish to formally adopt the draft LAA or is content to delegate the above mentioned functions to the executive. Those Regulations were made on 26 February, laid on 3 March and the LAA provisions will come into force on 31 March 2008.

This means that before we send Kent's submission to GOSE on 30 May, KCC is required to adopt the LAA or delegate the submission of the LAA to the executive.

The previous section of this report looking at the negotiation of the targets described how a lot of the final negotiations are likely to be completed in the final two to three weeks prior to 30 May. There will inevitably be a number of additions to the submission as it is presently shown in the Appendix. Further baselines will be agreed making it possible to set further targets. There may also be some changes in target levels offered by Kent partners, for example, as the contribution of Kent partners becomes clear or we are challenged by GOSE to offer more. Therefore it is not feasible to bring to County Council today a final version of KA2 to formally adopt.

Instead it is recommended that County Council delegates the sign off of the LAA submission to the Chief Executive, in consultation with the Leader of the Council and Group Leaders.

## 9. Partner Sign-Up to Kent Agreement 2

The submission template requires partners in Kent to state whether they 'signup' to each of the targets in KA2. Clearly the more partners that 'sign-up' to KA2 the stronger it will be and the chances of securing delivery will be maximised. It will also reflect well on the individual partners who 'sign-up', particularly those that will be subject to the forthcoming Comprehensive Area Assessment as it will be good evidence of partnership engagement.

There are three categories of partners: Lead Partner, Statutory Partner and Non Statutory Partner.

Each indicator requires at least one partner to act as 'lead'.

The distinction between Statutory and Non Statutory Partners is whether they are named in the Local Government and Involvement in Public Health Act 2007. The significance of this distinction is that statutory partners have a 'duty to cooperate' in the development of a LAA and when a statutory partner 'signs up' to a target they have a 'duty to have regard' to it in their own business planning and performance managing processes.

The named partners are: Arts Council, Broads Authority, Chief Officer of Police, District Authorities, English Heritage, Environment Agency, Fire and rescue Authorities, Health and Safety Executive, Highways Agency, Jobcentre Plus, Joint Waste Authorities, Joint Waste Disposal Authorities, Learning and Skills Council in England, Local Probation Boards, Metropolitan Passenger Transport Authorities, Museums Libraries and Archives Council, National Park Authorities, Natural England, NHS Foundation Trusts, NHS Health Trusts, Police authorities, Primary Care Trusts, Probation Trusts and other providers of probation services, Regional Development Agencies, Sport England, Transport for London, Youth Offending Teams,

Other, non statutory partners such as informal partnerships, professional groupings, voluntary and community groups, business sector groups, individual sponsors, faith organisations are encouraged to sign up to the whole agreement or to specific targets. The 'duty to cooperate' and 'duty to have regard' does not apply to non statutory partners.

At the time of writing, many statutory partners, including both West Kent Primary Care Trust and East Kent and Coastal Primary Care Trust and most District Councils have taken the pragmatic view that they will sign-up to all 35 indicators and reflect those that they will make a particular delivery contribution to through the delivery plan process. The view of these partners is that they wish to see progress in every indicator, whether or not they have a direct delivery contribution.

## 10. Planning for Delivery of KA2

All of the work on identifying priorities, selecting indicators, negotiating targets and partners signing up to targets must be underpinned be effective plans for delivery to ensure that the improvement in services that is at the heart of KA2 is achieved.

Kent partners, who have worked together to deliver Kent Agreement 1 (KA1), have a good base of experience upon which to build. Partners are reflecting upon the lessons learnt in KA1 as we develop our approach to delivery planning for KA2. Two sets of delivery plans will be prepared, firstly a countywide delivery plan for each of the 35 indicators and secondly a Local Strategic Partnership based Local Action Plan.

#### Countywide Delivery Plans

Lead partners for outcomes in Kent Agreement 1 (April 05 – March 08) prepared robust countywide delivery plans for each outcome. A similar approach is required for KA2. These will be led by the facilitating officer nominated by the lead partner. They will be developed in conjunction with other delivery partners.

#### LSP based Local Action Plan

District based LSPs comprise a number of individual statutory partners, many who have 'signed-up' to some or all targets. The preparation of local action plans across all LSPs in Kent is new and is very much welcomed. Developed by LSPs, these local action plans will allow each LSP to decide which KA2 targets they will support the delivery. Each LSP will make an assessment, within its local context, on what is most important and which targets offer the greatest scope for improvement.

The development of countywide indicator level delivery plans and LSP based local action plans must be taken forward iteratively as part of the same process. They both need to be developed with full awareness of each other with frequent 'touching of base'. This will ensure that each countywide delivery plan is developed in the knowledge that there is sufficient engagement of local partners and it will enable local action plans to be prepared knowing how those plans can support the individual countywide indicator delivery plans.

A pre-requisite to developing Local Action Plans across LSPs is the use of a consistent data set. Countywide level data, wherever possible, is being disaggregated to district level and below to support this process. This will allow LSPs to benchmark their comparative performance allowing them to form a judgement over where they are able to make the greatest contribution to countywide indicators. This will be undertaken through the Kent Partnership office.

### 11. Performance Managing Kent Agreement 2

The performance management of KA2 will have a number of inter-locking components. The principal performance management arrangements will focus upon managing the delivery of the countywide targets. The components are described below.

#### The Kent Partnership:

It is proposed that the same arrangements used throughout Kent Agreement 1 (KA 1) should be maintained for the period of KA 2. The process will be based upon a six-monthly reporting process involving a data collection and text update for each indicator, completed by the Accountable Officer for each outcome (or their nominated representative). Experience shows that initial drafts of the report will be ready approximately six weeks after the end of each reporting period. These reports will continue to be co-ordinated by the Kent Partnership Office, under the leadership of the Kent Agreement Manager.

The reports will be received by the Kent Public Service Board for consideration and comment and the relevant sections considered and the implications for performance acted upon by the relevant Kent Partnership Working Group[s]. Activity undertaken to boost, or maintain, performance will be led by a Steering Group for each outcome, under the direction of the Accountable Officer.

A conscious decision had been taken at the start of the Kent Agreement 1 period that only one main, centrally prepared report would be produced and that no updates would be expected between the six monthly monitoring points. This was to ensure that there would be no confusion about the status of performance at any time and, just as importantly, Accountable Officers and those working to bring the targets to successful conclusions would be continually distracted from delivery operations by being asked to produce "interim updates". It is proposed that this arrangement should continue.

The existence of only one main reporting system also has the benefit that the same report can be used by all partner organisations for their internal reporting processes.

#### Kent County Council

Within Kent County Council, the monitoring position throughout KA 1 was made available to the Leader and Cabinet Members on a regular basis. It was also the practice that Portfolio Holders and Lead members kept in touch with performance in the various directorates through Managing Directors and key officers tasked with leading on individual indicators. Again, it is proposed that this should continue, matching, as it does, with the normal procedure of monitoring progress against business plans.

*Government Office for the South East (GOSE)* The government office will track progress towards delivery of the targets in the LAA.

Each November / December there will be an annual review of KA2 by the government office which should be proportionate and tailored to the evidence and track record of delivery. If there appears to be significant slippage it will initiate discussion to understand the problems and what is being done to get back on track.

The first of these annual reviews meetings will take place less than six months after the agreement has been signed. It seems likely that the December 2008 review will, mainly, be an opportunity to include baselines and targets that were unavailable by 30 May, together with discussion of early progress on those indicators and targets that have been set by June.

#### Lead Agencies and Accountable Officers

For each countywide indicator there is a designated countywide lead partner and a nominated accountable officer responsible for the successful delivery of the target. This will include the preparation of an effective delivery plan, engaging other delivery partners and preparation of monitoring reports. They will be responsible, in conjunction with the delivery partners who have signed up to support delivery, for the successful delivery of the target. If performance is not on track they should between them take the necessary first line corrective actions. If necessary they should involve the relevant Working Group of the Kent Partnership.

#### Kent Partnership Support Group

Collectively the Accountable Officers for all of the indicators in KA2 will form the Kent Partnership Support Group. This will meet approximately quarterly and give an opportunity to monitor the overall progress of KA2, identify similar problems occurring in different areas, learn from different approaches being taken and exchange best practice.

#### LSP Performance Management of Local Action Plans

It is envisaged that LSPs will monitor performance of partners at district level, delivering against the local targets, based on regular reports using the data described above. This will allow them to oversee a performance management process relating to their own local position. The LSPs would, in this way, reflect the role of the Kent Partnership at countywide level. KCC representatives on LSPs will wish to engage with this process as appropriate. It may be that there is an opportunity here for individual elected members to be involved in the process in their own locality.

# 12. Performance Reward Grant for Kent Agreement 2

An announcement has been made that the national pot for performance reward grant for this new round of LAAs has been set at £340m. This is a reduction from the national pot of £1.2bn available for the reward grant available for the first round of LAAs.

There is still no detailed model on how reward will be calculated. This is likely to be subject to a consultation paper over the summer period. However it does seem likely that, rather than an allocation of reward per indicator, an assessment will be made on the overall level of achievement of the whole agreement.

Using the usual "rule of thumb" that Kent tends to receive approximately 2% of any national figure, this would suggest a Kent PRG of between  $\pounds 6m - \pounds 8m$ . In comparison, the total possible reward for Kent Agreement 1 is  $\pounds 36m$ .

## 13. Conclusion

Since the last report to County Council there has been an enormous amount of energy and activity across a huge range of partners deployed into the development of the Kent Agreement 2. It is reassuring that this has been, overwhelmingly, a positive and collaborative experience that has helped strengthen old partnerships and develop new ones.

It would be appropriate to give a strong message to all the agencies and officers involved in its development by supporting the package of indicators in the Kent Agreement 2, motivating them to turn their focus and energies into delivering improved services for the residents of Kent.

## 14. Recommendations

- 1. To NOTE progress on the continued development of Kent Agreement 2;
- 2. To AGREE that delegation for sign off of the Kent Agreement 2 submission is given to the Chief Executive , in consultation with the Leader of the Council and Group Leaders;
- 3. [OPTIONAL To thank all the staff of the County Council and other partner agencies for their work in the development of Kent Agreement 2]

Peter Gilroy Chief Executive 01622 694000 peter.gilroy@kent.gov.uk

# Background Documents:

1. Report to County Council 18 October 2007

2. Development of the new LAA framework (operational guidance): CLG November 2007

3. Creating Strong, Safe and Prosperous Communities Statutory Guidance: Draft for Consultation: CLG November 2007

4. National Indicators for Local Authorities and Local Authority Partnerships: Handbook of Definitions
"""

# Where the generated report is allowed to differ from the seed's words, and why.
DEVIATIONS = [
    # (section, seed text, generated text, reason)
    # The seed's drafting note is decided in the narrative: the recommendation is included, without brackets.
    (14, "[OPTIONAL To thank", "To thank", "the drafting note is a decision in the data"),
    (14, "Kent Agreement 2]", "Kent Agreement 2", "the drafting note is a decision in the data"),
]


def seed_sections() -> dict:
    """{'header': text, 1: text, ..., 14: text, 'background': text}, with the extraction's markup removed."""
    lines = SEED_003.strip("\n").split("\n")
    sections: dict = {"header": []}
    current = "header"
    table = False
    for line in lines:
        if re.match(r"^\tBaseline$", line):  # the section 7 table: compared cell by cell elsewhere
            table = True
            continue
        if table:
            if line.startswith("####"):
                table = False
            else:
                continue
        heading = re.match(r"^#+ (\d+)\. (.*)$", line)
        if heading:
            current = int(heading.group(1))
            sections[current] = []
            continue
        if line.startswith("# Background Documents:"):
            current = "background"
            sections[current] = []
            continue
        sections[current].append(line)
    out = {}
    for key, body in sections.items():
        text = "\n".join(body)
        text = re.sub(r"^#+ ", "", text, flags=re.MULTILINE)  # sub-headings
        text = re.sub(r"^- ", "", text, flags=re.MULTILINE)  # list markers
        text = text.replace("<sup>th</sup>", "th").replace("*", "")
        text = re.sub(r"\$?\\pounds\s*", "£", text).replace("$ .", ".").replace("$", "")  # the extraction's LaTeX for £
        text = text.replace("То:", "To:")  # Cyrillic 'То' in the extraction
        out[key] = norm(text)
    return out


@pytest.fixture(scope="module")
def county(may_build) -> Path:
    return may_build / COUNTY


def test_county_report_reads_as_the_seed_section_by_section(county):
    seed = seed_sections()
    for section in range(1, 15):
        expected = seed[section]
        for number, old, new, _ in DEVIATIONS:
            if number == section:
                assert old in expected, (section, old)
                expected = expected.replace(old, new)
        assert section_text(county, section) == expected, f"section {section} differs from seed 003"


def test_county_headings_are_the_seeds_numbered_headings_in_heading_1(county):
    seed_titles = re.findall(r"^#+ (\d+\. .*)$", SEED_003, flags=re.MULTILINE)
    generated = [text for style, text in headings(county) if style == "Heading 1" and re.match(r"\d+\. ", text)]
    assert generated == [norm(t) for t in seed_titles]
    subheadings = [text for style, text in headings(county) if style == "Heading 2"]
    for title in ("Countywide Delivery Plans", "LSP based Local Action Plan", "The Kent Partnership:", "Government Office for the South East (GOSE)"):
        assert title in subheadings


def test_county_header_block_signature_and_background_documents(county):
    seed = seed_sections()
    body = blocks(county)
    first_heading = next(n for n, b in enumerate(body) if isinstance(b, Paragraph) and b.style.name == "Heading 1")
    header = norm(" ".join(b.text for b in body[:first_heading] if isinstance(b, Paragraph)))
    assert header == seed["header"]
    assert "Peter Gilroy Chief Executive 01622 694000 peter.gilroy@kent.gov.uk" in section_text(county, 14)
    start = next(n for n, b in enumerate(body) if isinstance(b, Paragraph) and b.text == "Background Documents:")
    end = next(n for n, b in enumerate(body) if isinstance(b, Paragraph) and b.text.startswith("Appendix"))
    background = norm(" ".join(b.text for b in body[start + 1:end] if isinstance(b, Paragraph)))
    assert background == seed["background"]


def test_recommendations_keep_the_seed_words_with_bold_decision_words(county):
    text = section_text(county, 14)
    assert "1. To NOTE progress on the continued development of Kent Agreement 2;" in text
    assert "2. To AGREE that delegation for sign off of the Kent Agreement 2 submission is given to the Chief Executive" in text
    # the seed's drafting note "[OPTIONAL ...]" is decided in the narrative: included, no brackets
    assert "3. To thank all the staff of the County Council" in text and "OPTIONAL" not in text and "[" not in text
    bold = {run.text for b in blocks(county) if isinstance(b, Paragraph) for run in b.runs if run.bold}
    assert {"NOTE", "AGREE"} <= bold
    plain = [run for b in blocks(county) if isinstance(b, Paragraph) and b.text.startswith("1.\tTo") for run in b.runs]
    assert next(r.text for r in plain if not r.bold).startswith("1.\tTo ")


def test_position_table_as_at_1_may_2008(county):
    rows = position_table(county)
    assert rows[1:] == [
        ["Baseline / Targets agreed between Kent partners and agreed with GOSE", "2"],
        ["Baseline / Targets agreed between Kent partners, still under discussion with GOSE, with expectation that agreement will be reached by 30 May", "23"],
        ["Unlikely to be agreed until after 30/05/08", "10"],
        ["Total", "35"],
        ["16 Statutory DCSF Targets to be Agreed", "(16)"],
    ]
    captions = [b.text for b in blocks(county) if isinstance(b, Paragraph) and b.style.name == "Caption"]
    assert "KENT AGREEMENT 2: POSITION ON TARGET-SETTING Summary as at 01/05/08" in captions


def test_prose_figures_come_from_the_data(county):
    assert "there are also 16 statutory education and early years indicators" in section_text(county, 3)
    assert "they will sign-up to all 35 indicators" in section_text(county, 9)
    assert "set at £340m" in section_text(county, 12)
    # the seed's own range (agreement.yaml reward_grant.estimate_range), not a computed figure
    assert "approximately 2% of any national figure, this would suggest a Kent PRG of between £6m - £8m" in section_text(county, 12)


def test_appendix_named_rows(county, may_build):
    ni191 = appendix_row(county, 191)
    assert ni191[0] == "NI 191 Residual household waste per household"
    assert ni191[1:5] == ["860 kg", "762 kg", "733kg", "704 kg"]
    # the partner as the seed writes it, never doubled
    assert ni191[6].startswith("Lead: Statutory Agencies comprising Kent Waste Partnership (Kent County Council and District Councils)*\n")
    assert "Agreed with GOSE" in ni191[7]
    ni155 = appendix_row(county, 155)
    assert ni155[1:5] == ["0", "+1356", "+1503 = 2859", "+1425 = 4284"]
    ni120 = appendix_row(county, 120)
    assert ni120[1].split("\n") == ["Male: 656", "Female: 491", "All persons: 565"]
    headings_in_appendix = [text for style, text in headings(county) if style == "Heading 2" and text.isupper()]
    assert headings_in_appendix[0] == "ECONOMIC SUCCESS" and headings_in_appendix[-1] == "DCSF STATUTORY INDICATORS"
    # the DCSF block is last, with the seed's shared note said once under its heading
    last = appendix_tables(county)[-1]
    assert [r[0].split(" ")[1] for r in table_rows(last)[1:]][:3] == ["92", "72", "73"]
    assert "All following Indicators under discussion with DCSF as part of the annual target setting process" in [b.text for b in blocks(county) if isinstance(b, Paragraph)]


def test_appendix_and_submission_spreadsheet_never_drift(county, may_build):
    sheet = openpyxl.load_workbook(may_build / "submission.xlsx").active
    header = [c.value for c in sheet[4]]
    column = {name: header.index(name) for name in ("Indicator (NI number and title)", "Baseline", "Partners signed up (lead partner/s shown with a *)") if name in header}
    indicator_col = column["Indicator (NI number and title)"]
    baseline_col = column["Baseline"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    checked = 0
    for row in rows:
        text = row[indicator_col]
        if not text or not str(text).startswith("NI ") or row[1]:  # split measures are checked above
            continue
        ni = int(str(text).split()[1])
        generated = appendix_row(county, ni)
        assert generated[0] == text
        if len(generated) == 2:  # the compact DCSF block: indicator and partners, no figures to show
            assert row[baseline_col] is None
            checked += 1
            continue
        assert generated[1] == ("" if row[baseline_col] is None else str(row[baseline_col]))
        checked += 1
    assert checked >= 45


def test_page_header_shows_the_classification(county, may_build, build_at):
    for section in docx.Document(county).sections:
        assert "Unrestricted" in section.header.paragraphs[0].text
    assert len(docx.Document(county).sections) == 2  # the Appendix is a landscape section
    landscape = docx.Document(county).sections[-1]
    assert landscape.page_width > landscape.page_height
    for path in (may_build / PANEL, build_at(CABINET_DATE) / CABINET):
        header = docx.Document(path).sections[0].header.paragraphs[0].text
        assert "Part 1" in header


def test_manifest_lists_the_committee_reports(may_build, build_at):
    entries = {d["path"]: d for d in json.loads((may_build / "manifest.json").read_text())["documents"]}
    for path in (COUNTY, PANEL):
        assert entries[path]["kind"] == "committee-report" and entries[path]["format"] == "docx"
    assert CABINET not in entries  # a snapshot is built once its own date has come
    later = {d["path"] for d in json.loads((build_at(CABINET_DATE) / "manifest.json").read_text())["documents"]}
    assert {COUNTY, PANEL, CABINET} <= later


# --- the district reports -----------------------------------------------------------


def test_parish_panel_report_numbering_and_annex(may_build):
    path = may_build / PANEL
    found = headings(path)
    assert ("Heading 1", "1 KENT AGREEMENT 2") in found
    assert [t for s, t in found if s == "Heading 2"] == ["1.1 Background", "1.2 What is the 'Kent Agreement'?", "1.3 Progress to Date", "1.4 Benefits of the Kent Agreement"]
    paragraphs = [norm(b.text) for b in blocks(path) if isinstance(b, Paragraph)]
    assert "Report of the Chief Executive" in paragraphs and "Matters for Information" in paragraphs
    assert any(p.startswith("1.2.2 ") and "up to 35 key indicators (from the national list of 198)" in p and "A further 15 statutory indicators" in p for p in paragraphs)
    assert any(p.startswith("1.3.1 ") and "the 35 indicators have been selected" in p for p in paragraphs)
    assert "Background papers: contact: Mark Raymond" in paragraphs and "David Hughes Chief Executive" in paragraphs
    table = [b for b in blocks(path) if isinstance(b, Table)][-1]
    rows = table_rows(table)
    assert rows[0] == ["Indicator", "Theme", "Relevance", "Note"]
    assert len(rows) == 1 + 35
    nis = [r[0].split()[1] for r in rows[1:]]
    assert "170" in nis and "159" not in nis  # as at 6 March 2008, before the late switch
    waste = next(r for r in rows if r[0].startswith("NI 191 "))
    assert waste[2] == "Direct - core work of the council (illustrative)"
    assert waste[3].endswith("(illustrative)")
    assert any("Illustrative" in p for p in paragraphs)


def test_cabinet_report_carries_the_local_action_plan_as_annex_1(build_at):
    out = build_at(CABINET_DATE)
    path = out / CABINET
    found = headings(path)
    assert ("Heading 1", "1 KENT AGREEMENT – LOCAL ACTION PLAN FOR TONBRIDGE AND MALLING") in found
    assert [t for s, t in found if s == "Heading 2"][:6] == [
        "1.1 Background", "1.2 The Local Action Plan", "1.3 Legal Implications",
        "1.4 Financial and Value for Money Considerations", "1.5 Risk Assessment", "1.6 Recommendations",
    ]
    recommendation = next(b for b in blocks(path) if isinstance(b, Paragraph) and b.text.startswith("1.6.1"))
    assert {r.text for r in recommendation.runs if r.bold} == {"BE APPROVED", "BE COMMENDED"}
    assert "Executive Non Key Decisions" in [b.text for b in blocks(path) if isinstance(b, Paragraph)]
    # Annex 1 is the very plan the Local Action Plan document shows, table for table
    annex = [table_rows(b) for b in blocks(path) if isinstance(b, Table)]
    plan = [table_rows(b) for b in blocks(out / "local-action-plans" / "tonbridge-and-malling.docx") if isinstance(b, Table)]
    assert annex and annex == plan
    assert ("Heading 1", "Annex 1 - Draft Kent Agreement Local Action Plan for Tonbridge and Malling") in found


# --- the data drives the words and the tables together -------------------------------


def _edit_csv(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


COUNT_SENTENCE = "      - \"Of the {{ total }}: {{ counts.agreed }} agreed, {{ counts['under-discussion'] }} under discussion.\"\n"


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory):
    """One data copy built as at 1 May 2008 before and after a status change (and other edits)."""
    root = tmp_path_factory.mktemp("reports-data")
    data = root / "data"
    shutil.copytree(DATA, data)
    narrative = data / "reports" / COUNTY_YAML
    text = narrative.read_text(encoding="utf-8")
    anchor = "      - table: position_summary\n"
    narrative.write_text(text.replace(anchor, COUNT_SENTENCE + anchor), encoding="utf-8")
    before = root / "before"
    result = run_cli("build", "--data", str(data), "--as-at", "2008-05-01", "--out", str(before))
    assert result.returncode == 0, result.stderr

    def status(rows):
        for row in rows:
            if row["ni"] == "47" and row["date"] == "2008-05-01":
                row["status"] = "agreed"
            if row["ni"] == "191":
                row["restricted"], row["commentary"] = "yes", "NEGOTIATING NOTE not for the public"
        return rows

    _edit_csv(data / "statuses.csv", status)
    _edit_csv(data / "indicators.csv", lambda rows: [r for r in rows if r["ni"] != "101"])
    _edit_csv(data / "statuses.csv", lambda rows: [r for r in rows if r["ni"] != "101"])
    _edit_csv(data / "partners.csv", lambda rows: [*rows, {**rows[0], "partner": "Smith & Sons <Kent>", "statutory": "no"}])
    _edit_csv(data / "signups.csv", lambda rows: [*rows, {**rows[0], "ni": "191", "partner": "Smith & Sons <Kent>", "role": "non-statutory", "detail": ""}])
    text = narrative.read_text(encoding="utf-8").replace('subject: "Kent\'s Second', 'subject: "Smith & Sons <Kent>: Kent\'s Second')
    narrative.write_text(text, encoding="utf-8")
    secret = text.replace("classification: part1", "classification: part2").replace("classification_label: Unrestricted", "classification_label: Part 2 - Exempt")
    (data / "reports" / "kcc-county-council-2008-05-15-part2.yaml").write_text(secret, encoding="utf-8")
    after = root / "after"
    result = run_cli("build", "--data", str(data), "--as-at", "2008-05-01", "--out", str(after))
    assert result.returncode == 0, result.stderr
    return before, after


def test_a_status_change_moves_the_prose_and_the_table_together(before_and_after):
    before, after = before_and_after
    assert "Of the 35: 2 agreed, 23 under discussion." in section_text(before / COUNTY, 7)
    assert [r[1] for r in position_table(before / COUNTY)[1:4]] == ["2", "23", "10"]
    assert "Of the 35: 3 agreed, 22 under discussion." in section_text(after / COUNTY, 7)
    assert [r[1] for r in position_table(after / COUNTY)[1:4]] == ["3", "22", "10"]
    assert "Agreed with GOSE" in appendix_row(after / COUNTY, 47)[7]


def test_a_dcsf_indicator_removed_changes_section_3_and_the_table(before_and_after):
    _, after = before_and_after
    assert "there are also 15 statutory education and early years indicators" in section_text(after / COUNTY, 3)
    assert position_table(after / COUNTY)[-1] == ["15 Statutory DCSF Targets to be Agreed", "(15)"]


def test_data_values_print_as_written(before_and_after):
    _, after = before_and_after
    assert "Smith & Sons <Kent>" in appendix_row(after / COUNTY, 191)[6]
    header = [b.text for b in blocks(after / COUNTY)[:6] if isinstance(b, Paragraph)]
    assert "Subject:\tSmith & Sons <Kent>: Kent's Second Local Area Agreement: Kent Agreement 2" in header


def test_restricted_commentary_only_in_the_part_2_report(before_and_after):
    _, after = before_and_after
    public = appendix_row(after / COUNTY, 191)[7]
    assert "Agreed with GOSE" in public and "NEGOTIATING NOTE" not in public
    private = after / "restricted" / "reports" / "kcc-county-council-2008-05-15-part2.docx"
    assert "NEGOTIATING NOTE not for the public" in appendix_row(private, 191)[7]
    assert "Part 2 - Exempt" in docx.Document(private).sections[0].header.paragraphs[0].text
    manifest = {d["path"]: d for d in json.loads((after / "manifest.json").read_text())["documents"]}
    assert manifest["restricted/reports/kcc-county-council-2008-05-15-part2.docx"]["classification"] == "part2"


# --- bad narratives ----------------------------------------------------------------


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_a_narrative_naming_a_value_the_data_lacks_fails_with_file_and_line(data_copy, tmp_path):
    narrative = data_copy / "reports" / COUNTY_YAML
    text = narrative.read_text(encoding="utf-8").replace("KCC has two principal roles", "KCC has {{ nonexistent }} principal roles")
    narrative.write_text(text, encoding="utf-8")
    line = _line_of(narrative, "{{ nonexistent }}")
    result = run_cli("build", "--data", str(data_copy), "--as-at", "2008-05-01", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{narrative}:{line}:" in result.stderr and "unknown name 'nonexistent' (allowed: agreement, area, as_at," in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_table_name_is_reported_at_its_line(data_copy):
    narrative = data_copy / "reports" / COUNTY_YAML
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("table: position_summary", "table: position_sumary"), encoding="utf-8")
    line = _line_of(narrative, "position_sumary")
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert f"{narrative}:{line}:" in result.stderr and "unknown table 'position_sumary'; did you mean 'position_summary'? (allowed: position_summary, submission, changes, refresh, signups, local_action_plan, relevance)" in result.stderr


def test_same_inputs_give_identical_report_bytes(may_build):
    import datetime as dt

    from conftest import TEMPLATES

    from ka2docs.data.load import load
    from ka2docs.documents import reports
    from ka2docs.history import position

    document = next(d for d in reports.documents(position(load(DATA), dt.date(2008, 5, 1))) if d.path == COUNTY)
    json.dumps(document.context)  # plain data: the build fingerprints it
    assert document.render(TEMPLATES) == document.render(TEMPLATES) == (may_build / COUNTY).read_bytes()


def test_an_unknown_district_and_a_label_that_contradicts_the_classification(data_copy, tmp_path):
    narrative = data_copy / "reports" / "tmbc-parish-partnership-panel-2008-03-06.yaml"
    text = narrative.read_text(encoding="utf-8").replace("district: Tonbridge and Malling", "district: Tonbridge & Maling")
    narrative.write_text(text.replace("classification: part1", "classification: part2"), encoding="utf-8")
    result = run_cli("build", "--data", str(data_copy), "--as-at", "2008-05-01", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{narrative}:{_line_of(narrative, 'district:')}: district: unknown district 'Tonbridge & Maling' (allowed: Ashford," in result.stderr
    assert f"{narrative}:{_line_of(narrative, 'classification_label:')}: classification_label: 'Part 1- Public' does not match classification part2" in result.stderr
