#!/usr/bin/env bash
# Installs what building, running and testing Longnan needs on Debian 12, if missing.
# Safe to run again: it installs nothing that is already there.
# usage: scripts/setup.sh [EXTRA-PACKAGE…]   (as root, or as a user with sudo)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsoci-dev libsqlite3-dev libpq-dev libssl-dev
  libspdlog-dev libfmt-dev libcli11-dev libsodium-dev libxapian-dev
  libxlsxwriter-dev libzip-dev libpugixml-dev libdeflate-dev
  libqrencode-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk
  libgtest-dev libgmock-dev libbenchmark-dev
  make postgresql sqlite3 chromium wrk curl procps zbar-tools poppler-utils
  "$@"
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
