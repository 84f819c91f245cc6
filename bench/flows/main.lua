-- Benchmark flows: a menu flow and a question flow, as a citizen would walk them.
return flow {
  id = "main", title = "Bench",
  start = menu { "Selamat datang. Pilih layanan:",
    { "KTP-el", go = "ktp" },
    { "Pendaftaran", go = "daftar" },
    { "Jam layanan", go = "jam" } },
  ktp = menu { "Layanan KTP-el:",
    { "Rekam baru", go = "baru" },
    { "KTP hilang", go = "hilang" },
    { "Kembali", go = "start" } },
  baru = say { "Syarat: usia 17 tahun, bawa KK. GRATIS.", go = "ktp" },
  hilang = say { "Bawa surat kehilangan dan KK. GRATIS.", go = "ktp" },
  jam = say { "Senin-Jumat 08.00-15.00.", go = "start" },
  daftar = ask { "Ketik NIK Anda:", save = "nik", check = valid.nik, go = "lahir" },
  lahir = ask { "Tanggal lahir (dd-mm-yyyy)?", save = "lahir", check = valid.date, go = "hp" },
  hp = ask { "Nomor HP?", save = "hp", check = valid.phone, go = "selesai" },
  selesai = run(function(c)
    c:say("Terima kasih, NIK " .. mask_nik(c.vars.nik) .. " terdaftar.")
    return "start"
  end),
}
