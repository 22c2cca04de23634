#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the browser test (scripts/browser-test.mjs).
#
# Idempotent: with Chromium in place it does nothing. Needs root (apt-get). Recommended packages
# are skipped: the headless run needs none of them. WebGPU needs nothing more: without a GPU,
# Chromium answers with the SwiftShader adapter it ships (not Mesa's lavapipe, which Node uses).
set -euo pipefail

say() { echo "install-chromium: $*"; }
die() { echo "install-chromium: error: $*" >&2; exit 1; }

if [ -x /usr/bin/chromium ]; then
  say "already installed: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium (version unknown)'); nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root (apt-get install); re-run as root or with sudo"
command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian; elsewhere install Chromium and set CHROMIUM=/path/to/it"

install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
# Try with the package lists as they are first (scripts/install-software-webgpu.sh has usually just
# updated them); update and retry when they lack chromium or are stale.
say "installing chromium"
if ! install; then
  say "apt-get update, then retrying"
  apt-get update -qq || die "apt-get update failed (network, or a broken apt source?)"
  install || die "apt-get install chromium failed"
fi
[ -x /usr/bin/chromium ] || die "chromium installed but /usr/bin/chromium is missing"
say "installed $(/usr/bin/chromium --version 2>/dev/null)"
