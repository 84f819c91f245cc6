# Sourced by the web test scripts: installs tests/node_modules from the lockfile when it
# is missing or older than the lockfile (npm ci, bounded).
if [ ! -d tests/node_modules/ws ] || [ ! -d tests/node_modules/playwright-core ] ||
   [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  timeout 300 npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null ||
    { echo "npm ci --prefix tests gagal / failed"; false; }
fi
