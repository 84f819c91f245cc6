#!/bin/sh
# Widget end-to-end tests in real headless Chromium (Debian's chromium, driven by
# playwright-core) against a real `loket serve` ($LOKET_BIN, default ./loket).
cd "$(dirname "$0")/../.." || exit 1
. tests/web/npm.sh || { echo "0 passed, 1 failed"; exit 1; }
if [ ! -x /usr/bin/chromium ]; then
  echo "chromium tidak ada / missing: apt-get install -y chromium"
  echo "0 passed, 1 failed"
  exit 1
fi
exec timeout -k 5 300 node tests/web/browser.test.js
