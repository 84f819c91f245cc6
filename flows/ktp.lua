-- Layanan KTP-el. KTP-el (electronic ID card) services.
return flow {
  id = "ktp",
  title = { "KTP-el", en = "Electronic ID card" },
  keywords = { "ktp", "e-ktp", "ktp el", { "ktp hilang", "ktp ilang", go = "hilang" },
               { "ktp baru", "buat ktp", "rekam ktp", go = "baru" } },

  start = menu {
    { "Layanan KTP-el. Silakan pilih:", en = "KTP-el services. Please choose:" },
    { "Rekam KTP-el baru", en = "New KTP-el", go = "baru" },
    { "KTP hilang", en = "Lost KTP-el", go = "hilang" },
    { "Cek NIK", en = "Check a NIK", go = "minta_nik" },
    { "Kembali ke menu utama", en = "Back to main menu", go = "main.menu" },
  },

  baru = say {
    { "Syarat rekam KTP-el: usia 17 tahun atau sudah/pernah menikah, membawa Kartu Keluarga (KK). "
      .. "Perekaman dilakukan sendiri di kantor Dukcapil. Layanan ini GRATIS.",
      en = "To record a KTP-el: age 17 or married, bring your family card (KK). "
        .. "Recording is done in person at the office. The service is FREE." },
    go = "start",
  },

  hilang = say {
    { "KTP hilang: bawa surat keterangan hilang dari kepolisian dan Kartu Keluarga (KK). "
      .. "Tidak perlu rekam ulang. Layanan ini GRATIS.",
      en = "Lost KTP-el: bring a police loss report and your family card (KK). No new "
        .. "recording is needed. The service is FREE." },
    go = "start",
  },

  minta_nik = ask {
    { "Ketik NIK Anda (16 digit):", en = "Type your NIK (16 digits):" },
    save = "nik", check = valid.nik,
    retry = { "NIK harus 16 digit angka yang sah. Coba lagi ya.",
              en = "A NIK is 16 valid digits. Please try again." },
    go = "nik_ok",
  },

  nik_ok = say {
    { "Terima kasih. NIK {nik} tercatat dengan format yang benar.",
      en = "Thank you. NIK {nik} has a valid format." },
    go = "start",
  },
}
