#!/bin/sh
# The default flows and the staff authoring kit, through the real binary: every
# conversation test in flows/tests (loket test flows), every example of
# docs/panduan-alur.md applied to a copy of the flows and checked, `loket import status`
# (upsert, replace, bad rows by line), `loket tickets`, `loket graph`, and the lint's
# ambiguity warning. Ends with one "N passed, N failed" line; the conversation tests count
# one each.
bin=${LOKET_BIN:-./loket}
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "not ok: $1"; fi; }

# ---- conversation tests ----
timeout 50 "$bin" test flows >"$t/test.out" 2>&1; rc=$?
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$t/test.out" | tail -1)
p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3)
pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
if [ "$rc" -ne 0 ]; then
  grep -A12 'GAGAL' "$t/test.out" | head -40
  [ "${f:-0}" -eq 0 ] && fail=$((fail + 1)) && echo "not ok: loket test flows exited $rc"
fi
check "loket test flows has at least 60 tests (${p:-0})" '[ "${p:-0}" -ge 60 ]'
check "coverage is reported" 'grep -q "node coverage" "$t/test.out"'

# ---- the staff guide's examples ----
mkdir -p "$t/doc/flows/tests"
cp flows/*.lua "$t/doc/flows/"
# Splits the guide into numbered blocks: t/blocks/N.KIND (first line is the marker).
mkdir "$t/blocks"
awk -v out="$t/blocks" '
  /^```/ && !inblock { inblock = 1; n++; kind = substr($0, 4); if (kind == "") kind = "plain";
                       file = sprintf("%s/%03d.%s", out, n, kind); printf "" > file; next }
  /^```/ && inblock  { inblock = 0; close(file); next }
  inblock            { print > file }
' docs/panduan-alur.md
docs_ok=1
for b in "$t"/blocks/*; do
  first=$(head -1 "$b")
  case "$first" in
    "-- berkas: "*"(contoh salah)")
      path=$(echo "$first" | sed 's/^-- berkas: //; s/ (contoh salah)$//')
      cp "$t/doc/$path" "$t/good.lua" 2>/dev/null
      tail -n +2 "$b" > "$t/doc/$path"
      (cd "$t/doc" && "$bin" check flows) > "$t/bad.out" 2>&1; rc=$?
      check "guide: the broken example is refused (rc=$rc)" '[ $rc -eq 1 ]'
      expect_bad=1 ;;
    "-- berkas: "*)
      path=${first#-- berkas: }
      tail -n +2 "$b" > "$t/doc/$path"
      out=$(cd "$t/doc" && "$bin" check flows 2>&1) ||
        { docs_ok=0; echo "not ok: guide example $path does not pass check:"; echo "$out" | tail -5; } ;;
    "-- sisipkan ke: "*)
      path=$(echo "$first" | sed 's/^-- sisipkan ke: //; s/, setelah.*$//')
      anchor=$(echo "$first" | sed 's/^.*memuat: //')
      tail -n +2 "$b" > "$t/insert"
      awk -v anchor="$anchor" -v ins="$t/insert" '
        { print } index($0, anchor) && !done { while ((getline l < ins) > 0) print l; done = 1 }
      ' "$t/doc/$path" > "$t/doc/$path.new" && mv "$t/doc/$path.new" "$t/doc/$path"
      out=$(cd "$t/doc" && "$bin" check flows 2>&1) ||
        { docs_ok=0; echo "not ok: guide insertion into $path does not pass check:"; echo "$out" | tail -5; } ;;
    "# berkas: "*)
      path=${first#\# berkas: }
      tail -n +2 "$b" > "$t/doc/$path"
      out=$(cd "$t/doc" && "$bin" test "$path" 2>&1) ||
        { docs_ok=0; echo "not ok: guide test $path fails:"; echo "$out" | head -20; } ;;
    '$ loket check flows')
      if [ "${expect_bad:-0}" -eq 1 ]; then
        for l in $(grep -n '^flows/' "$b" | cut -d: -f1); do
          want=$(sed -n "${l}p" "$b")
          check "guide: check prints '$(echo "$want" | cut -c1-60)...'" 'grep -qF "$want" "$t/bad.out"'
        done
        cp "$t/good.lua" "$t/doc/$path"; expect_bad=0
      fi ;;
    '$ loket test flows')
      out=$(cd "$t/doc" && timeout 50 "$bin" test flows 2>&1)
      check "guide: loket test flows on the guide's flows ends with 0 failed" \
        'echo "$out" | tail -1 | grep -qE "^[0-9]+ passed, 0 failed"' ;;
    'GAGAL / FAIL '*)
      printf '=== gagal\n> mau legalisir fotokopi akta\n< teks yang tidak ada\n' > "$t/doc/flows/tests/gagal.test"
      out=$(cd "$t/doc" && "$bin" test flows/tests/gagal.test 2>&1); rc=$?
      check "guide: a failing test exits 1 and reads as the guide shows" \
        '[ $rc -eq 1 ] && echo "$out" | grep -q "GAGAL / FAIL flows/tests/gagal.test:1" &&
         echo "$out" | grep -q "harus memuat / must contain" && echo "$out" | grep -q "jawaban bot / actual reply"'
      rm -f "$t/doc/flows/tests/gagal.test" ;;
  esac
done
check "guide: every example passes" '[ $docs_ok -eq 1 ]'
n_examples=$(grep -lE '^(-- berkas|-- sisipkan|# berkas)' "$t"/blocks/* | wc -l)
check "guide: at least 6 checked examples ($n_examples)" '[ "$n_examples" -ge 6 ]'

# ---- loket import status ----
cat > "$t/s.csv" <<'EOF'
nomor;nik;tanggal_lahir;layanan;tahap;tanggal;keterangan
KTP-1-0001;3374101205900001;12-05-1990;KTP-el;Dicetak;01-03-2025;
KTP-1-0002;;;KTP-el;"Verifikasi; tahap 2";02-03-2025;
;;;KTP-el;Dicetak;;
KTP-1-0004;33741O1205900001;;KTP-el;Dicetak;;
KTP-1-0005;;32-13-1990;KTP-el;Dicetak;;
KTP-1-0006;;;KTP-el;;;
EOF
out=$("$bin" import status "$t/s.csv" --db "$t/i.db" 2>&1); rc=$?
check "import: bad rows make exit 1 (rc=$rc)" '[ $rc -eq 1 ]'
check "import: good rows are loaded" 'echo "$out" | grep -q "2 status dimuat"'
check "import: an empty number is reported with its line" 'echo "$out" | grep -q "s.csv:4:.*nomor kosong"'
check "import: a bad NIK is reported with its line" 'echo "$out" | grep -q "s.csv:5:.*NIK"'
check "import: a bad date is reported with its line" 'echo "$out" | grep -q "s.csv:6:.*tanggal lahir"'
check "import: an empty stage is reported with its line" 'echo "$out" | grep -q "s.csv:7:.*tahap kosong"'
n=$(sqlite3 "$t/i.db" "select count(*) from office_status" 2>&1)
check "import: two rows in the table ($n)" '[ "$n" = 2 ]'
stage=$(sqlite3 "$t/i.db" "select stage from office_status where key='KTP10002'")
check "import: a quoted field keeps its separator ($stage)" '[ "$stage" = "Verifikasi; tahap 2" ]'
printf 'nomor,tahap\nKTP-1-0001,Selesai\nKTP-1-0009,Baru\n' > "$t/u.csv"
"$bin" import status "$t/u.csv" --db "$t/i.db" >/dev/null 2>&1; rc=$?
n=$(sqlite3 "$t/i.db" "select count(*) || ':' || (select stage from office_status where key='KTP10001') from office_status")
check "import: upsert updates and adds (rc=$rc, $n)" '[ $rc -eq 0 ] && [ "$n" = "3:Selesai" ]'
"$bin" import status "$t/s.csv" --db "$t/i.db" --replace >/dev/null 2>&1; rc=$?
n=$(sqlite3 "$t/i.db" "select count(*) from office_status")
check "import: --replace with bad rows changes nothing (rc=$rc, $n rows)" '[ $rc -eq 1 ] && [ "$n" = 3 ]'
"$bin" import status "$t/u.csv" --db "$t/i.db" --replace >/dev/null 2>&1; rc=$?
n=$(sqlite3 "$t/i.db" "select group_concat(number) from office_status order by number")
check "import: --replace replaces everything (rc=$rc, $n)" '[ $rc -eq 0 ] && [ "$n" = "KTP-1-0001,KTP-1-0009" ]'
printf 'nama,umur\nA,1\n' > "$t/h.csv"
out=$("$bin" import status "$t/h.csv" --db "$t/i.db" 2>&1); rc=$?
check "import: a header without nomor/tahap is refused with a hint" '[ $rc -eq 1 ] && echo "$out" | grep -q "nomor.*tahap"'
check "import --help is bilingual" '"$bin" import --help | grep -q "Pemakaian / usage"'

# the imported status reaches a citizen through the flows
out=$(printf 'cek status ktp 1 0009\n' | "$bin" chat --flows flows --db "$t/i.db" --as st 2>&1)
check "import: the status is found in chat" 'echo "$out" | grep -q "Tahap: Baru"'

# ---- complaints and loket tickets ----
printf 'pengaduan\n2\ndiminta uang 50 ribu di loket 4 supaya cepat\nya\n081234567890\n' |
  "$bin" chat --flows flows --db "$t/k.db" --as adu1 > "$t/adu.out" 2>&1
printf 'pengaduan\n1\nsudah tiga minggu belum ada kabar soal KK saya\ntidak\n' |
  "$bin" chat --flows flows --db "$t/k.db" --as adu2 >> "$t/adu.out" 2>&1
check "complaint: the citizen gets a ticket number" 'grep -qE "ADU-[0-9]{6}-0001" "$t/adu.out"'
check "complaint: with the response time and SP4N-LAPOR!" 'grep -q "SP4N-LAPOR" "$t/adu.out"'
out=$("$bin" tickets --status open --db "$t/k.db" 2>&1); rc=$?
check "tickets: lists open tickets (rc=$rc)" '[ $rc -eq 0 ] && echo "$out" | grep -q "2 tiket"'
check "tickets: category, contact and text shown" 'echo "$out" | grep -q "pungli" && echo "$out" | grep -q "+6281234567890" && echo "$out" | grep -q "50 ribu"'
check "tickets: an anonymous complaint shows no contact" 'echo "$out" | grep -q "anonim / anonymous"'
out=$("$bin" tickets --status closed --db "$t/k.db" 2>&1)
check "tickets: a status filter" 'echo "$out" | grep -q "^0 tiket"'
check "tickets --help is bilingual" '"$bin" tickets --help | grep -q "Pemakaian / usage"'
out=$(TZ=UTC0 "$bin" tickets --db "$t/k.db" 2>&1)
check "tickets: times in the office's timezone on a machine in UTC" 'echo "$out" | grep -qE "^ADU-[0-9-]+  [0-9-]+ [0-9:]+ WIB "'
out=$(TZ=UTC0 "$bin" transcripts --db "$t/k.db" 2>&1)
check "transcripts: times with the office's offset on a machine in UTC" 'echo "$out" | sed -n 2p | grep -q "+0700"'
mkdir -p "$t/wit" && cp flows/*.lua "$t/wit/" && sed -i 's/timezone = "WIB"/timezone = "WIT"/' "$t/wit/settings.lua"
out=$(TZ=UTC0 "$bin" tickets --db "$t/k.db" --flows "$t/wit" 2>&1)
check "tickets --flows: another office's timezone" 'echo "$out" | grep -q " WIT "'
sed -i 's/timezone = "WIT"/timezone = "Jakarta"/' "$t/wit/settings.lua"
out=$("$bin" check "$t/wit" 2>&1); rc=$?
check "check: an unknown timezone is an error naming it (rc=$rc)" '[ $rc -eq 1 ] && echo "$out" | grep -q "timezone .Jakarta. tidak dikenal"'
cp flows/settings.lua "$t/wit/" && sed -i 's/other = "kontak_langsung"/other = "tidak_ada"/' "$t/wit/pengaduan.lua"
out=$("$bin" check "$t/wit" 2>&1); rc=$?
check "check: a menu's unknown 'other' target is an error (rc=$rc)" '[ $rc -eq 1 ] && echo "$out" | grep -q "tidak_ada"'
"$bin" tickets --db "$t/none.db" >/dev/null 2>&1; rc=$?
check "tickets: a missing database is an error (rc=$rc)" '[ $rc -ne 0 ]'

# ---- handoff summary and the supervisor flag, as stored ----
say() { who=$1; shift; printf '%s\n' "$@" | "$bin" chat --flows flows --db "$t/h.db" --as "$who" >/dev/null 2>&1; }
LOKET_NOW=2026-11-30T10:00:00 say hand1 'halo' 'ktp sy ilang' 'nik 3374101205900001' 'petugas'
r=$(sqlite3 "$t/h.db" "select reason from handoffs h join conversations c on c.id = h.conversation_id where c.address = 'hand1'")
check "handoff in office hours carries what the citizen wrote ($r)" 'echo "$r" | grep -q "ktp sy ilang"'
check "the handoff summary masks the NIK" 'echo "$r" | grep -q "3374\*\*\*\*\*\*\*\*0001" && ! echo "$r" | grep -q 3374101205900001'
st=$(sqlite3 "$t/h.db" "select status from conversations where address = 'hand1'")
check "the conversation waits for an officer ($st)" '[ "$st" = handoff ]'
LOKET_NOW=2026-11-28T10:00:00 say out1 'petugas'
n=$(sqlite3 "$t/h.db" "select count(*) from handoffs h join conversations c on c.id = h.conversation_id where c.address = 'out1'")
check "outside office hours nothing is handed off ($n)" '[ "$n" = 0 ]'
say abuse1 'bodoh' 'tolol kalian' 'anjing'
st=$(sqlite3 "$t/h.db" "select c.status || ':' || h.reason from conversations c join handoffs h on h.conversation_id = c.id where c.address = 'abuse1'")
check "repeated abuse flags the conversation for a supervisor ($st)" '[ "$st" = "flagged:bahasa kasar berulang" ]'
say threat1 'awas kalian kantornya sy bakar'
st=$(sqlite3 "$t/h.db" "select status from conversations where address = 'threat1'")
check "a threat flags at once ($st)" '[ "$st" = flagged ]'

# ---- loket graph ----
out=$("$bin" graph ktp 2>&1)
check "graph: DOT by default" 'echo "$out" | grep -q "^digraph \"ktp\""'
check "graph: options are labelled edges" 'echo "$out" | grep -q "ktp__start -> ktp__hilang \[label=\"2. KTP-el hilang\"\]"'
check "graph: a menu's free-text target is an edge" '"$bin" graph pengaduan | grep -q "pengaduan__identitas -> pengaduan__kontak_langsung \[label=\"teks lain / other text\"\]"'
check "graph: other flows are drawn dashed" 'echo "$out" | grep -q "main__menu \[label=\"main.menu\""'
if command -v dot >/dev/null 2>&1; then
  check "graph: dot accepts it" '"$bin" graph main | dot -Tsvg >/dev/null 2>&1'
fi
out=$("$bin" graph status --mermaid 2>&1)
check "graph --mermaid" 'echo "$out" | head -1 | grep -q "^flowchart" && echo "$out" | grep -q "status__pilih -->"'
"$bin" graph tidak_ada >/dev/null 2>&1; rc=$?
check "graph: an unknown flow is an error (rc=$rc)" '[ $rc -eq 1 ]'
check "graph --help is bilingual" '"$bin" graph --help | grep -q "Pemakaian / usage"'

# ---- lint: ambiguous options ----
mkdir "$t/amb"
printf 'return flow {\n  id = "main",\n  start = menu { "Pilih:",\n    { "Cetak ulang KTP", go = "a" },\n    { "Cetak ulang KK", go = "a", keywords = { "cetak ulang" } } },\n  a = done { "ok" },\n}\n' > "$t/amb/main.lua"
out=$("$bin" check "$t/amb" 2>&1)
check "check warns about ambiguous options" 'echo "$out" | grep -q "main.lua:3:.*cetak ulang.*tertukar"'
check "check warns about a text without English" 'echo "$out" | grep -q "main.lua:3:.*teks tanpa versi Inggris"'
check "check warns about an option without English" 'echo "$out" | grep -q "main.lua:3:.*Cetak ulang KK.*tanpa versi Inggris"'
check "check: the default flows have no warnings (every text and option in English too)" '"$bin" check flows | grep -q "0 peringatan"'
check "test --help is bilingual" '"$bin" test --help | grep -q "Pemakaian / usage"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
