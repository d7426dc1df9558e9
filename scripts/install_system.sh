#!/usr/bin/env bash
# Install the Debian packages Common Map needs, only when something is missing.
# Works as root or as a user with sudo; a second run installs nothing.
set -euo pipefail

PACKAGES=(
  postgresql-15 postgresql-contrib postgresql-15-postgis-3
  gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data binutils
  python3-venv gettext
  chromium fonts-noto-core
  nodejs
  # The HTTP front cache before gunicorn (front/, scripts/front.sh); nginx serves static
  # tiles as the peer of bench/tiles.py.
  varnish
  nginx-light
  # The load generator of bench/tiles.py's warm ways (Python clients cannot push them).
  wrk
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# npm installs the test's front-end packages (package-lock.json). Debian ships it as its own
# package; a Node.js from elsewhere (NodeSource) carries its own npm and conflicts with it.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
