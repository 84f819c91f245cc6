-- LAYANAN KARTU KELUARGA (KK): KK baru setelah menikah, tambah anggota, pecah KK, KK hilang
-- atau rusak.
-- Family card services: new after marriage, add a member, split, lost or damaged.
return flow {
  id = "kk",
  title = { "Kartu Keluarga", en = "Family card (KK)" },
  keywords = {
    "kartu keluarga", "kk", "family card",
    { "kk baru", "kk nikah", "baru menikah", "setelah menikah", "sesudah menikah",
      "habis nikah", "buat kk", "new family card", "just married", "got married",
      "after marriage", go = "baru" },
    { "tambah anggota", "tambah anak", "masukkan anak", "bayi baru lahir", "anak baru lahir",
      "tambah nama", "masuk kk", "masukin kk", "masukkan istri", "masukin istri",
      "masukkan suami", "masukin suami", "masukin anak", "tambah istri", "tambah suami",
      "add a member", "add my child", "add my baby", "add my wife", "add my husband", "newborn",
      go = "tambah" },
    { "kk hilang", "kehilangan kk", "kk ilang", "kk ical", "kk rusak", "kk sobek", "kk robek",
      "kk basah", "kk banjir", "kk terbakar", "cetak ulang kk", "kk lecek", "cetak kk sendiri",
      "print kk", "cetak kk", "lost family card", "damaged family card", "reprint family card",
      go = "hilang" },
    { "pecah kk", "pisah kk", "kk sendiri", "keluar dari kk", "misah kk", "split family card",
      "own family card", go = "pecah" },
  },

  masuk = run(function(c) return c:route(c.text, "kk") or "start" end),

  start = menu {
    { "Layanan Kartu Keluarga (KK). Pilih yang sesuai:",
      en = "Family card (KK) services. Please choose:" },
    { "KK baru (menikah)", en = "New KK (married)", go = "baru" },
    { "Tambah anggota", en = "Add a member", go = "tambah",
      desc = { "Bayi baru lahir, dll.", en = "A newborn, etc." } },
    { "Pecah KK", en = "Split a KK", go = "pecah",
      desc = { "KK sendiri, alamat sama", en = "Own KK, same address" } },
    { "KK hilang/rusak", en = "Lost/damaged KK", go = "hilang" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
  },

  baru = say {
    { "*KK baru setelah menikah*\n"
      .. "Syarat:\n"
      .. "✅ Buku nikah / akta perkawinan\n"
      .. "✅ KK lama suami dan istri (nama Anda dikeluarkan dari KK orang tua)\n"
      .. "✅ Surat pindah (SKPWNI) bila salah satu pasangan berasal dari kabupaten/kota lain\n"
      .. "Beberapa KK boleh beralamat sama.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n"
      .. "Waktu: umumnya selesai di hari yang sama bila berkas lengkap.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*New family card after marriage*\n"
        .. "Requirements:\n"
        .. "✅ Marriage book or certificate\n"
        .. "✅ The spouses' old family cards (you are taken off your parents' card)\n"
        .. "✅ A moving certificate (SKPWNI) if one spouse comes from another regency/city\n"
        .. "Several family cards may share one address.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: usually the same day when the papers are complete.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  tambah = say {
    { "*Tambah anggota keluarga di KK*\n"
      .. "Syarat:\n"
      .. "✅ KK lama (asli)\n"
      .. "✅ Akta kelahiran anggota baru (untuk bayi baru lahir)\n"
      .. "✅ Untuk anggota dari keluarga lain: surat pindah/KK asalnya dan persetujuan kepala "
      .. "keluarga\n"
      .. "Belum punya akta kelahiran? Urus sekaligus: ketik AKTA LAHIR.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n"
      .. "Waktu: umumnya selesai di hari yang sama.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Add a family member to the KK*\n"
        .. "Requirements:\n"
        .. "✅ The old family card (original)\n"
        .. "✅ The new member's birth certificate (for a newborn)\n"
        .. "✅ For a member from another family: their moving certificate or family card and "
        .. "the head of family's consent\n"
        .. "No birth certificate yet? Do both at once: type BIRTH CERTIFICATE.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: usually the same day.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  pecah = say {
    { "*Pecah KK* (membuat KK sendiri di alamat yang sama)\n"
      .. "Syarat:\n"
      .. "✅ Berusia 17 tahun dan punya KTP-el, atau sudah menikah\n"
      .. "✅ KK lama (asli)\n"
      .. "✅ Buku nikah bila pecah KK karena menikah\n"
      .. "Menumpang di KK keluarga lain perlu persetujuan kepala keluarganya.\n"
      .. "Setelah pecah KK, nomor KK Anda berubah (NIK tetap).\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n"
      .. "Waktu: umumnya selesai di hari yang sama.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Split a family card* (your own card at the same address)\n"
        .. "Requirements:\n"
        .. "✅ Aged 17 with a KTP-el, or married\n"
        .. "✅ The old family card (original)\n"
        .. "✅ Marriage book when splitting because of a marriage\n"
        .. "Joining another family's card needs its head's consent.\n"
        .. "After a split your KK number changes (your NIK does not).\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: usually the same day.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  hilang = say {
    { "*KK hilang atau rusak* (cetak ulang)\n"
      .. "Syarat:\n"
      .. "✅ KK hilang: surat keterangan hilang dari kepolisian (Polsek/Polres)\n"
      .. "✅ KK rusak: KK yang rusak (dibawa, jangan dibuang)\n"
      .. "✅ KTP-el kepala keluarga atau anggota keluarga yang mengurus\n"
      .. "Nomor KK dan NIK tidak berubah. Di banyak daerah KK kini bertanda tangan elektronik "
      .. "(kode QR) dan boleh dicetak di kertas HVS biasa; cetakan itu sah. Syarat bisa berbeda "
      .. "di tiap daerah.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}, atau lewat layanan daring daerah Anda.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*Lost or damaged family card* (reprint)\n"
        .. "Requirements:\n"
        .. "✅ Lost: a loss report from the police (Polsek/Polres)\n"
        .. "✅ Damaged: the damaged card (bring it, do not throw it away)\n"
        .. "✅ The KTP-el of the head of family or of the member who applies\n"
        .. "The KK number and NIKs stay the same. In many regions the KK now carries an "
        .. "electronic signature (QR code) and may be printed on plain paper; that print is "
        .. "valid. Requirements may differ by region.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}, or your region's online service.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "lagi",
  },

  lagi = menu {
    { "Ada lagi yang bisa kami bantu?", en = "Anything else?" },
    { "Layanan KK lain", en = "Other KK help", go = "start" },
    { "Menu utama", en = "Main menu", go = "main.menu" },
    { "Selesai", en = "Done", go = "main.tutup", keywords = { "tidak", "sudah", "cukup" } },
  },
}
