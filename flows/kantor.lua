-- DATA KANTOR: satu-satunya tempat untuk mengubah nama, alamat, jam layanan, kontak dan kuota.
-- Semua alur memakainya: dalam teks ditulis {kantor.nama}, {kantor.alamat}, dan seterusnya.
-- Office facts: the one place a regional office edits. Flows show them as {kantor.nama};
-- run functions read them as c.data.kantor.
return data {
  id = "kantor",
  nama = "Disdukcapil Kota Contoh",
  nama_lengkap = "Dinas Kependudukan dan Pencatatan Sipil Kota Contoh",
  alamat = "Jl. Merdeka No. 1, Kota Contoh",
  peta = "https://maps.google.com/?q=Disdukcapil+Kota+Contoh",
  telepon = "(021) 555-0100",
  whatsapp = "0811-0000-1234",
  email = "dukcapil@kotacontoh.go.id",
  hotline = "Halo Dukcapil 1500537",

  -- Jam layanan per hari: "08.00-15.00", atau "tutup".
  -- Opening hours per day: "08.00-15.00" or "tutup" (closed).
  jam_layanan = {
    senin  = "08.00-15.00",
    selasa = "08.00-15.00",
    rabu   = "08.00-15.00",
    kamis  = "08.00-15.00",
    jumat  = "08.00-11.30",
    sabtu  = "tutup",
    minggu = "tutup",
  },
  -- Hari libur nasional / cuti bersama (tahun-bulan-tanggal). Public holidays (YYYY-MM-DD).
  libur = { "2026-12-25", "2027-01-01" },

  -- Kuota dan catatan antrean (bisa berbeda di tiap daerah). Daily quotas and queue notes.
  kuota = "Perekaman KTP-el dilayani 100 orang per hari; ambil nomor antrean sebelum pukul 10.00.",
  -- Waktu tanggapan pengaduan. How soon a complaint gets an answer.
  respon_pengaduan = "3 hari kerja",
}
