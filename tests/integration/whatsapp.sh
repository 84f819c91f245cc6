#!/bin/sh
# The WhatsApp connector end to end: `loket serve` (LOKET_BIN, default ./loket) with signed
# webhooks and a fake Graph API on 127.0.0.1 (tests/whatsapp/). Prints "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
if ! command -v node >/dev/null 2>&1 || [ ! -d tests/node_modules/ws ]; then
  (cd tests && npm install --no-audit --no-fund --silent >/dev/null 2>&1)
fi
LOKET_BIN=${LOKET_BIN:-./loket} exec timeout 600 node tests/whatsapp/whatsapp.test.js
