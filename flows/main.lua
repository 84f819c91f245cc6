-- ALUR UTAMA: salam, menu utama, info kantor, biaya, petugas, bahasa kasar, pertanyaan di
-- luar layanan Dukcapil, dan penutup.
-- Main flow: greeting, main menu, office facts, fees, officer, abuse, off-topic, closing.

-- ---- bantuan jam layanan (untuk yang bisa memrogram) / office-hours helpers ----
local HARI = { "minggu", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu" }
local HARI_EN = { minggu = "Sunday", senin = "Monday", selasa = "Tuesday", rabu = "Wednesday",
                  kamis = "Thursday", jumat = "Friday", sabtu = "Saturday" }

-- "08.00-15.00" -> 480, 900 (menit sejak tengah malam); "tutup" -> nil
local function rentang(s)
  local t = {}
  for h, m in tostring(s or ""):gmatch("(%d%d?)[.:](%d%d)") do
    t[#t + 1] = tonumber(h) * 60 + tonumber(m)
  end
  if #t >= 2 then return t[1], t[2] end
  return nil
end

local function libur(k, now)
  local hari_ini = os.date("%Y-%m-%d", now)
  for _, d in ipairs(k.libur or {}) do
    if d == hari_ini then return true end
  end
  return false
end

-- Buka sekarang? Returns open (boolean), today's closing time text.
local function buka_sekarang(k, now)
  local t = os.date("*t", now)
  local jam = (k.jam_layanan or {})[HARI[t.wday]]
  local dari, sampai = rentang(jam)
  local menit = t.hour * 60 + t.min
  if not dari or libur(k, now) then return false end
  return menit >= dari and menit < sampai, jam
end

-- Kapan petugas kembali: "Senin pukul 08.00" / when officers are back.
local function kembali(k, now, lang)
  local t = os.date("*t", now)
  local menit = t.hour * 60 + t.min
  for i = 0, 14 do
    local hari = os.time({ year = t.year, month = t.month, day = t.day + i, hour = 12 })
    local nama = HARI[os.date("*t", hari).wday]
    local jam = (k.jam_layanan or {})[nama]
    local dari = rentang(jam)
    if dari and not libur(k, hari) and (i > 0 or menit < dari) then
      local pukul = jam:match("^%s*(%d%d?[.:]%d%d)")
      if lang == "en" then
        return (i == 0 and "today" or i == 1 and "tomorrow (" .. HARI_EN[nama] .. ")"
                or HARI_EN[nama]) .. " at " .. pukul
      end
      local hari_teks = i == 0 and "hari ini" or i == 1 and "besok (" .. nama .. ")" or nama
      return hari_teks:gsub("^%l", string.upper) .. " pukul " .. pukul
    end
  end
  return lang == "en" and "on the next working day" or "pada hari kerja berikutnya"
end

-- Jadwal sebagai teks: "Senin: 08.00-15.00\n..." / the week as text.
local function jadwal(k, lang)
  local baris = {}
  for i = 2, 8 do
    local nama = HARI[(i - 1) % 7 + 1]
    local jam = (k.jam_layanan or {})[nama] or "tutup"
    local label = lang == "en" and HARI_EN[nama] or (nama:gsub("^%l", string.upper))
    if lang == "en" and not rentang(jam) then jam = "closed" end
    baris[#baris + 1] = "• " .. label .. ": " .. jam
  end
  return table.concat(baris, "\n")
end

-- Kata kasar dan ancaman, diperiksa utuh (kata kunci mentoleransi salah ketik: "butuh"
-- tidak boleh dianggap "bunuh"). Abuse and threat words, checked whole: keywords tolerate
-- typos, and "butuh" (need) must never count as "bunuh" (kill).
local KASAR = { "goblok", "gblk", "bodoh", "tolol", "bego", "anjing", "anjir", "anjg", "asu",
                "bangsat", "brengsek", "bajingan", "kampret", "sialan", "babi", "tai", "idiot",
                "kurang ajar", "kurang hajar" }
local ANCAMAN = { "bunuh", "dibunuh", "bom", "dibom", "bakar", "dibakar", "ancam", "mengancam",
                  "hajar", "dihajar", "awas kalian", "teror", "tembak", "bacok" }

local function menyebut(teks, daftar)
  local t, n = teks:lower(), 0
  repeat t, n = t:gsub("(%a)%1", "%1") until n == 0   -- "gobloookkk" -> "goblok"
  t = " " .. t:gsub("[^%a]+", " ") .. " "
  for _, w in ipairs(daftar) do
    if t:find(" " .. w .. " ", 1, true) or t:find(" " .. w .. "nya ", 1, true)
       or t:find(" " .. w .. "lah ", 1, true) then
      return true
    end
  end
  return false
end

-- Himpunan dari daftar kata / a set from a list of words.
local function himpunan(daftar)
  local h = {}
  for _, w in ipairs(daftar) do h[w] = true end
  return h
end

-- Pesan pertama dalam bahasa Inggris: dua kata Inggris atau lebih dan tidak ada kata
-- Indonesia yang umum. A first message in English: two English words or more and none of the
-- common Indonesian ones.
local INGGRIS = himpunan { "i", "i'm", "my", "me", "the", "a", "an", "is", "are", "to", "do",
  "how", "what", "where", "when", "can", "want", "need", "get", "please", "hello", "hi",
  "thanks", "thank", "you", "your", "lost", "card", "certificate", "office", "open", "opening",
  "hours", "free", "person", "complain", "moving", "check", "status", "application",
  "activate", "digital", "of", "for", "it", "birth", "death", "family", "requirements", "new",
  "id", "was", "were", "has", "have", "stolen", "broken", "damaged", "got", "lose" }
local INDONESIA = himpunan { "saya", "sy", "aku", "mau", "ingin", "gimana", "bagaimana", "apa",
  "yang", "yg", "dan", "di", "ke", "dari", "tidak", "gak", "gk", "ga", "bisa", "dong", "sih",
  "aja", "udah", "sudah", "belum", "blm", "mohon", "tolong", "kak", "min", "pak", "bu", "bapak",
  "ibu", "selamat", "terima", "kasih", "untuk", "ada", "buat", "bikin", "cara", "syarat", "anak",
  "baru" }

local function berbahasa_inggris(teks)  -- teks sudah huruf kecil / already lower case
  local n, dilihat = 0, {}
  for w in teks:gmatch("[%a']+") do
    if INDONESIA[w] then return false end
    if INGGRIS[w] and not dilihat[w] then
      dilihat[w] = true
      n = n + 1
    end
  end
  return n >= 2
end

-- Tujuan kata kunci yang hanya basa-basi: pesan pertama seperti itu mendapat sambutan.
-- Keyword targets that are only small talk: such a first message gets the welcome.
local SAPAAN = { ["main.start"] = true, ["main.sapa"] = true, ["main.menu"] = true,
                 ["main.tutup"] = true, ["main.lagi"] = true }

local function waktu_hari(now, lang)
  local h = os.date("*t", now).hour
  if lang == "en" then
    return h < 12 and "Good morning" or h < 18 and "Good afternoon" or "Good evening"
  end
  return h < 11 and "Selamat pagi" or h < 15 and "Selamat siang" or h < 18 and "Selamat sore"
         or "Selamat malam"
end

return flow {
  id = "main",
  title = { "Menu utama", en = "Main menu" },
  -- Kata kunci: tulisan warga yang langsung membawa ke node tertentu, dari mana saja.
  -- Salam tidak perlu kata kunci: pesan pertama selalu masuk ke 'start'.
  -- Keywords: what takes a citizen straight to a node from anywhere. Greetings need none:
  -- a first message always enters 'start'.
  keywords = {
    { "jam buka", "jam layanan", "jam kerja", "buka jam", "sabtu buka", "minggu buka",
      "hari libur", "buka", "tutup jam", "buka tidak", "jam berapa", "jam pelayanan",
      "istirahat", "jam istirahat", "opening hours", "office hours",
      "open on saturday", "open today", "open now", "antrian", "antrean", "nomor antrian",
      "nomor antrean", "antrian online", "kuota", "queue", go = "jam" },
    { "alamat kantor", "kantornya di mana", "kantor di mana", "lokasi", "alamat dukcapil",
      "kantor", "peta", "nomor telepon", "no telp", "nomor telp", "telepon", "call center",
      "kontak", "nomor wa", "email dukcapil", "where is the office", "office address",
      "phone number", "contact", go = "jam" },
    { "biaya", "bayar", "berapa biaya", "tarif", "harga", "gratis", "berapa uang",
      "bayar berapa", "berapa duit", "is it free", "how much cost", "how much pay",
      "how much money", "how much fee", "how much does it cost",
      "fee", "price", go = "biaya" },
    -- 'alone': hanya bila pesannya cuma itu ("sip kak"), bukan "sip, yang rekam baru".
    -- 'alone': only when the message is just that ("ok thanks"), not "ok, and the KK?".
    { "terima kasih", "terima kasih banyak", "terima kasih infonya", "makasih",
      "makasih banyak", "makasih infonya", "makasi", "trims", "tengkyu", "sip", "siap",
      "oke", "oke sip", "baik", "baik terima kasih", "sudah cukup", "cukup", "sudah jelas",
      "sip makasih", "siap makasih", "oke makasih", "baik makasih", "sip terima kasih",
      "oke terima kasih", "siap terima kasih",
      "thank you", "thanks", "bye", "goodbye", "okay", "thank you so much", "thanks a lot",
      "thank you very much", "thanks so much", "many thanks", go = "tutup", alone = true },
    { "halo", "hallo", "hai", "hi", "hello", "p", "ping", "permisi", "punten", "tes", "test",
      "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "assalamualaikum",
      "good morning", "good afternoon", "anybody there", "apakah ada orang", "ada orang",
      "min", "kak", "gan", "mas", "mbak", "pak", "bu",
      go = "sapa", alone = true },
    { "amin", "aamiin", "amiin", "aamin", "amin ya allah", "aamiin ya allah", "amiin ya allah",
      "aamiin yra", go = "lagi", alone = true },
    { "tanya", "nanya", "bertanya", "numpang tanya", "numpang nanya", "izin tanya",
      "izin bertanya", "ijin tanya", "boleh tanya", "ada pertanyaan", "ask", "question",
      "have a question", "ask something", go = "menu", alone = true },
    { "talk to a person", "speak to a person", "talk to someone", "real person",
      "talk to an officer", go = "petugas" },
    { "goblok", "bodoh", "tolol", "bego", "anjing", "bangsat", "brengsek", "bajingan",
      "kampret", "sialan", "babi", "tai", "kurang ajar", "idiot", "anjir", "asu", go = "kasar" },
    { "bunuh", "bom", "bakar", "ancam", "mengancam", "hajar", "awas kalian", "teror", "tembak",
      "bacok", go = "ancaman" },
    { "bpjs", "kis", "jkn", go = "lain_bpjs" },
    { "sim", "sim a", "sim c", "perpanjang sim", "skck", "tilang", go = "lain_sim" },
    { "paspor", "passport", "imigrasi", go = "lain_paspor" },
    { "bansos", "bantuan sosial", "pkh", "blt", "sembako", "bpnt", "dtks", go = "lain_bansos" },
    { "nik tidak terdaftar", "nik terdaftar", "nik tidak aktif", "nik bermasalah",
      "nik ganda", "nik tidak valid", "ktp ganda", "nik dipakai", "nik disalahgunakan",
      "nik orang lain", "data ganda", go = "nik_masalah" },
  },

  -- Salam pembuka: menjawab salam dulu, lalu menu.
  start = run(function(c)
    local t = c.text:lower()
    for _, w in ipairs({ "menu", "mulai", "start", "restart", "batal", "cancel", "english",
                         "indonesia" }) do
      if t:find(w, 1, true) then return "menu" end
    end
    if t:find("%d") then
      -- Sebuah NIK dan paling banyak tiga kata ("nik saya 3201..."): anggap ingin cek status.
      -- A NIK with at most three words around it: a status check.
      local _, kata = t:gsub("%a+", "")
      for angka in t:gmatch("%d[%d%s%.%-]*%d") do
        local nik = kata <= 3 and valid.nik(angka)
        if nik then
          c.vars.nik = nik
          return "status.minta_lahir"
        end
      end
      -- Hanya nomor registrasi ("KTP-250310-0042"): cek status.
      -- Only a registration number: a status check.
      if t:match("^%s*%a%a%a?%a?%a?[%s%-/]?%d[%d%-/ ]*%d%s*$") then
        return "status.start"
      end
    end
    if c.lang ~= "en" and berbahasa_inggris(t) then c.lang = "en" end
    local en = c.lang == "en"
    if t:find("ass?alam") or t:find("aslm") or t:find("salamu") or t:find("^%s*ass%s") then
      c:say(en and "Wa'alaikumsalam warahmatullahi wabarakatuh."
                or "Wa'alaikumsalam warahmatullahi wabarakatuh.")
    elseif t:find("pagi") or t:find("siang") or t:find("sore") or t:find("malam") then
      c:say(waktu_hari(c.now, c.lang) .. (en and "!" or ", Bapak/Ibu."))
    elseif t:find("punten") or t:find("nuwun") or t:find("permisi") then
      c:say(en and "Hello, welcome." or "Mangga, silakan. Selamat datang.")
    elseif t:find("sampurasun") then
      c:say(en and "Hello, welcome." or "Rampés. Selamat datang.")
    else
      c:say(en and "Hello! " .. waktu_hari(c.now, c.lang) .. "."
                or "Halo, " .. waktu_hari(c.now, c.lang):lower() .. " Bapak/Ibu.")
    end
    -- Salam dan permintaan sekaligus ("assalamualaikum, mau bikin ktp"): jawab salamnya,
    -- lalu langsung ke permintaannya. A greeting with a request: answer both.
    local tujuan = c:route(c.text)
    if tujuan and not SAPAAN[tujuan] then return tujuan end
    return "sambutan"
  end),

  -- Salam di tengah percakapan ("halo?", "p", "permisi"): jawab, lalu menu utama.
  -- A greeting later in a conversation: answer it, then the main menu.
  sapa = run(function(c)
    local en = c.lang == "en"
    if c.text:lower():find("ass?alam") then
      c:say("Wa'alaikumsalam warahmatullahi wabarakatuh.")
    else
      c:say(en and "Hello! " .. waktu_hari(c.now, c.lang) .. ". We are here to help."
                or "Halo, " .. waktu_hari(c.now, c.lang):lower() .. " Bapak/Ibu. Kami siap membantu.")
    end
    return "menu"
  end),

  sambutan = say {
    { "Selamat datang di layanan informasi {kantor.nama}. Semua layanan Dukcapil GRATIS, "
      .. "tanpa biaya apa pun.",
      en = "Welcome to the information service of {kantor.nama}. All civil-registration "
        .. "services are FREE of charge." },
    go = "menu",
  },

  menu = menu {
    { "Silakan pilih layanan (ketik nomornya), atau tulis keperluan Anda:",
      en = "Please choose a service (type its number), or write what you need:" },
    { "KTP-el", en = "KTP-el (ID card)", go = "ktp.masuk",
      keywords = { "ktp", "e-ktp", "ktp el", "ktp elektronik" } },
    { "Kartu Keluarga (KK)", en = "Family card (KK)", go = "kk.masuk",
      keywords = { "kk", "kartu keluarga" } },
    { "Akta kelahiran", en = "Birth certificate", go = "akta_lahir.masuk",
      keywords = { "akta lahir", "lahir", "kelahiran" } },
    { "Akta kematian", en = "Death certificate", go = "akta_mati",
      keywords = { "kematian", "meninggal", "akta mati" } },
    { "Pindah domisili", en = "Moving (SKPWNI)", go = "pindah",
      keywords = { "pindah", "surat pindah", "domisili" } },
    { "KIA (kartu anak)", en = "Child ID card (KIA)", go = "kia",
      keywords = { "kia", "kartu identitas anak", "kartu anak" } },
    { "IKD (identitas digital)", en = "Digital ID (IKD)", go = "ikd",
      keywords = { "ikd", "identitas digital" } },
    { "Cek status", en = "Check status", go = "status.start",
      keywords = { "status", "cek status", "sudah jadi" } },
    { "Pengaduan", en = "Complaint", go = "pengaduan.start",
      keywords = { "aduan", "pengaduan", "komplain", "lapor" } },
    { "Lainnya", en = "More", desc = { "Jam, alamat, biaya, petugas", en = "Hours, address, fees, officer" },
      go = "lainnya", keywords = { "lain", "info", "informasi" } },
  },

  lainnya = menu {
    { "Informasi lain:", en = "More information:" },
    { "Jam & alamat kantor", en = "Hours & address", go = "jam" },
    { "Biaya layanan", en = "Fees", go = "biaya" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "petugas" },
    { "Menu utama", en = "Main menu", go = "menu" },
  },

  lagi = menu {
    { "Ada lagi yang bisa kami bantu?", en = "Anything else we can help with?" },
    { "Menu utama", en = "Main menu", go = "menu" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "petugas" },
    { "Selesai", en = "Done", go = "tutup", keywords = { "tidak", "sudah", "cukup" } },
  },

  -- Jam layanan dan alamat, dengan keterangan buka/tutup saat ini.
  jam = run(function(c)
    local k = c.data.kantor
    local en = c.lang == "en"
    local buka = buka_sekarang(k, c.now)
    local status
    if buka then
      status = en and "The office is OPEN now." or "Saat ini kantor sedang BUKA."
    else
      status = (en and "The office is CLOSED now; it opens again " or
                "Saat ini kantor TUTUP; buka kembali ") .. kembali(k, c.now, c.lang) .. "."
    end
    c:say((en and "*{kantor.nama}*\nAddress: {kantor.alamat}\nMap: {kantor.peta}\n\nOpening hours:\n"
               or "*{kantor.nama}*\nAlamat: {kantor.alamat}\nPeta: {kantor.peta}\n\nJam layanan:\n")
          .. jadwal(k, c.lang) .. "\n\n" .. status .. "\n"
          .. (en and "Phone: {kantor.telepon} · WhatsApp: {kantor.whatsapp} · Email: {kantor.email}\n"
                     .. "National call centre: {kantor.hotline}\n{kantor.kuota}"
                  or "Telepon: {kantor.telepon} · WhatsApp: {kantor.whatsapp} · Email: {kantor.email}\n"
                     .. "Pusat panggilan nasional: {kantor.hotline}\n{kantor.kuota}"))
    return "lagi"
  end),

  biaya = say {
    { "Semua layanan Dukcapil GRATIS: KTP-el, KK, akta kelahiran, akta kematian, surat pindah, "
      .. "KIA dan IKD. Tidak ada biaya resmi apa pun, termasuk untuk cetak ulang.\n"
      .. "⚠️ Jika ada yang meminta uang (pungli) atau menawarkan jalan pintas berbayar, tolak dan "
      .. "laporkan lewat menu Pengaduan. Laporan boleh tanpa nama.",
      en = "Every civil-registration service is FREE: ID card, family card, birth and death "
        .. "certificates, moving certificate, child ID and digital ID. There is no official fee "
        .. "of any kind, reprints included.\n⚠️ If anyone asks you for money or offers a paid "
        .. "shortcut, refuse and report it through the Complaint menu. Reports may be anonymous." },
    go = "lagi",
  },

  -- Bicara dengan petugas: di dalam jam layanan diteruskan; di luar jam, kapan kembali.
  petugas = run(function(c)
    local k = c.data.kantor
    if buka_sekarang(k, c.now) then
      local pesan = c:recent(3)
      c.vars.ringkasan = #pesan > 0 and table.concat(pesan, " / ") or "-"
      return "petugas_ya"
    end
    c.vars.kembali = kembali(k, c.now, c.lang)
    return "petugas_tutup"
  end),

  petugas_ya = handoff {
    { "Baik, percakapan Anda kami teruskan ke petugas {kantor.nama}. Mohon tunggu, petugas "
      .. "akan membalas di sini. Tidak perlu mengirim pesan berulang ya.",
      en = "All right, we are passing your conversation to an officer of {kantor.nama}. Please "
        .. "wait, they will reply here. No need to send your message again." },
    reason = "Warga minta petugas. Pesan sebelumnya: {ringkasan}",
  },

  petugas_tutup = menu {
    { "Maaf, petugas kami sedang di luar jam layanan. Petugas kembali {kembali}. Pesan yang "
      .. "Anda tulis sekarang belum bisa dibalas petugas. Sementara itu Anda bisa:",
      en = "Sorry, our officers are outside office hours. They are back {kembali}. Messages "
        .. "sent now cannot be answered by an officer yet. Meanwhile you can:" },
    { "Buat pengaduan", en = "File a complaint", go = "pengaduan.start" },
    { "Lihat jam layanan", en = "Opening hours", go = "jam" },
    { "Menu utama", en = "Main menu", go = "menu" },
  },

  -- Bahasa kasar: tegur dengan tenang; berulang atau ancaman: akhiri dan tandai.
  kasar = run(function(c)
    if menyebut(c.text, ANCAMAN) then return "ancaman" end
    if not menyebut(c.text, KASAR) then return "keliru" end
    c.vars.kasar = (tonumber(c.vars.kasar) or 0) + 1
    if c.vars.kasar >= 3 then
      c:flag("bahasa kasar berulang")
      return "akhiri"
    end
    return "tegur"
  end),

  ancaman = run(function(c)
    if not menyebut(c.text, ANCAMAN) then
      return menyebut(c.text, KASAR) and "kasar" or "keliru"
    end
    c:flag("ancaman")
    return "akhiri"
  end),

  -- Kata kunci kasar/ancaman terpicu oleh salah ketik: anggap belum dimengerti.
  -- An abuse/threat keyword matched only through a typo: treat it as not understood.
  keliru = say {
    { "Maaf, saya belum mengerti maksud Anda. Silakan pilih layanan di bawah ini, atau tulis "
      .. "singkat keperluan Anda.",
      en = "Sorry, I did not understand. Please choose a service below, or write your need "
        .. "briefly." },
    go = "menu",
  },

  tegur = menu {
    { "Kami memahami Anda mungkin sedang kesal, dan kami tetap ingin membantu. Mohon gunakan "
      .. "bahasa yang sopan ya. Bila pelayanan kami mengecewakan, sampaikan lewat pengaduan "
      .. "agar ditindaklanjuti.",
      en = "We understand you may be upset, and we still want to help. Please keep the "
        .. "language polite. If our service disappointed you, file a complaint so it is "
        .. "followed up." },
    { "Sampaikan pengaduan", en = "File a complaint", go = "pengaduan.start" },
    { "Menu utama", en = "Main menu", go = "menu" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "petugas" },
  },

  akhiri = done {
    { "Percakapan ini kami akhiri karena berisi kata-kata kasar atau ancaman, dan sudah kami "
      .. "teruskan ke pengawas layanan. Bila ingin dilayani kembali, ketik MENU.",
      en = "We are ending this conversation because it contained abusive words or threats; it "
        .. "has been passed to a supervisor. To be served again, type MENU." },
  },

  -- Di luar layanan Dukcapil / off-topic: point to the right agency.
  lain_bpjs = say {
    { "Urusan kartu BPJS bukan layanan Dukcapil. Silakan hubungi BPJS Kesehatan (Care Center "
      .. "165, aplikasi Mobile JKN) atau BPJS Ketenagakerjaan (175). Bila masalahnya NIK tidak "
      .. "terdaftar, ketik: NIK tidak terdaftar.",
      en = "BPJS cards are not a civil-registration service. Please contact BPJS Kesehatan "
        .. "(care centre 165, Mobile JKN app) or BPJS Ketenagakerjaan (175). If your NIK is "
        .. "reported as unregistered, type: NIK not registered." },
    go = "lagi",
  },
  lain_sim = say {
    { "SIM dan SKCK diurus di kepolisian (Satpas/Polres, aplikasi Digital Korlantas POLRI "
      .. "atau SUPERAPP POLRI), bukan di Dukcapil. Untuk SIM, bawa KTP-el Anda.",
      en = "Driving licences (SIM) and police certificates are issued by the police (Satpas/"
        .. "Polres, Digital Korlantas POLRI app), not by Dukcapil. Bring your KTP-el." },
    go = "lagi",
  },
  lain_paspor = say {
    { "Paspor diurus di Kantor Imigrasi (aplikasi M-Paspor), bukan di Dukcapil. Syaratnya "
      .. "antara lain KTP-el dan KK atau akta kelahiran.",
      en = "Passports are issued by the Immigration Office (M-Paspor app), not by Dukcapil. "
        .. "You need your KTP-el and family card or birth certificate." },
    go = "lagi",
  },
  lain_bansos = say {
    { "Bantuan sosial (PKH, BPNT, BLT) diurus Dinas Sosial dan kelurahan/desa; cek penerima di "
      .. "cekbansos.kemensos.go.id. Dukcapil hanya membantu bila data NIK/KK Anda bermasalah.",
      en = "Social aid (PKH, BPNT, BLT) is handled by the Social Affairs Office and your "
        .. "village office; check at cekbansos.kemensos.go.id. Dukcapil helps only when your "
        .. "NIK or family card data is wrong." },
    go = "lagi",
  },

  nik_masalah = menu {
    { "NIK yang tidak terdaftar atau tidak aktif di instansi lain (BPJS, bank, operator) tidak "
      .. "bisa kami periksa lewat chat. Petugas perlu melihat data Anda. Siapkan KTP-el dan KK, "
      .. "lalu pilih:",
      en = "A NIK that another agency (BPJS, bank, phone operator) reports as unregistered or "
        .. "inactive cannot be checked in this chat. An officer needs to look at your data. "
        .. "Have your KTP-el and family card ready, then choose:" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "petugas" },
    { "Jam & alamat kantor", en = "Hours & address", go = "jam" },
    { "Menu utama", en = "Main menu", go = "menu" },
  },

  tutup = done {
    { "Terima kasih telah menghubungi {kantor.nama}. Semoga urusan Anda lancar. Ketik MENU "
      .. "kapan saja bila perlu bantuan lagi.",
      en = "Thank you for contacting {kantor.nama}. We hope everything goes smoothly. Type "
        .. "MENU any time you need help again." },
  },
}
