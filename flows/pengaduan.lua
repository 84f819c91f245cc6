-- PENGADUAN: kategori, cerita singkat, kontak (boleh dilewati), boleh tanpa nama. Tersimpan
-- sebagai tiket; petugas melihatnya dengan: loket tickets --status open
-- Complaints: category, description, optional contact, optional anonymity. Stored as a
-- ticket; staff list them with: loket tickets --status open

local KATEGORI = {
  lambat = "Pelayanan lambat",
  pungli = "Diminta biaya / pungli",
  petugas = "Sikap petugas",
  data = "Data salah",
  lainnya = "Lainnya",
}

return flow {
  id = "pengaduan",
  title = { "Pengaduan", en = "Complaint" },
  keywords = {
    "pengaduan", "aduan", "mengadu", "komplain", "lapor petugas", "keluhan", "complaint",
    "complain",
    { "pungli", "pungutan liar", "diminta uang", "dimintai uang", "minta uang", "diminta bayar",
      "bayar biar cepat", "biar cepat", "supaya cepat", "uang pelicin", "uang rokok", "lewat calo",
      "pakai calo", "calo ktp", "calo nawarin", "ditawari calo", "calo menawarkan", "uang suap",
      "minta suap", "minta duit", "dimintai duit", "diminta duit", "uang percepatan",
      "biaya percepatan", "oknum minta uang", "oknum minta duit",
      -- tiga kata, agar mengalahkan "buat ktp" / three words, to outweigh "buat ktp"
      "uang buat percepat", "duit buat percepat",
      "oknum uang buat", "oknum duit buat", "asked for money", "bribe",
      "illegal fee", go = "pungli" },
    { "lelet", "lambat", "lama banget", "lama sekali", "kecewa", "parah banget", "mengecewakan",
      "tidak becus", "pelayanan buruk", "pelayanan jelek", "sebulan belum jadi", "lelet banget",
      "lama banget belum", "jadi jadi",
      "dipersulit", "ribet", "very slow", "too slow", "slow service", "bad service",
      "disappointed", "took too long", go = "kritik" },
    { "petugas judes", "petugas kasar", "petugas tidak ramah", "petugasnya", "rude officer",
      "officer was rude", go = "petugas" },
  },

  start = menu {
    { "Pengaduan. Apa yang ingin Anda laporkan?", en = "Complaint. What would you like to report?" },
    { "Pelayanan lambat", en = "Slow service", go = "lambat" },
    { "Diminta biaya/pungli", en = "Asked to pay (bribe)", go = "pungli" },
    { "Sikap petugas", en = "Officer conduct", go = "petugas" },
    { "Data salah", en = "Wrong data", go = "data" },
    { "Lainnya", en = "Other", go = "lainnya" },
    { "Batal", en = "Cancel", go = "main.menu" },
  },

  -- Kritik keras adalah pengaduan, bukan bahasa kasar / harsh criticism is a complaint.
  kritik = run(function(c)
    c.vars.kategori = "lambat"
    c.vars.awal = c.text
    c:say(c.lang == "en"
      and "We are sorry for the inconvenience. We will record this as a complaint so it is followed up."
      or "Mohon maaf atas ketidaknyamanan yang Anda alami. Kami catat sebagai pengaduan agar ditindaklanjuti.")
    return "isi"
  end),

  pungli = run(function(c)
    c.vars.kategori = "pungli"
    if c.text ~= "" and not c.text:match("^%s*%d+[.)]?%s*$") then c.vars.awal = c.text end
    c:say(c.lang == "en"
      and "Thank you for reporting this. Every civil-registration service is FREE; asking for money is an illegal levy (pungli) and will be followed up. You may stay anonymous."
      or "Terima kasih sudah melapor. Semua layanan Dukcapil GRATIS; permintaan uang adalah pungutan liar (pungli) dan akan kami tindak lanjuti. Anda boleh melapor tanpa nama.")
    return "isi"
  end),

  lambat = run(function(c) c.vars.kategori = "lambat" return "isi" end),
  petugas = run(function(c) c.vars.kategori = "petugas" return "isi" end),
  data = run(function(c) c.vars.kategori = "data" return "isi" end),
  lainnya = run(function(c) c.vars.kategori = "lainnya" return "isi" end),

  isi = ask {
    { "Ceritakan singkat apa yang terjadi: layanan apa, kapan, dan di mana. Mohon jangan "
      .. "menulis NIK lengkap.",
      en = "Briefly tell us what happened: which service, when and where. Please do not write "
        .. "your full NIK." },
    save = "isi",
    check = function(teks)
      if #teks:gsub("%s", "") >= 10 then return teks end
      return nil
    end,
    retry = { "Mohon ceritakan sedikit lebih lengkap (paling sedikit satu kalimat).",
              en = "Please tell us a little more (at least one sentence)." },
    go = "identitas",
  },

  identitas = menu {
    { "Bolehkah kami menghubungi Anda tentang pengaduan ini?",
      en = "May we contact you about this complaint?" },
    { "Ya, beri kontak", en = "Yes, give contact", go = "kontak",
      keywords = { "ya", "boleh", "iya", "oke", "ok", "baik", "siap", "bisa", "silakan" } },
    { "Tidak, tanpa nama", en = "No, anonymous", go = "anonim",
      keywords = { "tidak", "anonim", "rahasia", "tanpa nama" } },
    other = "kontak_langsung",
  },

  -- Nomor HP atau email yang langsung diketik di pertanyaan itu. A contact typed straight away.
  kontak_langsung = run(function(c)
    local kontak = valid.phone(c.text) or valid.email(c.text)
    if kontak then
      c.vars.kontak = kontak
      return "simpan"
    end
    c:say(c.lang == "en" and "Please choose 1 or 2, or type your phone number or email."
      or "Silakan pilih 1 atau 2, atau langsung ketik nomor HP atau email Anda.")
    return "identitas"
  end),

  kontak = ask {
    { "Ketik nomor HP atau email yang bisa dihubungi.",
      en = "Type a phone number or email where we can reach you." },
    save = "kontak",
    check = function(teks)
      return valid.phone(teks) or valid.email(teks)
    end,
    retry = { "Nomor HP atau email belum benar, contoh 0812-3456-7890 atau nama@contoh.id. Coba "
              .. "lagi.",
              en = "That phone number or email is not valid, for example 0812-3456-7890 or "
                .. "name@example.id. Please try again." },
    go = "simpan",
  },

  anonim = run(function(c)
    c.vars.anonim = true
    return "simpan"
  end),

  simpan = run(function(c)
    local isi = c.vars.isi or ""
    if c.vars.awal and c.vars.awal ~= "" then isi = c.vars.awal .. " / " .. isi end
    c.vars.tiket = c:ticket {
      category = KATEGORI[c.vars.kategori] or KATEGORI.lainnya,
      description = isi,
      contact = c.vars.kontak,
      anonymous = c.vars.anonim == true,
    }
    c.vars.isi, c.vars.awal, c.vars.kontak, c.vars.anonim = nil, nil, nil, nil
    return "selesai"
  end),

  selesai = say {
    { "Pengaduan Anda sudah tercatat dengan nomor *{tiket}*. Simpan nomor ini. Petugas "
      .. "{kantor.nama} akan menanggapi paling lambat {kantor.respon_pengaduan}.\n"
      .. "Bila belum ada tanggapan, Anda dapat melapor ke SP4N-LAPOR! di lapor.go.id atau SMS "
      .. "1708 (boleh anonim), dengan menyebut nomor di atas.",
      en = "Your complaint is recorded as *{tiket}*. Please keep this number. {kantor.nama} "
        .. "will respond within {kantor.respon_pengaduan}.\n"
        .. "If you get no response, you can report to SP4N-LAPOR! at lapor.go.id or SMS 1708 "
        .. "(anonymous allowed), quoting the number above." },
    go = "main.lagi",
  },
}
