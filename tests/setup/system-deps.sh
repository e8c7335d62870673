#!/usr/bin/env bash
# Debian packages the tests need: Chromium (browser tests, with Playwright), nginx (the publishing
# test), rsync (the deploy recipes' copy of the output), Java (the Nu Html Checker), Node.js and npm (axe-core, vnu-jar and the web editor's
# decap-server from package.json). Installed only when missing; needs root (or sudo), as on CI
# machines. apt waits up to 10 minutes for the package lock another apt/dpkg run holds.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  APT=(apt-get -o DPkg::Lock::Timeout=600)
  $SUDO "${APT[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
