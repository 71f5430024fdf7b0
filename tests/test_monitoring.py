"""RAG, trajectory and direction of travel, checked against hand-worked cases on the shipped data."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from conftest import DATA

from ka2docs.history import monitoring, position
from ka2docs.validate import check

TOLERANCE = 5.0  # agreement.yaml monitoring.rag.amber_tolerance


@pytest.fixture(scope="module")
def kent():
    return check(DATA, dt.date(2008, 11, 15), strict=False)


def point(data, ni: int, measure: str = "", period: int = 0):
    p = data.agreement.periods[period]
    return monitoring.trajectory(data.agreement, position(data, p.end).by_ni(ni), measure, p)


# NI 191 residual waste, lower is better: baseline 860 kg, 08/09 target 762 kg, so the point
# to 30 September 2008 is half-way: 811 kg. 5% of 811 is 40.55, so Amber runs to 851.55 kg.
@pytest.mark.parametrize(("actual", "expected"), [
    (811, "green"),  # on the trajectory
    (790, "green"),  # better than it
    (851.5, "amber"),  # just inside the tolerance
    (851.55, "amber"),  # at its edge
    (851.6, "red"),  # just outside
])
def test_rag_lower_is_better(kent, actual, expected):
    assert point(kent, 191) == (811.0, "")
    assert monitoring.rag(actual, 811.0, 860.0, "lower", TOLERANCE) == expected


# NI 154 net additional homes, higher is better: baseline 5360, 08/09 target 5744, point 5552.
# 5% of 5552 is 277.6, so Amber runs down to 5274.4.
@pytest.mark.parametrize(("actual", "expected"), [
    (5552, "green"),
    (5600, "green"),
    (5274.5, "amber"),
    (5274.4, "amber"),
    (5274.3, "red"),
])
def test_rag_higher_is_better(kent, actual, expected):
    assert point(kent, 154) == (5552.0, "")
    assert monitoring.rag(actual, 5552.0, 5360.0, "higher", TOLERANCE) == expected


def test_rag_against_a_zero_point_uses_the_baseline():
    # Fly posting, lower is better, aiming at 0%: the tolerance is 5% of the 0.44% baseline (0.022).
    assert monitoring.rag(0.0, 0.0, 0.44, "lower", TOLERANCE) == "green"
    assert monitoring.rag(0.022, 0.0, 0.44, "lower", TOLERANCE) == "amber"
    assert monitoring.rag(0.023, 0.0, 0.44, "lower", TOLERANCE) == "red"


def test_trajectory_is_a_straight_line_between_the_figures_the_data_gives(kent):
    assert [point(kent, 191, period=n)[0] for n in range(6)] == [811.0, 762.0, 747.5, 733.0, 718.5, 704.0]
    # NI 197 has only a 10/11 target (265) on a 231 baseline: 34 over six periods.
    assert point(kent, 197) == (236.67, "")
    assert point(kent, 120, "Male") == (634.5, "")
    # NI 159 gives no baseline figure: 'Maintain at 42%' holds from the start.
    assert point(kent, 159) == (42.0, "")


def test_an_indicator_without_a_figure_is_not_rated_and_says_why(kent):
    assert point(kent, 117) == (None, "the target gives no figure to compare with")
    assert point(kent, 152) == (None, "no target has been set")
    assert point(kent, 8) == (None, "no target has been set")


def test_a_profile_row_for_a_period_shapes_the_trajectory(data_copy):
    shutil.rmtree(data_copy / "returns")  # they went out with the straight-line point (811)
    with (data_copy / "targets.csv").open("a", encoding="utf-8") as f:
        f.write("2008-05-01,191,,2008-09-30,830 kg by September,no,Profiled for the summer,seed-003,830,kg,lower\n")
    data = check(data_copy, dt.date(2008, 11, 15), strict=False)
    assert point(data, 191, period=0) == (830.0, "")
    assert point(data, 191, period=1) == (762.0, "")


def test_direction_of_travel():
    assert monitoring.direction(838, 860, "lower") == "Improving"
    assert monitoring.direction(870, 860, "lower") == "Worse"
    assert monitoring.direction(5210, 5360, "higher") == "Worse"
    assert monitoring.direction(860, 860, "lower") == "No change"
    assert monitoring.direction(838, None, "lower") == ""


def test_the_shipped_returns_rate_as_worked_by_hand(kent):
    found = monitoring.monitoring_round(kent, kent.agreement.periods[0], dt.date(2008, 11, 15))
    rated = {(a.line.ni, a.line.measure): a.rag for a in found.assessments}
    assert rated[(191, "")] == "amber"  # 838 kg against 811, within 851.55
    assert rated[(154, "")] == "red"  # 5210 against 5552, below 5274.4
    assert rated[(195, "Graffiti")] == "green"  # 4.5% against 4.76%
    assert (117, "") not in rated  # David Okafor has not returned
    assert [o.officer for o, _ in found.missing] == ["David Okafor", "Priya Shah"]
    assert [o.officer for o, _ in found.late] == ["Mark Hollis"]  # 7 November, after 31 October


def test_rag_is_dated_by_the_day_a_return_came_in(kent):
    before = monitoring.latest_rag(kent, dt.date(2008, 10, 27))
    after = monitoring.latest_rag(kent, dt.date(2008, 10, 28))
    assert (191, "") not in before and after[(191, "")].rag == "amber"
    moved = [c for c in monitoring.rag_changes(kent, dt.date(2008, 10, 27), dt.date(2008, 10, 28))]
    assert {(c.ni, c.new) for c in moved} == {(189, "Green (April to September 2008)"), (191, "Amber (April to September 2008)"), (197, "Amber (April to September 2008)")}


def test_the_next_period_goes_out_with_the_previous_actual(kent):
    second = kent.agreement.periods[1]
    lines = {line.key: line for _, ls in monitoring.officers_due(kent, second) for line in ls}
    assert (lines[(191, "")].previous, lines[(191, "")].trajectory) == (838.0, 762.0)
    assert lines[(163, "")].previous is None  # nothing returned for it in the first period
