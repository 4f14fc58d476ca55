#!/usr/bin/env bash
# Install what the browser tests need from Debian: chromium and a Japanese font
# (fonts-ipafont-gothic, 3.5 MB; without a CJK font Japanese renders as tofu boxes).
# Only what is missing, only with apt-get and as root; otherwise say that the browser
# tests will skip. Never `playwright install`: Playwright drives /usr/bin/chromium.
set -u

PACKAGES=(chromium fonts-ipafont-gothic)

installed() { # package
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
if command -v dpkg-query >/dev/null; then
  for package in "${PACKAGES[@]}"; do
    installed "$package" || missing+=("$package")
  done
else
  missing=("${PACKAGES[@]}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: ${PACKAGES[*]} already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null || [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: cannot install ${missing[*]} (needs apt-get as root); the browser tests will skip without /usr/bin/chromium"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 &&
   apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  echo "system-deps: installed ${missing[*]}"
  rm -f "$log"
  exit 0
fi
echo "system-deps: apt-get could not install ${missing[*]} (log: $log); the browser tests will skip without /usr/bin/chromium" >&2
exit 0
