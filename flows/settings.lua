-- Pengaturan: kata perintah dan teks bawaan mesin. Settings: command words and the engine's
-- own texts. Semua yang tidak ditulis di sini memakai nilai bawaan / anything not written
-- here keeps its default.
return settings {
  -- Perintah PETUGAS dibawa ke node yang memeriksa jam layanan.
  -- The OPERATOR command goes to the node that checks office hours.
  human = "main.petugas",
  expiry_minutes = 30,
  -- Zona waktu kantor, untuk jam layanan dan salam: WIB, WITA, WIT (atau nama seperti
  -- Asia/Jakarta). The office's timezone, for opening hours and greetings.
  timezone = "WIB",
  messages = {
    not_understood = {
      "Maaf, saya belum mengerti. Ketik nomor pilihan di bawah ini, atau tulis singkat "
        .. "keperluan Anda (misalnya: KTP hilang).",
      en = "Sorry, I did not understand. Type one of the numbers below, or write your need "
        .. "briefly (for example: lost ID card).",
    },
    offer_human = {
      "Sepertinya saya belum bisa membantu. Ketik PETUGAS untuk bicara dengan petugas kami, "
        .. "atau MENU untuk kembali ke menu utama.",
      en = "It seems I cannot help with that. Type OPERATOR to talk to one of our officers, or "
        .. "MENU for the main menu.",
    },
  },
}
