-- IKD: Identitas Kependudukan Digital (KTP digital). Digital ID activation.
return flow {
  id = "ikd",
  title = { "IKD", en = "Digital ID (IKD)" },
  keywords = { "ikd", "ktp digital", "identitas digital", "aktivasi ikd", "aktivasi ktp digital",
               "kode aktivasi", "aplikasi ikd", "digital id", "digital identity" },

  start = say {
    { "*IKD (KTP digital)*\n"
      .. "Syarat:\n"
      .. "✅ Sudah rekam KTP-el\n"
      .. "✅ Alamat email aktif\n"
      .. "✅ Ponsel (kira-kira Android 8 / iOS 11 ke atas) dengan aplikasi Identitas Kependudukan "
      .. "Digital\n\n"
      .. "Langkah:\n"
      .. "1. Pasang aplikasi IKD, isi NIK, email dan nomor ponsel.\n"
      .. "2. Ambil swafoto (selfie) di aplikasi.\n"
      .. "3. Datang ke petugas Dukcapil: petugas memindai kode QR di aplikasi Anda.\n"
      .. "4. Kode aktivasi dikirim ke email Anda; masukkan di aplikasi.\n"
      .. "Kantor yang bisa mengaktifkan IKD bisa berbeda di tiap daerah; di sini: {kantor.nama}, "
      .. "{kantor.alamat}.\n\n"
      .. "💰 GRATIS. Jangan berikan kode aktivasi kepada siapa pun.",
      en = "*IKD (digital ID)*\n"
        .. "Requirements:\n"
        .. "✅ A recorded KTP-el\n"
        .. "✅ An active email address\n"
        .. "✅ A phone (roughly Android 8 / iOS 11 or newer) with the Identitas Kependudukan "
        .. "Digital app\n\n"
        .. "Steps:\n"
        .. "1. Install the IKD app, enter your NIK, email and phone number.\n"
        .. "2. Take a selfie in the app.\n"
        .. "3. Visit a Dukcapil officer, who scans the QR code in your app.\n"
        .. "4. The activation code arrives by email; enter it in the app.\n"
        .. "Which offices activate IKD varies by region; here: {kantor.nama}, {kantor.alamat}.\n\n"
        .. "💰 FREE. Never share your activation code." },
    go = "main.lagi",
  },
}
