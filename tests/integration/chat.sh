#!/bin/sh
# `loket chat` driven through a pipe end to end, `loket check` on good and broken flows,
# and the store's refusals at start: the real binary, real files.
bin=${LOKET_BIN:-./loket}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "not ok: $1"; fi; }

out=$(printf 'halo\n1\nkembali\n2\nmenu\n' | timeout 60 "$bin" chat --flows flows --db "$t/c.db" --as pipe-1 2>&1)
check "chat answers a greeting with the main menu" 'echo "$out" | grep -q "1\. "'
check "chat exits 0 at end of input" 'printf "halo\n" | timeout 60 "$bin" chat --flows flows --db "$t/c.db" >/dev/null 2>&1'
n=$(sqlite3 "$t/c.db" "select count(*) from messages" 2>/dev/null)
check "every turn is in SQLite (>= 10 messages, got $n)" '[ "${n:-0}" -ge 10 ]'
n_in=$(sqlite3 "$t/c.db" "select count(*) from messages where direction='in' and channel='cli'")
check "six inbound messages recorded (got $n_in)" '[ "$n_in" -eq 6 ]'
out2=$(printf 'menu\n' | timeout 60 "$bin" chat --flows flows --db "$t/c.db" --as pipe-1 2>&1)
check "the same citizen continues after a restart" 'echo "$out2" | grep -q "1\. "'

head -c 100000 /dev/zero | tr '\0' 'a' > "$t/big"; echo >> "$t/big"
printf '\377\376 halo\n' >> "$t/big"
out3=$(timeout 60 "$bin" chat --flows flows --db "$t/c.db" --as pipe-2 < "$t/big" 2>&1); rc=$?
check "a 100 KB line and invalid UTF-8 do not crash chat (rc=$rc)" '[ $rc -eq 0 ]'
check "the long line gets a notice" 'echo "$out3" | grep -qi "terlalu panjang"'

mkdir "$t/bad"
printf 'return flow {\n  id = "main",\n  start = say { "hai", go = "tidak_ada" }\n}\n' > "$t/bad/main.lua"
out4=$("$bin" check "$t/bad" 2>&1); rc=$?
check "check refuses an unknown target with exit 1" '[ $rc -eq 1 ]'
check "naming file and line" 'echo "$out4" | grep -q "main.lua:3:.*tidak_ada"'
printf 'return flow {\n  id = "main"\n  start = say { "hai" }\n}\n' > "$t/bad/main.lua"
out5=$("$bin" check "$t/bad" 2>&1); rc=$?
check "a syntax error: exit 1 with file:line" '[ $rc -eq 1 ] && echo "$out5" | grep -q "main.lua:3:"'
out6=$(printf 'halo\n' | "$bin" chat --flows "$t/bad" --db "$t/b.db" 2>&1); rc=$?
check "chat refuses broken flows with a clear error" '[ $rc -ne 0 ] && echo "$out6" | grep -q "main.lua:3"'
check "check passes the default flows" '"$bin" check flows >/dev/null 2>&1'

head -c 4096 /dev/urandom > "$t/corrupt.db"; cp "$t/corrupt.db" "$t/corrupt.orig"
out7=$(printf 'halo\n' | "$bin" chat --db "$t/corrupt.db" 2>&1); rc=$?
check "a corrupt database is refused" '[ $rc -ne 0 ] && echo "$out7" | grep -qi "rusak\|corrupt"'
check "and left untouched" 'cmp -s "$t/corrupt.db" "$t/corrupt.orig"'
: > "$t/file"
out8=$(printf 'halo\n' | "$bin" chat --db "$t/file/x.db" 2>&1); rc=$?
check "an unwritable database path: clear error, non-zero exit" '[ $rc -ne 0 ] && [ -n "$out8" ]'

mkdir "$t/loop"
printf 'return flow { id = "main", title = "Loop", start = run(function(c) while true do end end) }\n' > "$t/loop/main.lua"
out9=$(printf 'halo\nhalo\n' | timeout 30 "$bin" chat --flows "$t/loop" --db "$t/l.db" 2>&1); rc=$?
check "an endless loop in a flow neither hangs nor crashes chat (rc=$rc)" '[ $rc -eq 0 ]'
check "the citizen gets an apology" 'echo "$out9" | grep -q "Maaf, terjadi gangguan"'

"$bin" transcripts --db "$t/c.db" --format csv > "$t/t.csv"
check "transcripts export CSV with a header" 'head -1 "$t/t.csv" | grep -q "^id,conversation"'
"$bin" transcripts --db "$t/c.db" --format json > "$t/t.json"
check "transcripts export valid JSON" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d) >= 10" "$t/t.json"'
check "loket --help lists the commands" '"$bin" --help | grep -q transcripts'
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
