-- AKTA KEMATIAN. Ditulis dengan empati: warga sedang berduka. Juga akta kematian hilang atau
-- rusak.
-- Death certificate. Written with empathy: the citizen is grieving. Also a lost or damaged one.
return flow {
  id = "akta_mati",
  title = { "Akta kematian", en = "Death certificate" },
  keywords = {
    { "akta kematian hilang", "akte kematian hilang", "akta kematian rusak",
      "akte kematian rusak", "akta mati hilang", "kehilangan akta kematian",
      "lost death certificate", "damaged death certificate", go = "hilang" },
    "akta kematian", "akta mati", "meninggal", "meninggal dunia", "wafat", "almarhum",
    "almarhumah", "kematian", "surat kematian", "death certificate", "passed away", "deceased",
  },

  start = say {
    { "Kami turut berduka cita atas kepergian keluarga Bapak/Ibu. Semoga diberi ketabahan. "
      .. "Kami bantu agar pengurusannya tidak merepotkan.",
      en = "Our deepest condolences for your loss. We will help make this as easy as possible." },
    go = "syarat",
  },

  syarat = say {
    { "*Akta kematian*\n"
      .. "Syarat:\n"
      .. "✅ Surat keterangan kematian dari rumah sakit/puskesmas, atau dari kelurahan/desa bila "
      .. "meninggal di rumah\n"
      .. "✅ KTP-el dan KK almarhum/almarhumah\n"
      .. "✅ KTP-el pelapor (keluarga)\n"
      .. "✅ 2 orang saksi\n\n"
      .. "Laporkan dalam 30 hari. Biasanya sekaligus \"3 in 1\": akta kematian, KK yang "
      .. "diperbarui, dan KTP-el pasangan dengan status baru.\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}. Boleh diwakilkan keluarga.\n"
      .. "Waktu: umumnya selesai di hari yang sama bila berkas lengkap.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Death certificate*\n"
        .. "Requirements:\n"
        .. "✅ Death letter from the hospital or health centre, or from the village office for "
        .. "a death at home\n"
        .. "✅ The deceased's KTP-el and family card\n"
        .. "✅ The reporting relative's KTP-el\n"
        .. "✅ 2 witnesses\n\n"
        .. "Report within 30 days. Usually done as \"3 in 1\": death certificate, updated family "
        .. "card and the spouse's KTP-el with the new status.\n"
        .. "Where: {kantor.nama}, {kantor.alamat}. A relative may come on your behalf.\n"
        .. "Time: usually the same day when the papers are complete.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  hilang = say {
    { "*Akta kematian hilang atau rusak* (kutipan kedua)\n"
      .. "Syarat:\n"
      .. "✅ Akta hilang: surat keterangan hilang dari kepolisian (Polsek/Polres)\n"
      .. "✅ Akta rusak: akta yang rusak (dibawa, jangan dibuang)\n"
      .. "✅ Kartu Keluarga (KK) dan KTP-el pemohon (keluarga)\n"
      .. "Bila akta dulu terbit di daerah lain, tanyakan dulu ke Disdukcapil yang menerbitkannya. "
      .. "Syarat bisa berbeda di tiap daerah.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Lost or damaged death certificate* (second copy)\n"
        .. "Requirements:\n"
        .. "✅ Lost: a loss report from the police (Polsek/Polres)\n"
        .. "✅ Damaged: the damaged certificate (bring it, do not throw it away)\n"
        .. "✅ Family card (KK) and the applying relative's KTP-el\n"
        .. "If it was issued in another region, ask the office that issued it first. "
        .. "Requirements may differ by region.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  lagi = menu {
    { "Ada lagi yang bisa kami bantu?", en = "Anything else?" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
    { "Bicara dgn petugas", en = "Talk to an officer", go = "main.petugas" },
    { "Selesai", en = "Done", go = "main.tutup", keywords = { "tidak", "sudah", "cukup" } },
  },
}
