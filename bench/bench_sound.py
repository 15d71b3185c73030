"""Memory each way of playing the cues adds to a shown window, with and without a sound server.

Each candidate runs in a fresh process: a bare PySide6 window with a label is shown, its resident
memory read (VmRSS), then the candidate loads, opens its output and plays a cue (the hold-start
tone) and the memory is read again once it has played. Then the same with ``PULSE_SERVER``
pointing at nothing (no sound server): did it end silent, within 10 s, with no Python error?

- ``miniaudio``: the app's player (``desktop_app.audio``), PulseAudio then ALSA;
- ``qtmultimedia``: QSoundEffect from PySide6-Addons (the app's player before; skipped when
  Addons is not installed);
- ``qttexttospeech``: QTextToSpeech from Addons (the floor-mode issue's first plan for speech;
  skipped without Addons);
- ``espeak-ng``: a phrase spoken by ``espeak-ng --stdout`` into the same miniaudio player (the
  speech path kept for the floor mode; skipped without Debian's espeak-ng).

    .venv/bin/python bench/bench_sound.py          # uses the sound server the session has
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, shutil, subprocess, sys, threading, time
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Hold 30"))
window.resize(1000, 700)
window.show()
for _ in range(20):
    app.processEvents()
before = rss_kib()
candidate = sys.argv[1]
cue = os.path.join(sys.argv[2], "resources", "sounds", "hold-started.wav")
result = {"played": False, "reason": ""}
keep = []

def wait(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)

if candidate in ("miniaudio", "espeak-ng"):
    from desktop_app.audio import CuePlayer, read_wav, Clip
    ready, failed = threading.Event(), []
    clips = {"cue": read_wav(cue, 0.8)}
    if candidate == "espeak-ng":
        wav = subprocess.run(["espeak-ng", "--stdout", "Towel hamstring stretch, left leg"],
                             capture_output=True, check=True).stdout
        clips = {"cue": Clip(wav[44:], rate=22050)}
    player = CuePlayer(clips, ready.set, failed.append)
    player.start()
    end = time.monotonic() + 10
    while not (ready.is_set() or failed) and time.monotonic() < end:
        time.sleep(0.01)
    if ready.is_set():
        player.play("cue")
        wait(clips["cue"].seconds + 0.5)
        result["played"] = True
    result["reason"] = failed[0] if failed else ""
    keep.append(player)
elif candidate == "qtmultimedia":
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    if QMediaDevices.audioOutputs():
        effect = QSoundEffect()
        effect.setSource(QUrl.fromLocalFile(cue))
        wait(0.3)
        effect.play()
        wait(1.0)
        result["played"] = effect.status() is not QSoundEffect.Status.Error
        keep.append(effect)
    else:
        result["reason"] = "no audio output"
elif candidate == "qttexttospeech":
    from PySide6.QtTextToSpeech import QTextToSpeech
    speech = QTextToSpeech("speechd")
    wait(3.0)
    if speech.state() is QTextToSpeech.State.Ready:
        speech.say("Towel hamstring stretch, left leg")
        wait(3.0)
        result["played"] = True
    else:
        result["reason"] = f"state {speech.state().name}"
    keep.append(speech)
result["added_kib"] = rss_kib() - before
print(json.dumps(result))
"""

CANDIDATES = ("miniaudio", "qtmultimedia", "qttexttospeech", "espeak-ng")


def available(candidate: str) -> bool:
    if candidate == "espeak-ng":
        return subprocess.run(["which", "espeak-ng"], capture_output=True).returncode == 0
    if candidate.startswith("qt"):
        module = "QtMultimedia" if candidate == "qtmultimedia" else "QtTextToSpeech"
        probe = [sys.executable, "-c", f"import PySide6.{module}"]
        return subprocess.run(probe, capture_output=True).returncode == 0
    return True


def run(candidate: str, env: dict[str, str]) -> dict[str, object]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, candidate, str(REPO)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return {"played": False, "reason": "hung (30 s)", "error": False}
    result: dict[str, object] = (
        json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else {}
    )
    result["error"] = done.returncode != 0 or "Traceback" in done.stderr
    return result


def main() -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        silent_env = dict(env, PULSE_SERVER=f"unix:{tmp}/no-server")
        print(f"{'candidate':16} {'RSS added':>10}  played  no server: silent, no error")
        for candidate in CANDIDATES:
            if not available(candidate):
                print(f"{candidate:16} {'-':>10}  (not installed here)")
                continue
            with_server = run(candidate, env)
            without = run(candidate, silent_env)
            added = with_server.get("added_kib")
            added_text = f"{added / 1024:.1f} MiB" if isinstance(added, int) else "-"
            quiet = not without.get("played") and not without["error"]
            print(
                f"{candidate:16} {added_text:>10}  {'yes' if with_server.get('played') else 'no':6}"
                f"  {'yes' if quiet else 'NO'} ({without.get('reason') or 'played'})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
