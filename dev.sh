#!/usr/bin/env bash
# Sets up everything Stretch Timer needs on Debian (Qt's system libraries, a .venv with the
# app and its test tools), then runs what you ask for:
#   ./dev.sh run [stretch-timer options]   launch the app
#   ./dev.sh test [pytest options]         run the whole test suite (offscreen)
#   ./dev.sh check                         ruff (lint + format check) and mypy
#   ./dev.sh setup                         only set up
set -euo pipefail
cd "$(dirname "$0")"

# Qt's runtime libraries: the first list is enough offscreen (tests); a real window on X11
# also needs the xcb ones (Qt's own error names only libxcb-cursor0 when any is missing).
APT_BASE=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
APT_WINDOW=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1 libpulse0)

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
  local python="${PYTHON:-python3}"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  # Reinstall only when pyproject.toml changed.
  local stamp
  stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    rm -f .venv/.installed-* && touch "$stamp"
  fi
}

command="${1:-run}"
[ $# -gt 0 ] && shift
case "$command" in
  run)
    if command -v dpkg-query >/dev/null; then apt_install "${APT_BASE[@]}" "${APT_WINDOW[@]}"; fi
    setup_venv
    exec .venv/bin/stretch-timer "$@"
    ;;
  test)
    if command -v dpkg-query >/dev/null; then apt_install "${APT_BASE[@]}"; fi
    setup_venv
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
    setup_venv
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/mypy
    ;;
  setup)
    if command -v dpkg-query >/dev/null; then apt_install "${APT_BASE[@]}" "${APT_WINDOW[@]}"; fi
    setup_venv
    ;;
  *)
    echo "usage: ./dev.sh run|test|check|setup [options]" >&2
    exit 2
    ;;
esac
