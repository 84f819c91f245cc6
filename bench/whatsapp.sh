#!/bin/sh
# WhatsApp webhook benchmark (called by `make bench`): signed webhooks at rising rates into
# `loket serve` with the default flows, replies delivered to the fake Graph API.
# usage: bench/whatsapp.sh [BUILD_DIR]   (uses BUILD_DIR/loket, else ./loket)
cd "$(dirname "$0")/.." || exit 1
bin=./loket
[ -n "$1" ] && [ -x "$1/loket" ] && bin=$1/loket
exec node bench/whatsapp_bench.js "$bin"
