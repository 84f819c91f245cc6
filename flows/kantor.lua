-- Data kantor: satu-satunya tempat untuk mengubah nama, alamat, jam layanan dan kontak.
-- Office facts: the one place a regional office edits. Flows show them as {kantor.nama}.
return data {
  id = "kantor",
  nama = "Dinas Kependudukan dan Pencatatan Sipil Kota Contoh",
  alamat = "Jl. Merdeka No. 1, Kota Contoh",
  jam = "Senin–Kamis 08.00–15.00, Jumat 08.00–11.30",
  telepon = "(021) 555-0100",
  hotline = "Halo Dukcapil 1500537",
}
