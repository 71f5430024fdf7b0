"""`ka2docs changes`: what differs between two dates, as lines or JSON, Part 2 kept out."""

from __future__ import annotations

import datetime as dt
import json

from conftest import DATA, run_cli

MARKER = "CHANGESSECRET4Z"


def changes_json(*args: str) -> list[dict]:
    result = run_cli("changes", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_changes_lists_the_may_agreements_with_old_and_new_values():
    result = run_cli("changes", "--since", "2008-05-02", "--as-at", "2008-05-16")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Kent Agreement 2: 1 change between 02/05/08 and 16/05/08"
    assert lines[1] == (
        "2008-05-14  NI 120  status: Under discussion with GOSE - not yet agreed -> Agreed with GOSE (illustrative)"
        "  (GOSE accepted the recalculated data it was waiting for)"
    )
    assert len(lines) == 2  # NI 186 was agreed on 21 May: after the as-at date


def test_a_row_counts_from_its_own_date_on():
    before = changes_json("--since", "2008-05-13", "--as-at", "2008-05-13")
    on_the_day = changes_json("--since", "2008-05-13", "--as-at", "2008-05-14")
    assert before == []
    assert [(c["date"], c["ni"], c["kind"]) for c in on_the_day] == [("2008-05-14", 120, "status")]


def test_json_gives_every_kind_with_old_new_date_reason_and_source():
    found = changes_json("--since", "2008-05-16", "--as-at", "2008-06-30")
    by_key = {(c["ni"], c["kind"], c["item"]): c for c in found}
    target = by_key[(197, "target", "10/11")]
    assert target["old"].startswith("265 (+15%) Discussing whether target should be 15% over 3 years")
    assert target["new"] == "265 (+15%)"
    assert target["date"] == "2008-05-29" and target["source"] == "illustrative-history" and target["illustrative"] is True
    signup = by_key[(197, "sign-up", "Natural England")]
    assert (signup["old"], signup["new"], signup["date"]) == ("", "Statutory", "2008-05-23")
    # A target restated as designated is a designation change of its own.
    designation = by_key[(120, "designation", "All persons, 10/11")]
    assert (designation["old"], designation["new"], designation["date"]) == ("not designated", "designated", "2008-06-27")
    assert {c["kind"] for c in found} == {"status", "target", "designation", "sign-up"}
    assert [c["date"] for c in found] == sorted(c["date"] for c in found)


def test_the_late_switch_is_an_indicator_removed_and_one_added():
    found = changes_json("--since", "2008-04-30", "--as-at", "2008-05-01")
    switch = [c for c in found if c["kind"] == "indicator"]
    assert [(c["ni"], c["item"]) for c in switch] == [(159, "added"), (170, "removed")]
    assert "replaces NI 170" in switch[0]["new"]
    assert switch[1]["old"].startswith("NI 170 Previously developed land")


def test_the_refresh_baselines_arrive_in_december():
    found = changes_json("--since", "2008-11-30", "--as-at", "2008-12-19")
    baselines = {c["ni"]: c for c in found if c["kind"] == "baseline"}
    assert sorted(baselines) == [3, 6, 11, 110, 111, 171, 187]
    assert baselines[3]["old"] == "Cannot be set until Place Based Survey conducted (Sept 08)"
    assert baselines[3]["new"] == "Set from the Place Survey 2008 results"  # no figure invented, and no word of the tool


def test_a_withdrawn_sign_up_is_dated_by_its_withdrawal(data_copy):
    with open(data_copy / "signups.csv", "a", encoding="utf-8") as handle:
        handle.write("2008-07-01,163,SEEDA,withdrawn,,Left the partnership,seed-003\n")
    result = run_cli("changes", "--data", str(data_copy), "--since", "2008-06-01", "--as-at", "2008-07-31", "--json")
    assert result.returncode == 0, result.stderr
    withdrawn = [c for c in json.loads(result.stdout) if c["kind"] == "sign-up" and c["ni"] == 163]
    assert withdrawn == [{
        "date": "2008-07-01", "ni": 163, "kind": "sign-up", "item": "SEEDA", "old": "Statutory", "new": "",
        "reason": "Left the partnership", "source": "seed-003", "restricted": False, "illustrative": False,
    }]


def test_restricted_commentary_is_left_out_unless_asked_for(data_copy):
    with open(data_copy / "statuses.csv", "a", encoding="utf-8") as handle:
        # A status move with a restricted reason, and a commentary-only restricted change.
        handle.write(f"2008-07-01,55,under-discussion,Position {MARKER} one,yes,Reason {MARKER},seed-003\n")
        handle.write(f"2008-07-02,191,agreed,Position {MARKER} two,yes,,seed-003\n")
    args = ("changes", "--data", str(data_copy), "--since", "2008-06-30", "--as-at", "2008-07-31")
    public = run_cli(*args)
    assert public.returncode == 0, public.stderr
    assert MARKER not in public.stdout
    # The status itself is public (the Part 1 submission shows it); its reason is not.
    assert "NI 55   status: Agreed with GOSE -> Under discussion with GOSE - not yet agreed\n" in public.stdout
    assert "NI 191" not in public.stdout
    everything = run_cli(*args, "--include-restricted")
    assert f"Reason {MARKER}" in everything.stdout
    assert f"NI 191  commentary: (none) -> Position {MARKER} two [restricted]" in everything.stdout


def test_a_public_change_keeps_its_reason_after_a_restricted_row(data_copy):
    with open(data_copy / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.write(f"2008-07-01,55,under-discussion,Position {MARKER},yes,Reason {MARKER},seed-003\n")
        handle.write("2008-07-15,55,agreed,Settled at the July meeting,no,The Government Office accepted the revised baseline,seed-003\n")
    args = ("changes", "--data", str(data_copy), "--since", "2008-07-10", "--as-at", "2008-07-31")
    public = run_cli(*args)
    assert public.returncode == 0, public.stderr
    assert MARKER not in public.stdout
    # The new row is public: its reason shows, though the row before it was restricted.
    assert "(The Government Office accepted the revised baseline)" in public.stdout
    assert "NI 55   status: Under discussion with GOSE - not yet agreed -> Agreed with GOSE" in public.stdout


def test_since_after_as_at_is_bad_input():
    result = run_cli("changes", "--since", "2008-06-01", "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert "'--since': 2008-06-01 is after the as-at date 2008-05-01" in result.stderr


def test_library_changes_match_the_command():
    from ka2docs.data.load import load
    from ka2docs.history import changes

    data = load(DATA)
    found = changes(data, dt.date(2008, 5, 2), dt.date(2008, 6, 13))
    assert [c.as_dict() for c in found] == [
        {k: v for k, v in c.items() if k not in ("restricted", "illustrative")}
        for c in changes_json("--since", "2008-05-02", "--as-at", "2008-06-13")
    ]
    assert {c.what for c in found if c.ni == 197} == {"status", "target 10/11", "sign-up: Natural England"}
