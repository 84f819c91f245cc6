-- LAYANAN KTP-el: rekam baru, hilang, rusak, perubahan data, masa berlaku.
-- Syarat bisa berbeda di tiap daerah: ubah teksnya di sini.
-- KTP-el services: new recording, lost, damaged, change of data, validity.
return flow {
  id = "ktp",
  title = { "KTP-el", en = "Electronic ID card (KTP-el)" },
  keywords = {
    "ktp", "e-ktp", "ktp el", "id card", "identity card",
    { "ktp baru", "buat ktp", "rekam ktp", "perekaman", "umur 17", "usia 17", "17 tahun",
      "sudah 17", "baru menikah ktp", "blangko habis", "blangko ktp", "blanko habis",
      "blanko ktp", "suket", "suket ktp", "surat keterangan pengganti",
      "new id card", "get id card", "make id card", "first id card", "turned 17",
      go = "baru" },
    { "ktp hilang", "kehilangan ktp", "ktp ical", "ktp dicuri", "dompet hilang", "lost id",
      "lost my id", "lost ktp", "stolen id", "id card stolen", "wallet stolen", "lost id card",
      "stolen id card", "ktp stolen", go = "hilang" },
    { "ktp rusak", "ktp patah", "ktp retak", "ktp pecah", "chip ktp", "ktp tidak terbaca",
      "ktp terkelupas", "ktp luntur", "cetak ulang ktp", "ktp kecuci", "ktp tercuci",
      "ktp basah", "damaged id", "broken id", "id card broken", "damaged ktp", "broken ktp",
      "chip not read", "damaged id card", "broken id card", go = "rusak" },
    { "ubah data", "perubahan data", "ganti data", "ganti status", "status kawin",
      "ganti pekerjaan", "salah nama", "ganti nama", "tambah gelar", "data ktp salah",
      "change my data", "change data", "marital status", "update my id", "wrong name on id",
      go = "ubah" },
    { "ktp luar domisili", "ktp beda domisili", "ktp bukan domisili", "ktp luar kota",
      "ktp luar daerah", "ktp beda kota", "ktp di kota lain", "urus ktp luar kota",
      "id card another city", "id card other city", "ktp another city", go = "domisili" },
    { "masa berlaku", "perpanjang ktp", "ktp kadaluarsa", "ktp kedaluwarsa", "ktp habis masa",
      "ktp mati", "berlaku seumur hidup", "ktp expired", "id card expired", "renew ktp",
      "renew my id", go = "berlaku" },
  },

  -- Masuk dari menu utama: bila warga sudah menulis keperluannya, langsung ke sana.
  -- Entry from the main menu: when the citizen already said what they need, go there.
  masuk = run(function(c) return c:route(c.text, "ktp") or "start" end),

  start = menu {
    { "Layanan KTP-el. Pilih yang sesuai:", en = "KTP-el services. Please choose:" },
    { "Rekam KTP-el baru", en = "New KTP-el", go = "baru",
      desc = { "Usia 17 / sudah menikah", en = "Age 17 or married" } },
    { "KTP-el hilang", en = "Lost KTP-el", go = "hilang" },
    { "KTP-el rusak", en = "Damaged KTP-el", go = "rusak",
      desc = { "Patah, chip tak terbaca", en = "Broken, chip unreadable" } },
    { "Perubahan data", en = "Change of data", go = "ubah",
      desc = { "Status, pekerjaan, nama", en = "Status, job, name" } },
    { "Cek status", en = "Check status", go = "status.start" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
  },

  baru = say {
    { "*Rekam KTP-el baru*\n"
      .. "Syarat:\n"
      .. "✅ Berusia 17 tahun, atau sudah/pernah menikah\n"
      .. "✅ Kartu Keluarga (KK) asli\n"
      .. "✅ Datang sendiri: foto, sidik jari, iris mata dan tanda tangan direkam langsung, "
      .. "tidak bisa diwakilkan\n"
      .. "Di beberapa kelurahan masih diminta surat pengantar RT/RW (bisa berbeda di tiap daerah).\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}. {kantor.kuota}\n"
      .. "Waktu: dicetak sekitar 1×24 jam bila jaringan lancar. Bila blangko habis, Anda "
      .. "mendapat Surat Keterangan (Suket) pengganti yang berlaku 6 bulan.\n\n"
      .. "💰 GRATIS, tanpa biaya apa pun. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*New KTP-el recording*\n"
        .. "Requirements:\n"
        .. "✅ Aged 17, or married / previously married\n"
        .. "✅ Original family card (KK)\n"
        .. "✅ Come in person: photo, fingerprints, iris and signature are recorded on the "
        .. "spot and cannot be done by someone else\n"
        .. "Some villages still ask for an RT/RW cover letter (varies by region).\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: printed in about 24 hours when the network is good. If blank cards run out "
        .. "you get a temporary certificate (Suket) valid for 6 months.\n\n"
        .. "💰 FREE of charge. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  hilang = say {
    { "*KTP-el hilang*\n"
      .. "Syarat:\n"
      .. "✅ Surat keterangan hilang dari kepolisian (Polsek/Polres)\n"
      .. "✅ Kartu Keluarga (KK)\n"
      .. "Tidak perlu rekam ulang: data dan sidik jari Anda sudah tersimpan. KTP-el diserahkan "
      .. "setelah pencocokan sidik jari.\n\n"
      .. "Tempat: kantor Dukcapil mana pun, termasuk {kantor.nama}, {kantor.alamat}.\n"
      .. "Waktu: biasanya selesai di hari yang sama; sebagian kantor sampai 14 hari kerja.\n\n"
      .. "💰 GRATIS, termasuk cetak ulang. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Lost KTP-el*\n"
        .. "Requirements:\n"
        .. "✅ A police loss report\n"
        .. "✅ Family card (KK)\n"
        .. "No new recording: your data and fingerprints are on file. The card is handed over "
        .. "after a fingerprint match.\n\n"
        .. "Where: any civil-registration office, including {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: often the same day; some offices take up to 14 working days.\n\n"
        .. "💰 FREE, reprint included. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  rusak = say {
    { "*KTP-el rusak* (patah, retak, chip tidak terbaca, tulisan pudar)\n"
      .. "Syarat:\n"
      .. "✅ KTP-el yang rusak (dibawa, jangan dibuang)\n"
      .. "✅ Kartu Keluarga (KK)\n"
      .. "Tidak perlu surat kepolisian dan tidak perlu rekam ulang.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}, atau kantor Dukcapil lain.\n"
      .. "Waktu: biasanya selesai di hari yang sama; sebagian kantor sampai 14 hari kerja.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Damaged KTP-el* (broken, cracked, unreadable chip, faded print)\n"
        .. "Requirements:\n"
        .. "✅ The damaged card (bring it, do not throw it away)\n"
        .. "✅ Family card (KK)\n"
        .. "No police letter and no new recording needed.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}, or another civil-registration office.\n"
        .. "Time: often the same day; some offices take up to 14 working days.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  ubah = say {
    { "*Perubahan data KTP-el*\n"
      .. "Syarat:\n"
      .. "✅ Kartu Keluarga (KK) yang sudah memuat data baru (ubah KK dulu bila belum)\n"
      .. "✅ Bukti perubahan: buku nikah/akta perkawinan atau putusan pengadilan (status "
      .. "kawin), ijazah (gelar), surat keterangan dari tempat kerja (pekerjaan)\n"
      .. "✅ KTP-el lama\n"
      .. "Alamat pindah ke kota lain? Itu layanan Pindah (ketik PINDAH).\n\n"
      .. "Tempat: hanya di Dukcapil domisili Anda: {kantor.nama}, {kantor.alamat}.\n"
      .. "Waktu: paling lama 14 hari kerja.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Change of KTP-el data*\n"
        .. "Requirements:\n"
        .. "✅ A family card (KK) that already shows the new data (update the KK first)\n"
        .. "✅ Proof of the change: marriage book or court decision (marital status), diploma "
        .. "(title), employer letter (occupation)\n"
        .. "✅ The old KTP-el\n"
        .. "Moving to another city? That is the Moving service (type PINDAH).\n\n"
        .. "Where: only at the office of your domicile: {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: up to 14 working days.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  berlaku = say {
    { "*Masa berlaku KTP-el*\n"
      .. "KTP-el berlaku seumur hidup (UU 24/2013), tidak perlu diperpanjang, walau kartu lama "
      .. "mencantumkan tanggal berlaku yang sudah lewat.\n"
      .. "Cetak ulang hanya bila datanya berubah (ketik UBAH DATA), kartunya rusak (ketik KTP "
      .. "RUSAK) atau hilang (ketik KTP HILANG).\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*How long a KTP-el is valid*\n"
        .. "A KTP-el is valid for life (Law 24/2013) and needs no renewal, even when an old "
        .. "card shows an expiry date that has passed.\n"
        .. "It is reprinted only when your data changes (type CHANGE DATA), the card is "
        .. "damaged (type DAMAGED ID CARD) or lost (type LOST ID CARD).\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  -- Mengurus di luar kota domisili: mana yang bisa di kantor mana saja.
  -- Away from one's home city: which services any office gives.
  domisili = say {
    { "*KTP-el di luar domisili*\n"
      .. "✅ KTP-el hilang atau rusak: bisa dicetak ulang di kantor Dukcapil mana pun, dengan "
      .. "syarat yang sama (surat kehilangan dari polisi atau KTP-el yang rusak, dan KK).\n"
      .. "❗ Perubahan data KTP-el: hanya di Dukcapil domisili Anda (sesuai alamat di KK).\n"
      .. "Untuk layanan lain, tanyakan dulu ke kantor tujuan: aturannya bisa berbeda di tiap "
      .. "daerah.\n\n"
      .. "💰 GRATIS di kantor mana pun.",
      en = "*KTP-el away from your home city*\n"
        .. "✅ Lost or damaged KTP-el: any civil-registration office can reprint it, with the "
        .. "same requirements (a police loss report or the damaged card, and the KK).\n"
        .. "❗ Changing KTP-el data: only at the office of your domicile (the address on your "
        .. "KK).\n"
        .. "For anything else, ask the office first: rules vary by region.\n\n"
        .. "💰 FREE at every office." },
    go = "lagi",
  },

  lagi = menu {
    { "Ada lagi yang bisa kami bantu?", en = "Anything else?" },
    { "Layanan KTP-el lain", en = "Other KTP-el help", go = "start" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
    { "Selesai", en = "Done", go = "main.tutup", keywords = { "tidak", "sudah", "cukup" } },
  },
}
