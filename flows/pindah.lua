-- PINDAH DOMISILI (SKPWNI). Di dalam kabupaten/kota yang sama tidak perlu surat pindah.
-- Moving certificate. None is needed within the same regency/city.
return flow {
  id = "pindah",
  title = { "Pindah domisili", en = "Moving" },
  keywords = {
    "pindah", "surat pindah", "skpwni", "pindah domisili", "pindah alamat", "pindah rumah",
    "alamat ktp", "ganti alamat", "alamat lama", "pindah datang", "mutasi", "moving",
    "move to another city", "moving certificate", "change my address", "new address",
  },

  start = menu {
    { "Pindah domisili. Ke mana Anda pindah?", en = "Moving. Where are you moving to?" },
    { "Kab/kota lain", en = "Another regency/city", go = "keluar",
      desc = { "Perlu surat pindah", en = "Needs a moving certificate" },
      keywords = { "luar kota", "kota lain", "provinsi lain", "keluar" } },
    { "Kab/kota yang sama", en = "Same regency/city", go = "dalam",
      desc = { "Tanpa surat pindah", en = "No certificate needed" },
      keywords = { "dalam kota", "satu kota", "masih sama", "sama" } },
    { "Datang dari luar", en = "Arriving here", go = "datang",
      desc = { "Sudah punya SKPWNI", en = "Already have an SKPWNI" } },
    { "Menu utama", en = "Main menu", go = "main.menu" },
  },

  keluar = say {
    { "*Surat pindah (SKPWNI) ke kabupaten/kota lain*\n"
      .. "Syarat:\n"
      .. "✅ Kartu Keluarga (KK) asli\n"
      .. "Tidak perlu surat pengantar RT/RW atau kelurahan (sudah dihapus: Perpres 96/2018, "
      .. "Permendagri 108/2019).\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}, atau lewat layanan daring daerah Anda.\n"
      .. "Waktu: terbit paling lama 14 hari kerja; SKPWNI berlaku 30 hari, segera laporkan di "
      .. "Dukcapil tujuan.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Moving certificate (SKPWNI) to another regency/city*\n"
        .. "Requirements:\n"
        .. "✅ Original family card (KK)\n"
        .. "No RT/RW or village cover letters (abolished: Perpres 96/2018, Permendagri "
        .. "108/2019).\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}, or your region's online service.\n"
        .. "Time: issued within 14 working days; valid for 30 days, so report at the "
        .. "destination office soon.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  dalam = say {
    { "*Pindah di dalam kabupaten/kota yang sama*\n"
      .. "Tidak perlu surat pindah. Cukup datang ke {kantor.nama} dengan KK asli dan KTP-el "
      .. "untuk perubahan alamat di KK; KTP-el dicetak ulang dengan alamat baru.\n"
      .. "Waktu: umumnya selesai di hari yang sama.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Moving within the same regency/city*\n"
        .. "No moving certificate is needed. Come to {kantor.nama} with your original family card "
        .. "and KTP-el to change the address on the KK; the KTP-el is reprinted with the new "
        .. "address.\nTime: usually the same day.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  datang = say {
    { "*Pindah datang* (dari daerah lain ke sini)\n"
      .. "Syarat:\n"
      .. "✅ SKPWNI dari daerah asal (berlaku 30 hari)\n"
      .. "✅ KTP-el\n"
      .. "Anda mendapat KK dan KTP-el dengan alamat baru; NIK tetap sama.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Arriving from another region*\n"
        .. "Requirements:\n"
        .. "✅ The SKPWNI from your old region (valid 30 days)\n"
        .. "✅ KTP-el\n"
        .. "You get a family card and KTP-el with the new address; the NIK stays the same.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  lagi = menu {
    { "Ada lagi yang bisa kami bantu?", en = "Anything else?" },
    { "Info pindah lain", en = "Other moving help", go = "start" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
    { "Selesai", en = "Done", go = "main.tutup", keywords = { "tidak", "sudah", "cukup" } },
  },
}
