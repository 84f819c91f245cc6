#!/bin/sh
# Web channel protocol tests: a real `loket serve` ($LOKET_BIN, default ./loket) on
# 127.0.0.1 driven by a real WebSocket client (tests/web/protocol.test.js).
cd "$(dirname "$0")/../.." || exit 1
. tests/web/npm.sh || { echo "0 passed, 1 failed"; exit 1; }
exec timeout -k 5 300 node tests/web/protocol.test.js
