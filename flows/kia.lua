-- KIA: Kartu Identitas Anak (di bawah 17 tahun). Child identity card (under 17).
return flow {
  id = "kia",
  title = { "KIA", en = "Child ID card (KIA)" },
  keywords = { "kia", "kartu identitas anak", "kartu anak", "child id", "child identity card" },

  start = say {
    { "*KIA (Kartu Identitas Anak)*\n"
      .. "KIA adalah kartu identitas untuk anak di bawah 17 tahun. Pemerintah mewajibkannya "
      .. "(Permendagri 2/2016), dan gunanya antara lain untuk daftar sekolah, membuka tabungan, "
      .. "dan layanan kesehatan.\n"
      .. "Syarat:\n"
      .. "✅ Akta kelahiran anak\n"
      .. "✅ Kartu Keluarga (KK)\n"
      .. "✅ KTP-el kedua orang tua\n"
      .. "✅ Pas foto berwarna hanya untuk anak usia 5 tahun ke atas (ukuran dan warna latar "
      .. "bisa berbeda di tiap daerah)\n"
      .. "Bayi baru lahir bisa langsung mendapat KIA bersama akta kelahirannya.\n\n"
      .. "Tempat: {kantor.nama}, {kantor.alamat}.\n"
      .. "Waktu: umumnya selesai di hari yang sama.\n\n"
      .. "💰 GRATIS. Tolak dan laporkan bila ada yang meminta uang.",
      en = "*KIA (child identity card)*\n"
        .. "The KIA is the identity card for children under 17. It is required (Permendagri "
        .. "2/2016) and used for school enrolment, savings accounts and health services.\n"
        .. "Requirements:\n"
        .. "✅ The child's birth certificate\n"
        .. "✅ Family card (KK)\n"
        .. "✅ Both parents' KTP-el\n"
        .. "✅ A colour photo only for children aged 5 and over (size and background vary)\n"
        .. "A newborn can get the KIA together with the birth certificate.\n\n"
        .. "Where: {kantor.nama}, {kantor.alamat}.\n"
        .. "Time: usually the same day.\n\n"
        .. "💰 FREE. Refuse and report anyone who asks for money." },
    go = "main.lagi",
  },
}
