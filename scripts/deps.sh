#!/bin/sh
# Installs the Debian packages a target needs, or names the exact apt-get line when not root.
# usage: scripts/deps.sh build|test|bench
set -e
need_build="build-essential pkg-config liblua5.4-dev libjansson-dev libsqlite3-dev libwebsockets-dev libssl-dev libcurl4-openssl-dev"
need_test="$need_build sqlite3 curl openssl python3 nodejs npm chromium fonts-noto-color-emoji"
need_bench="$need_build sqlite3 curl time nodejs npm"
case "${1:-build}" in
  build) want=$need_build ;;
  test)  want=$need_test ;;
  bench) want=$need_bench ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# Node.js may come from elsewhere than Debian; a working node and npm are enough.
case "$missing" in *nodejs*|*npm*)
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
  fi ;;
esac
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Memasang paket yang kurang / installing missing packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Paket berikut belum terpasang / missing packages. Run as root:" >&2
  echo "  apt-get update && apt-get install -y$missing" >&2
  exit 1
fi
