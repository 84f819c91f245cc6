-- Layanan Kartu Keluarga. Family card (KK) services.
return flow {
  id = "kk",
  title = { "Kartu Keluarga", en = "Family card" },
  keywords = { "kartu keluarga", "kk baru" },

  start = menu {
    { "Layanan Kartu Keluarga (KK). Silakan pilih:", en = "Family card (KK) services. Please choose:" },
    { "KK baru setelah menikah", en = "New KK after marriage", go = "baru" },
    { "Tambah anggota keluarga", en = "Add a family member", go = "tambah" },
    { "Kembali ke menu utama", en = "Back to main menu", go = "main.menu" },
  },

  baru = say {
    { "KK baru setelah menikah: bawa buku nikah / akta perkawinan, dan surat pindah bila salah "
      .. "satu pasangan dari daerah lain. GRATIS.",
      en = "New KK after marriage: bring the marriage book or certificate, and a moving "
        .. "certificate if one spouse comes from another region. FREE." },
    go = "start",
  },

  tambah = say {
    { "Tambah anggota (misalnya bayi baru lahir): bawa KK lama dan akta kelahiran. GRATIS.",
      en = "Add a member (for example a newborn): bring the old KK and the birth certificate. FREE." },
    go = "start",
  },
}
