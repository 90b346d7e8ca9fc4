#!/usr/bin/env bash
# Fetches containerd 1.7 (Debian trixie) and 2.x (Debian sid) binaries, plus sid's 2.x reference protos
# (golang-github-containerd-containerd-api-dev), for the integration suites that run against those versions.
# A private apt state per suite (`apt-get download` + `dpkg -x`): the system's apt sources, dpkg database and
# installed packages are never touched. Cached outside the checkout and reused when present, so tests need no
# network. Cache: $CONTAINERD_TEST_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/containerd-explorer-test
# (test/harness/containerd-versions.ts reads the same). Layout: <cache>/{1.7,2,api}/usr/..., <cache>/versions.txt.
# Usage: scripts/fetch-containerd.sh [--refresh]   (--refresh fetches again even when cached)
set -euo pipefail

CACHE=${CONTAINERD_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/containerd-explorer-test}
REFRESH=0
[[ ${1:-} == --refresh ]] && REFRESH=1
mkdir -p "$CACHE"

# The system's own Debian mirror (deb822 or one-line sources); deb.debian.org otherwise.
mirror() {
  local uri
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [[ -z $uri ]] && uri=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if($i ~ /^https?:/){print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# fetch <suite> <package> <dest>: extracts the package into <cache>/<dest> (atomically: a half-extracted tree
# is never taken for a cached one).
fetch() {
  local suite=$1 pkg=$2 dest=$CACHE/$3
  if [[ $REFRESH == 0 && -e $dest/.complete ]]; then echo "cached: $dest ($pkg from $suite)"; return; fi
  local A=$CACHE/apt-$suite
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  echo "deb [signed-by=$keyring] $(mirror) $suite main" >"$A/sources.list"
  local O=(-o "Dir::Etc::sourcelist=$A/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$A/lists"
    -o "Dir::Cache=$A/cache" -o Debug::NoLocking=1)
  # As root, apt would hand downloads to the _apt user, who cannot write into a private cache dir.
  [[ $EUID == 0 ]] && O+=(-o APT::Sandbox::User=root)
  if [[ ! -e $A/updated ]] || [[ $REFRESH == 1 ]]; then apt-get "${O[@]}" update -qq; touch "$A/updated"; fi
  rm -f "$A"/"${pkg}"_*.deb
  (cd "$A" && apt-get "${O[@]}" download "$pkg" >/dev/null)
  local tmp
  tmp=$(mktemp -d "$CACHE/.extract-XXXXXX")
  dpkg -x "$A"/"${pkg}"_*.deb "$tmp"
  dpkg-deb -f "$A"/"${pkg}"_*.deb Version >"$tmp/.complete"
  rm -rf "$dest" && mv "$tmp" "$dest"
  rm -f "$A"/"${pkg}"_*.deb
  echo "fetched: $dest ($pkg $(cat "$dest/.complete") from $suite)"
}

fetch trixie containerd 1.7
fetch sid containerd 2
fetch sid golang-github-containerd-containerd-api-dev api

# What we got (sid moves: the tests print the running daemon's version too).
{
  for v in 1.7 2; do echo "$v: $("$CACHE/$v/usr/bin/containerd" --version)"; done
  echo "api: golang-github-containerd-containerd-api-dev $(cat "$CACHE/api/.complete")"
} | tee "$CACHE/versions.txt"
