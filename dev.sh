#!/usr/bin/env bash
# Sets up what Stretch Timer needs on Debian (Qt's system libraries, a .venv with the app;
# its test tools only for test, check and setup), then runs what you ask for:
#   ./dev.sh run [stretch-timer options]   launch the app
#   ./dev.sh test [pytest options]         run the whole test suite (offscreen)
#   ./dev.sh check                         ruff (lint + format check), mypy and import-linter
#   ./dev.sh setup                         only set up (app and test tools, as CI does)
set -euo pipefail
cd "$(dirname "$0")"

# Qt's runtime libraries: the first list is enough offscreen (tests); a real window on X11
# also needs the xcb ones (Qt's own error names only libxcb-cursor0 when any is missing).
APT_BASE=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
APT_WINDOW=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1)
# The sound cues: miniaudio opens libpulse.so.0 (PulseAudio, and PipeWire's pulse server) or
# else libasound.so.2 (ALSA) when it plays; neither is linked, so ldd does not show them.
APT_SOUND=(libpulse0 libasound2)
# Spoken cues: espeak-ng renders each phrase to a WAV (13 MiB; without it the app runs with
# View > Spoken cues disabled and says why). Its real-synthesis test is skipped without it.
APT_SPEECH=(espeak-ng)

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

setup_venv() {
  # $1: "app" (the app alone, for run) or "test" (the app and its test tools).
  local extras="" python="${PYTHON:-python3}"
  [ "$1" = test ] && extras="[test]"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  # Reinstall only when pyproject.toml changed; the test set-up includes the app's.
  local hash stamp
  hash="$(sha1sum pyproject.toml | cut -c1-12)"
  stamp=".venv/.installed-$1-$hash"
  [ -f "$stamp" ] && return 0
  [ "$1" = app ] && [ -f ".venv/.installed-test-$hash" ] && return 0
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  # Quiet when it works (setuptools always warns about editable installs of a package with
  # a mapped folder, resources/); pip's whole output when it does not.
  local output
  if ! output="$(.venv/bin/python -m pip install -q -e ".$extras" 2>&1)"; then
    echo "$output" >&2
    echo "dev.sh: installing the app into .venv failed (see above)" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
}

command="${1:-run}"
[ $# -gt 0 ] && shift
case "$command" in
  run)
    if command -v dpkg-query >/dev/null; then
      apt_install "${APT_BASE[@]}" "${APT_WINDOW[@]}" "${APT_SOUND[@]}" "${APT_SPEECH[@]}"
    fi
    setup_venv app
    exec .venv/bin/stretch-timer "$@"
    ;;
  test)
    if command -v dpkg-query >/dev/null; then apt_install "${APT_BASE[@]}"; fi
    setup_venv test
    export QT_QPA_PLATFORM=offscreen
    set +e
    .venv/bin/python -m pytest "$@"
    status=$?
    set -e
    if [ "$status" -eq 5 ]; then
      echo "dev.sh: pytest collected no tests" >&2
      exit 0
    fi
    exit "$status"
    ;;
  check)
    setup_venv test
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/mypy
    .venv/bin/lint-imports --no-cache
    ;;
  setup)
    if command -v dpkg-query >/dev/null; then
      apt_install "${APT_BASE[@]}" "${APT_WINDOW[@]}" "${APT_SOUND[@]}" "${APT_SPEECH[@]}"
    fi
    setup_venv test
    ;;
  *)
    echo "usage: ./dev.sh run|test|check|setup [options]" >&2
    exit 2
    ;;
esac
