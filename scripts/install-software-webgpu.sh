#!/usr/bin/env bash
# Installs a software WebGPU adapter (Mesa's lavapipe Vulkan driver) on a GPU-less Debian 12 machine.
#
# Why backports: Node's `webgpu` package (Dawn) needs Vulkan features that Mesa 22.3, the version
# Debian 12 ships, lacks (Dawn rejects it: "shaderUniform*ArrayDynamicIndexing required"). Mesa
# from bookworm-backports (24.x/25.x) works. So we add bookworm-backports on the mirror apt
# already uses and install mesa-vulkan-drivers and libvulkan1 from it.
#
# Idempotent: re-running with the driver in place does nothing; an existing backports entry (in
# any sources file, one-line or deb822 form) is reused rather than duplicated. Needs root.
# Afterwards run Node with XDG_RUNTIME_DIR set (Mesa wants one): XDG_RUNTIME_DIR=/tmp node app.js
set -euo pipefail

say() { echo "install-software-webgpu: $*"; }
die() { echo "install-software-webgpu: error: $*" >&2; exit 1; }

# The installed version of a package, or nothing.
installed_version() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | sed -n 's/^install ok installed //p'; }

# Lavapipe's ICD manifest and library: present means the driver is installed.
have_lavapipe() { ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && ldconfig -p | grep -q 'libvulkan_lvp\.so'; }
# The major version of the installed Mesa Vulkan drivers (0 when absent).
mesa_major() { local v; v=$(installed_version mesa-vulkan-drivers); v=${v#*:}; echo "${v%%.*}" | grep -E '^[0-9]+$' || echo 0; }

if have_lavapipe && [ -n "$(installed_version libvulkan1)" ] && [ "$(mesa_major)" -ge 24 ]; then
  say "already installed: mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers), libvulkan1 $(installed_version libvulkan1); nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root (apt-get install); re-run as root or with sudo"
command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian 12 (bookworm); elsewhere install Mesa >= 24 with its lavapipe Vulkan driver from your distribution"
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ "$codename" = bookworm ] || die "this script targets Debian 12 (bookworm), found '${codename:-unknown}'; install Mesa >= 24 (mesa-vulkan-drivers / vulkan-swrast) from your distribution instead"

# Is bookworm-backports already a suite in some apt source (one-line `deb` or deb822 `Suites:`)?
sources=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
has_backports() {
  local f
  for f in "${sources[@]}"; do
    [ -f "$f" ] || continue
    grep -Eq '^[[:space:]]*deb[[:space:]].*[[:space:]]bookworm-backports([[:space:]]|$)' "$f" && return 0
    grep -Eq '^[[:space:]]*Suites:.*(^|[[:space:]])bookworm-backports([[:space:]]|$)' "$f" && return 0
  done
  return 1
}

if has_backports; then
  say "bookworm-backports is already in apt's sources; reusing it"
else
  # The mirror apt already uses for bookworm, so the backports come from the same place.
  mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)
  [ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]\+bookworm[[:space:]].*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 || true)
  [ -n "$mirror" ] || { mirror=http://deb.debian.org/debian; say "no Debian mirror found in apt's sources; using $mirror"; }
  echo "deb $mirror bookworm-backports main" > /etc/apt/sources.list.d/bookworm-backports.list
  say "added /etc/apt/sources.list.d/bookworm-backports.list (deb $mirror bookworm-backports main)"
fi

say "apt-get update"
apt-get update -qq || die "apt-get update failed (network, or a broken apt source?)"
say "installing mesa-vulkan-drivers and libvulkan1 from bookworm-backports"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null \
  || die "apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1 failed"
ldconfig

have_lavapipe || die "packages installed but lavapipe (libvulkan_lvp.so and its ICD json) was not found"
[ "$(mesa_major)" -ge 24 ] || die "mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers) is older than 24: Dawn will reject it"
say "installed mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers), libvulkan1 $(installed_version libvulkan1)"
say "run Node with XDG_RUNTIME_DIR=/tmp; the adapter shows up as 'llvmpipe'"
