-- AKTA KELAHIRAN, termasuk jalur SPTJM bila tidak ada buku nikah, akta hilang atau rusak, dan
-- pembetulan salah tulis.
-- Birth certificate, including the SPTJM route when there is no marriage book, a lost or
-- damaged certificate, and correcting a misspelling.
return flow {
  id = "akta_lahir",
  title = { "Akta kelahiran", en = "Birth certificate" },
  -- Frasa khusus ditulis dulu: bila sama kuat, yang pertama menang.
  -- Specific phrases first: on a tie the first one wins.
  keywords = {
    { "belum jadi", "belum selesai", go = "status.start" },
    { "tidak ada buku nikah", "tanpa buku nikah", "belum punya buku nikah", "sptjm",
      "nikah siri", "buku nikah hilang", "tidak punya surat nikah", "no marriage book",
      "no marriage certificate", "not married", go = "sptjm" },
    { "akta terlambat", "lapor terlambat", "telat lapor", "lewat 60 hari", "akta dewasa", "akta telat", "akte telat",
      "late registration",
      "late birth", go = "terlambat" },
    { "akta hilang", "akte hilang", "akta ilang", "akte ilang", "kehilangan akta", "akta rusak",
      "akte rusak", "akta sobek", "akta robek", "akta basah", "akta banjir", "kutipan kedua",
      "lost birth certificate", "damaged birth certificate", go = "hilang" },
    { "salah akta", "salah akte", "pembetulan akta", "perbaiki akta", "betulkan akta",
      "ralat akta", "pembetulan akte", "perbaiki akte", "mistake birth certificate",
      "wrong birth certificate", "correct birth certificate", go = "betul" },
    "akta kelahiran", "akta lahir", "akta anak", "nyieun akta", "akta bayi", "birth certificate",
    "register the birth", "register a birth", "baby was born", "birth registration",
    "akta for my son", "akta for my daughter", "akta for my child", "register my baby",
    "register our baby", "had a baby", "new baby", "newborn", "baby born", "bayi baru lahir",
    "baru melahirkan", "anak baru lahir", "melahirkan", "gave birth",
  },

  masuk = run(function(c) return c:route(c.text, "akta_lahir") or "start" end),

  start = menu {
    { "Akta kelahiran. Pilih yang sesuai:", en = "Birth certificate. Please choose:" },
    { "Syarat akta kelahiran", en = "Requirements", go = "syarat" },
    { "Tanpa buku nikah", en = "No marriage book", go = "sptjm",
      desc = { "Lewat SPTJM", en = "Through an SPTJM" } },
    { "Lapor terlambat", en = "Late registration", go = "terlambat",
      desc = { "Lewat 60 hari", en = "After 60 days" } },
    { "Akta hilang/rusak", en = "Lost/damaged certificate", go = "hilang" },
    { "Salah tulis di akta", en = "A mistake on the certificate", go = "betul" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
  },

  syarat = say {
    { "*Akta kelahiran*\n"
      .. "Syarat:\n"
      .. "✅ Surat keterangan lahir dari rumah sakit/puskesmas/bidan (bila tidak ada: surat "
      .. "pernyataan tanggung jawab mutlak/SPTJM kebenaran data kelahiran)\n"
      .. "✅ Kartu Keluarga (KK)\n"
      .. "✅ KTP-el ayah dan ibu\n"
      .. "✅ Buku nikah/akta perkawinan orang tua (bila tidak ada, lihat pilihan Tanpa buku nikah)\n"
      .. "✅ 2 orang saksi\n\n"
      .. "Laporkan paling lambat 60 hari setelah lahir. Sekaligus bisa tambah anak di KK dan KIA.\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}, atau lewat layanan daring daerah Anda.\n"
      .. "Waktu: umumnya selesai di hari yang sama bila berkas lengkap.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Birth certificate*\n"
        .. "Requirements:\n"
        .. "✅ Birth letter from the hospital, health centre or midwife (if none: a signed "
        .. "statement of full responsibility, SPTJM, on the birth data)\n"
        .. "✅ Family card (KK)\n"
        .. "✅ Both parents' KTP-el\n"
        .. "✅ The parents' marriage book or certificate (if none, see No marriage book)\n"
        .. "✅ 2 witnesses\n\n"
        .. "Report within 60 days of the birth. The child can be added to the KK and get a KIA "
        .. "at the same time.\nWhere: {kantor.nama}, {kantor.alamat}, or your region's online "
        .. "service.\nTime: usually the same day when the papers are complete.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  sptjm = say {
    { "*Akta kelahiran tanpa buku nikah (SPTJM)*\n"
      .. "Bila orang tua tidak punya buku nikah/akta perkawinan, akta tetap bisa dibuat dengan "
      .. "SPTJM kebenaran sebagai pasangan suami istri, ditandatangani kedua orang tua dan 2 saksi.\n"
      .. "Syarat lain sama: surat keterangan lahir, KK, KTP-el orang tua.\n"
      .. "Di akta tertulis: \"anak dari ayah ... dan ibu ..., yang perkawinannya belum tercatat "
      .. "sesuai ketentuan\".\n"
      .. "Formulir SPTJM tersedia gratis di {kantor.nama}.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Birth certificate without a marriage book (SPTJM)*\n"
        .. "If the parents have no marriage book, the certificate can still be made with an "
        .. "SPTJM statement that they are husband and wife, signed by both parents and 2 "
        .. "witnesses.\nThe other papers are the same: birth letter, KK, parents' KTP-el.\n"
        .. "The certificate then says the parents' marriage is not yet registered.\n"
        .. "SPTJM forms are free at {kantor.nama}.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  terlambat = say {
    { "*Akta kelahiran terlambat* (lewat 60 hari)\n"
      .. "Akta tetap bisa dibuat dengan syarat yang sama. Sebagian daerah mengenakan denda "
      .. "keterlambatan menurut peraturan daerah; banyak daerah sudah menghapusnya. Tanyakan di "
      .. "loket dan minta bukti resmi bila ada denda.\n"
      .. "Pembuatan akta sendiri GRATIS. Tolak dan laporkan bila ada yang meminta uang tanpa "
      .. "bukti resmi.",
      en = "*Late birth registration* (after 60 days)\n"
        .. "The certificate can still be made with the same papers. Some regions charge a late "
        .. "fine under a local bylaw; many have abolished it. Ask at the counter and ask for an "
        .. "official receipt if there is a fine.\n"
        .. "The certificate itself is FREE. Refuse and report anyone asking for money without "
        .. "an official receipt." },
    go = "lagi",
  },

  hilang = say {
    { "*Akta kelahiran hilang atau rusak* (kutipan kedua)\n"
      .. "Syarat:\n"
      .. "✅ Akta hilang: surat keterangan hilang dari kepolisian (Polsek/Polres)\n"
      .. "✅ Akta rusak: akta yang rusak (dibawa, jangan dibuang)\n"
      .. "✅ Kartu Keluarga (KK) dan KTP-el pemohon\n"
      .. "Nomor akta dan datanya tetap sama. Bila akta dulu terbit di daerah lain, tanyakan dulu ke "
      .. "Disdukcapil yang menerbitkannya. Syarat bisa berbeda di tiap daerah.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Lost or damaged birth certificate* (second copy)\n"
        .. "Requirements:\n"
        .. "✅ Lost: a loss report from the police (Polsek/Polres)\n"
        .. "✅ Damaged: the damaged certificate (bring it, do not throw it away)\n"
        .. "✅ Family card (KK) and the applicant's KTP-el\n"
        .. "The certificate number and data stay the same. If it was issued in another region, "
        .. "ask the office that issued it first. Requirements may differ by region.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  betul = say {
    { "*Pembetulan akta kelahiran* (salah tulis)\n"
      .. "Bawa:\n"
      .. "✅ Akta kelahiran yang salah (asli)\n"
      .. "✅ Kartu Keluarga (KK) dan KTP-el pemohon\n"
      .. "✅ Dokumen yang memuat data yang benar, misalnya surat keterangan lahir, buku nikah "
      .. "orang tua, atau ijazah\n"
      .. "Pembetulan salah tulis diurus di Disdukcapil yang menerbitkan akta. Mengganti nama "
      .. "(bukan salah tulis) lain urusannya: perlu penetapan pengadilan negeri dulu.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Correcting a birth certificate* (a misspelling)\n"
        .. "Bring:\n"
        .. "✅ The certificate with the mistake (original)\n"
        .. "✅ Family card (KK) and the applicant's KTP-el\n"
        .. "✅ A document with the right data, such as the birth letter, the parents' marriage "
        .. "book or a school diploma\n"
        .. "A misspelling is corrected by the office that issued the certificate. Changing a "
        .. "name (not a misspelling) is different: it needs a district court decision first.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  lagi = menu {
    { "Ada lagi yang bisa kami bantu?", en = "Anything else?" },
    { "Info akta lain", en = "Other certificate help", go = "start" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
    { "Selesai", en = "Done", go = "main.tutup", keywords = { "tidak", "sudah", "cukup" } },
  },
}
