-- Alur utama: salam dan menu utama. Main flow: greeting and main menu.
return flow {
  id = "main",
  title = "Menu utama",

  start = say {
    { "Selamat datang di layanan {kantor.nama}. Semua layanan Dukcapil GRATIS.",
      en = "Welcome to {kantor.nama}. All civil-registration services are FREE." },
    go = "menu",
  },

  menu = menu {
    { "Silakan pilih layanan (ketik nomornya):", en = "Please choose a service (type its number):" },
    { "KTP-el", go = "ktp", keywords = { "ktp", "e-ktp", "ktp el" } },
    { "Kartu Keluarga (KK)", en = "Family card (KK)", go = "kk", keywords = { "kk", "kartu keluarga" } },
    { "Jam layanan & alamat", en = "Opening hours & address", go = "kantor" },
    { "Bicara dengan petugas", en = "Talk to an officer", go = "petugas" },
  },

  kantor = say {
    { "{kantor.nama}\nAlamat: {kantor.alamat}\nJam layanan: {kantor.jam}\nTelepon: {kantor.telepon}",
      en = "{kantor.nama}\nAddress: {kantor.alamat}\nOpening hours: {kantor.jam}\nPhone: {kantor.telepon}" },
    go = "menu",
  },

  petugas = handoff {
    { "Baik, percakapan Anda kami teruskan ke petugas. Mohon tunggu, petugas akan membalas di sini.",
      en = "All right, we are passing your conversation to an officer. Please wait for their reply here." },
    reason = "warga minta petugas",
  },
}
