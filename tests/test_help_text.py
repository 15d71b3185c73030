"""The Help menu's texts: one source for the red flags, the keys table and the health note."""

from __future__ import annotations

import subprocess
import sys

from desktop_app import help_text
from desktop_app.model import Symptom
from desktop_app.routines import load_library
from tests.conftest import BUNDLED, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def bundled_symptoms() -> list[Symptom]:
    result = load_library([BUNDLED])
    assert result.errors == {}
    return list(result.library.symptoms.values())


def test_safety_notice_is_general_guidance_mild_tension_never_pain() -> None:
    notice = help_text.safety_notice(bundled_symptoms())
    general = " ".join(notice.general)
    assert "not medical advice" in general
    assert "mild tension" in general
    assert "never hurt" in general
    assert "do not bounce" in general


def test_red_flags_are_the_bundled_symptoms_own_seek_help_lines() -> None:
    symptoms = bundled_symptoms()
    notice = help_text.safety_notice(symptoms)
    shown = [line for flags in notice.red_flags for line in flags.lines]
    expected = list(dict.fromkeys(line for s in symptoms for line in s.seek_help))
    assert shown == expected  # every one, once, in the file's order
    assert [flags.label for flags in notice.red_flags] == [
        s.label for s in symptoms if any(line in shown for line in s.seek_help)
    ]
    text = " ".join(shown).lower()
    # What the README's health note promises the app says.
    for topic in ("numb", "tingling", "weak", "bowel or bladder"):
        assert topic in text, topic


def test_notice_names_the_symptom_keys_of_the_loaded_file() -> None:
    notice = help_text.safety_notice(bundled_symptoms())
    during = " ".join(notice.during)
    assert "press P if it hurts: the stretch stops" in during
    assert "T (tingling or pins and needles)" in during
    assert "H (heel pain)" in during
    banner = help_text.safety_banner(bundled_symptoms())
    assert "not medical advice" in banner
    assert "press P" in banner
    assert "F1" in banner


def test_readme_health_note_is_the_apps() -> None:
    section = README.split("## Health note", 1)[1].strip()
    paragraph = section.split("\n\n", 1)[0]
    assert " ".join(paragraph.split()) == help_text.HEALTH_NOTE


def readme_key_rows() -> list[tuple[str, str]]:
    table = README.split("| key | what it does |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.strip().splitlines()[1:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append((cells[0], cells[1]))
    return rows


def test_readme_keys_table_is_the_keyboard_shortcuts_dialog() -> None:
    expected = [
        help_text.README_SYMPTOM_ROW if key == help_text.SYMPTOM_KEYS_ROW else (key, what)
        for key, what in help_text.KEY_ROWS
    ]
    assert readme_key_rows() == expected


def test_dialog_key_rows_spell_out_each_symptom_key() -> None:
    rows = dict(help_text.key_rows(bundled_symptoms()))
    assert rows["P"] == "report pain (the stretch stops)"
    assert rows["T"].startswith("report tingling")
    assert rows["Enter"].startswith("start the selected routine")
    assert rows["G"].startswith("close the advice")
    assert rows["W"].startswith("what to watch for")
    assert help_text.SYMPTOM_KEYS_ROW not in rows


def test_about_has_version_licence_data_dir_and_health_note() -> None:
    about = help_text.about("1.2.3", REPO)
    facts = dict(about.facts)
    assert facts == {"Version": "1.2.3", "Licence": "MIT", "Data directory": str(REPO)}
    assert about.health_note == help_text.HEALTH_NOTE
    # The licence the package declares.
    assert 'license = "MIT"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")


def test_help_text_imports_no_qt() -> None:
    code = (
        "import sys; import desktop_app.help_text;"
        "assert 'PySide6' not in sys.modules, 'Qt was imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_session_keys_in_the_dialog_give_way_to_symptom_keys() -> None:
    from desktop_app.model import Symptom

    symptoms = [Symptom("g", "Groin pain", "G", "stop", ()), Symptom("s", "Sore", "S", "stop", ())]
    keys = [key for key, _ in help_text.key_rows(symptoms)]
    assert keys.count("G") == keys.count("S") == 1  # the symptoms' own
    assert {"O", "W", "X", "N", "R"} <= set(keys)


def test_the_session_letters_are_session_views_defaults() -> None:
    from dataclasses import astuple

    from desktop_app.session_view import ControlKeys

    letters = (
        help_text.DISMISS_KEY,
        help_text.WATCH_KEY,
        help_text.STOP_STRETCH_KEY,
        help_text.OTHER_AREA_KEY,
        help_text.READ_ALOUD_KEY,
    )
    assert letters == astuple(ControlKeys())
