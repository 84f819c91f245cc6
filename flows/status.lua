-- CEK STATUS PERMOHONAN: dengan nomor registrasi, atau NIK bersama tanggal lahir.
-- Data status dimuat petugas dengan: loket import status FILE.csv
-- Application status check: by registration number, or by NIK together with the date of
-- birth. Staff load the statuses with: loket import status FILE.csv

-- Nomor registrasi di dalam teks: huruf lalu angka ("KTP-250310-0042"), atau 6–15 angka.
-- A registration number inside a text: letters then digits, or 6 to 15 digits.
local function nomor_dari(teks)
  local t = teks:upper()
  local no = t:match("%f[%w](%a%a%a?%a?%a?[%s%-/]?%d[%d%-/ ]*%d)")
  if no and #no:gsub("%D", "") >= 4 then
    return (no:gsub("%s+", ""))
  end
  local angka = t:gsub("[%s%.%-]", "")
  local d = angka:match("%f[%d](%d+)%f[%D]")
  if d and #d >= 6 and #d <= 15 then return d end
  return nil
end

-- Penjelasan NIK yang salah / why a NIK is not valid.
local function alasan_nik(teks, en)
  local bersih = teks:gsub("[%s%.%-]", "")
  if bersih:find("[oO]") and not bersih:find("[^%doO]") then
    return en and "A NIK has digits only: did you type the letter O instead of zero 0?"
              or "NIK hanya berisi angka: mungkin huruf O terketik, seharusnya angka 0."
  end
  if bersih:find("%D") then
    return en and "A NIK has digits only." or "NIK hanya berisi angka."
  end
  if #bersih ~= 16 then
    return en and ("Your NIK has " .. #bersih .. " digits; a NIK has 16.")
              or ("NIK yang Anda ketik " .. #bersih .. " digit; NIK harus 16 digit.")
  end
  local hari, bulan = tonumber(bersih:sub(7, 8)), tonumber(bersih:sub(9, 10))
  if bulan < 1 or bulan > 12 then
    return en and "Digits 9–10 of a NIK are the birth month (01–12); please check them."
              or "Digit ke-9 dan ke-10 NIK adalah bulan lahir (01–12); mohon periksa lagi."
  end
  if hari < 1 or (hari > 31 and hari < 41) or hari > 71 then
    return en and "Digits 7–8 of a NIK are the birth day (01–31, or 41–71 for women); please check them."
              or "Digit ke-7 dan ke-8 NIK adalah tanggal lahir (01–31, atau 41–71 untuk perempuan); mohon periksa lagi."
  end
  return en and "That NIK does not look right; please check it against your KTP-el or KK."
            or "NIK tersebut tidak sesuai format; mohon cocokkan dengan KTP-el atau KK Anda."
end

-- Hasil pencarian sebagai teks / the status as text.
local function tampilkan(c, s)
  local en = c.lang == "en"
  local baris = { en and ("Application status *" .. s.number .. "*")
                      or ("Status permohonan *" .. s.number .. "*") }
  if s.service then baris[#baris + 1] = (en and "Service: " or "Layanan: ") .. s.service end
  baris[#baris + 1] = (en and "Stage: " or "Tahap: ") .. s.stage
  if s.date then baris[#baris + 1] = (en and "Since: " or "Tanggal: ") .. s.date end
  if s.note then baris[#baris + 1] = s.note end
  c:say(table.concat(baris, "\n"))
end

return flow {
  id = "status",
  title = { "Cek status permohonan", en = "Application status" },
  keywords = { "cek status", "status permohonan", "status berkas", "sudah jadi", "sudah selesai",
               "kapan jadi", "kapan selesai", "belum jadi", "cek berkas", "nomor registrasi",
               "lacak", "application status", "check status", "check my application",
               "is it ready", "not ready yet" },

  -- Bila warga sudah menulis nomornya ("cek status KTP-250310-0042"), langsung dicari.
  start = run(function(c)
    local no = nomor_dari(c.text)
    if no then
      c.vars.nomor = no
      return "cari"
    end
    return "pilih"
  end),

  pilih = menu {
    { "Cek status permohonan. Cari dengan:", en = "Application status. Search by:" },
    { "Nomor registrasi", en = "Registration number", go = "minta_nomor",
      desc = { "Ada di bukti pendaftaran", en = "On your receipt" } },
    { "NIK + tanggal lahir", en = "NIK + date of birth", go = "minta_nik" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
  },

  minta_nomor = ask {
    { "Ketik nomor registrasi Anda seperti tertulis di bukti pendaftaran (contoh: "
      .. "KTP-250310-0042).",
      en = "Type your registration number as printed on your receipt (for example: "
        .. "KTP-250310-0042)." },
    save = "nomor",
    check = function(teks) return nomor_dari(teks) end,
    retry = { "Nomor registrasi terdiri dari huruf dan angka, misalnya KTP-250310-0042. Coba "
              .. "ketik lagi, atau ketik MENU untuk kembali.",
              en = "A registration number has letters and digits, for example KTP-250310-0042. "
                .. "Please try again, or type MENU." },
    go = "cari",
  },

  cari = run(function(c)
    local s = c:status(c.vars.nomor)
    if not s then return "tidak_ada" end
    tampilkan(c, s)
    return "main.lagi"
  end),

  tidak_ada = menu {
    { "Maaf, nomor {nomor} belum kami temukan. Mohon periksa:\n"
      .. "✅ penulisan nomor sama persis dengan bukti pendaftaran (huruf dan angka)\n"
      .. "✅ data diperbarui setiap hari kerja, jadi permohonan hari ini mungkin belum masuk\n"
      .. "Pilih langkah berikutnya:",
      en = "Sorry, we could not find number {nomor}. Please check:\n"
        .. "✅ the number matches your receipt exactly (letters and digits)\n"
        .. "✅ the data is updated every working day, so today's application may not be in "
        .. "yet\nWhat next?" },
    { "Ketik ulang nomor", en = "Type it again", go = "minta_nomor" },
    { "Cari dengan NIK", en = "Search by NIK", go = "minta_nik" },
    { "Buat pengaduan", en = "File a complaint", go = "pengaduan.start" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "main.petugas" },
  },

  minta_nik = ask {
    { "Ketik NIK pemohon (16 digit, ada di KTP-el atau KK).",
      en = "Type the applicant's NIK (16 digits, on the KTP-el or family card)." },
    save = "nik",
    check = function(teks, c)
      local nik = valid.nik(teks)
      if not nik then c:say(alasan_nik(teks, c.lang == "en")) end
      return nik
    end,
    retry = { "Silakan ketik ulang NIK Anda (16 digit angka, tertulis di KTP-el atau KK), atau "
                .. "ketik MENU untuk kembali.",
              en = "Please type your NIK again (16 digits, printed on the KTP-el or the KK), or "
                .. "type MENU to go back." },
    go = "minta_lahir",
  },

  minta_lahir = ask {
    { "Terima kasih, NIK {nik}. Sekarang ketik tanggal lahir pemohon (contoh: 17-08-1990).",
      en = "Thank you, NIK {nik}. Now type the applicant's date of birth (for example: "
        .. "17-08-1990)." },
    save = "lahir",
    check = valid.date,
    retry = { "Tanggal lahir belum terbaca. Tulis tanggal-bulan-tahun, misalnya 17-08-1990.",
              en = "We could not read that date. Write day-month-year, for example 17-08-1990." },
    go = "cari_nik",
  },

  -- NIK tidak disimpan setelah dipakai / the NIK is not kept after use.
  cari_nik = run(function(c)
    local s = c:status_nik(c.vars.nik, c.vars.lahir)
    c.vars.nik = nil
    c.vars.lahir = nil
    if not s then return "nik_tidak_ada" end
    tampilkan(c, s)
    return "main.lagi"
  end),

  nik_tidak_ada = menu {
    { "Maaf, belum ada permohonan yang cocok dengan NIK dan tanggal lahir tersebut. Periksa "
      .. "kembali keduanya, atau gunakan nomor registrasi di bukti pendaftaran.",
      en = "Sorry, no application matches that NIK and date of birth. Please check both, or "
        .. "use the registration number on your receipt." },
    { "Coba lagi", en = "Try again", go = "minta_nik" },
    { "Pakai nomor registrasi", en = "Use the number", go = "minta_nomor" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "main.petugas" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
  },
}
