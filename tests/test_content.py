"""The bundled content: every line traced to a source, every stretch used, timings as written."""

from __future__ import annotations

import re

import pytest

from desktop_app.model import Library, Routine
from desktop_app.routines import load_library
from tests.conftest import BUNDLED, REPO

SOURCES = REPO / "docs" / "content-sources.md"


@pytest.fixture(scope="module")
def library() -> Library:
    result = load_library([BUNDLED])
    assert result.reports[0].errors == ()
    return result.library


def routine(library: Library, routine_id: str) -> Routine:
    found = library.routine(routine_id)
    assert found is not None, routine_id
    return found


def shown_lines(library: Library) -> list[tuple[str, str]]:
    """Every advice line, red flag, tip and caution of the file, with where it stands."""
    lines: list[tuple[str, str]] = []
    for symptom in library.symptoms.values():
        lines += [(f"{symptom.id} advice", line) for line in symptom.advice]
        lines += [(f"{symptom.id} seek_help", line) for line in symptom.seek_help]
    for stretch in library.stretches.values():
        lines += [(f"{stretch.id} tip", line) for line in stretch.tips]
        lines += [(f"{stretch.id} caution", line) for line in stretch.cautions]
        for symptom_id, advice in stretch.advice.items():
            lines += [(f"{stretch.id} {symptom_id} advice", line) for line in advice]
    return lines


def test_every_shown_line_is_in_the_sources_table(library: Library) -> None:
    table = SOURCES.read_text(encoding="utf-8")
    rows = [row for row in table.splitlines() if row.startswith("| ")]
    lines = shown_lines(library)
    assert len(lines) > 100
    missing = [
        (where, line) for where, line in lines if not any(f": {line} |" in row for row in rows)
    ]
    assert missing == []


def test_every_row_of_the_table_names_a_source(library: Library) -> None:
    seeds = (
        "calf-stretch-for-hamstring-pain.txt",
        "hamstring-stretches-collection.txt",
        "heel-pain-after-running.txt",
        "heel-pain-when-stretching-hamstring.txt",
        "tingling-feet-when-stretching-hamstrings.txt",
        "ACSM guideline",
        "Equipment safety, not a health claim",
    )
    table = SOURCES.read_text(encoding="utf-8")
    for where, line in shown_lines(library):
        row = next(r for r in table.splitlines() if f": {line} |" in r)
        rests_on = row.split(f": {line} |", 1)[1]
        assert any(seed in rests_on for seed in seeds), (where, line)


def test_the_sciatica_routine_stops_on_tingling_as_it_says(library: Library) -> None:
    sciatica = routine(library, "sciatica-friendly-hamstrings")
    assert sciatica.stop_on == ("tingling",)
    assert "tingling stops the stretch" in sciatica.description


def test_every_bundled_stretch_is_used_by_some_routine(library: Library) -> None:
    used = {step.stretch.id for r in library.routines for step in r.steps}
    assert set(library.stretches) - used == set()


def test_the_planned_comments_match_the_planned_time(library: Library) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    written = dict(re.findall(r"^  - id: (\S+)\s+# planned (\d+) s", text, flags=re.MULTILINE))
    assert set(written) == {r.id for r in library.routines}
    for item in library.routines:
        assert int(written[item.id]) == item.planned_seconds, item.id


def test_positions_are_described_without_degrees(library: Library) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    assert not re.search(r"degree|°", text, flags=re.IGNORECASE)
    hurdler = library.stretches["hurdler-hamstring"]
    assert any("against the inner thigh of the" in line for line in hurdler.instructions)


def test_routine_ids_that_history_refers_to_are_kept(library: Library) -> None:
    kept = {
        "hamstring-basics",
        "sciatica-friendly-hamstrings",
        "heel-pain-relief",
        "after-running",
        "desk-break",
        "foam-roller-release",
    }
    assert kept <= {r.id for r in library.routines}


def test_the_gaps_the_sources_support_are_filled(library: Library) -> None:
    morning = routine(library, "morning-heel")
    assert morning.steps[0].stretch.id == "seated-towel-calf"
    calves_first = routine(library, "calves-first-hamstrings")
    assert calves_first.steps[0].stretch.id == "rolled-mat-calf"
    assert "hamstrings" in calves_first.steps[-1].stretch.area
    office = routine(library, "office-five-minutes")
    assert {(s.hold, s.reps) for s in office.steps} == {(30, 2)}
    assert 270 <= office.planned_seconds <= 330
    nerve = routine(library, "nerve-friendly-hamstrings")
    assert all(step.hold < 30 for step in nerve.steps)
    assert all("toes pointing softly away" in " ".join(s.stretch.instructions) for s in nerve.steps)


@pytest.mark.parametrize(
    "routine_id", ["sciatica-friendly-hamstrings", "nerve-friendly-hamstrings"]
)
def test_nerve_routines_keep_the_knee_bent(library: Library, routine_id: str) -> None:
    for step in routine(library, routine_id).steps:
        stretch = step.stretch
        assert "bent-knee" in stretch.id, stretch.id
        said = " ".join(stretch.instructions).lower()
        assert not re.search(r"(almost|nearly) straight|(knee|leg) straight", said), stretch.id
        assert "bent" in said, stretch.id


def test_stretches_that_draw_the_ankle_or_toes_back_have_their_own_tingling_advice(
    library: Library,
) -> None:
    for stretch in library.stretches.values():
        if {"calves", "feet"} & set(stretch.area) and "foam" not in stretch.id:
            assert stretch.advice.get("tingling"), stretch.id


def test_general_advice_never_forbids_what_a_bundled_stretch_does(library: Library) -> None:
    """The issue's contradiction: "do not pull the toes or ankle back" beside the toe pull."""
    for symptom in library.symptoms.values():
        for line in symptom.advice:
            assert not re.search(r"(do not|don't|never) pull", line, flags=re.IGNORECASE), line


def test_chair_stretches_say_the_chair_must_not_roll(library: Library) -> None:
    for stretch_id in ("seated-chair-hamstring", "seated-bent-knee-hamstring"):
        cautions = " ".join(library.stretches[stretch_id].cautions)
        assert "without wheels" in cautions
    for routine_id in ("desk-break", "office-five-minutes"):
        assert "without wheels" in routine(library, routine_id).description


def test_changing_sides_of_a_door_frame_gets_time(library: Library) -> None:
    for item in library.routines:
        for step in item.steps:
            if step.stretch.id.startswith("doorway"):
                assert step.prepare >= 15, item.id
