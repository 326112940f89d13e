"""Bahasa Indonesia: every text the bot sends. Placeholders are filled (and escaped) by
`bot.ui.texts.Texts`."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- welcome and menu --------------------------------------------------------------------------------
    "welcome": (
        "<b>LaporGub! — Kota Pekalongan</b>\n"
        "Saluran pengaduan masyarakat Pemerintah Provinsi Jawa Tengah untuk warga Kota Pekalongan.\n\n"
        "• <b>Gratis</b>, tanpa biaya apa pun.\n"
        "• Target penyelesaian: <b>2 hari kerja</b>.\n\n"
        "<b>Perjalanan laporan Anda:</b>\n"
        "1. Admin Pemprov Jawa Tengah menerima dan mendisposisikan ke Dinkominfo Kota Pekalongan.\n"
        "2. Dinkominfo memverifikasi dan meneruskan ke perangkat daerah (OPD) yang berwenang.\n"
        "3. OPD menindaklanjuti laporan.\n"
        "4. Hasilnya dikonfirmasi Dinkominfo dan diverifikasi Pemprov.\n"
        "5. Anda menerima laporan hasil tindak lanjut.\n\n"
        "Silakan pilih menu:"
    ),
    "menu.prompt": "Silakan pilih menu:",
    "btn.menu.new": "📝 Buat laporan",
    "btn.menu.mine": "📋 Laporan saya",
    "btn.menu.track": "🔎 Lacak nomor laporan",
    "btn.menu.service": "📣 Pengaduan layanan",
    "btn.menu.contacts": "☎️ Kontak",
    "btn.menu.language": "🌐 Bahasa / Language",
    "help": (
        "<b>Perintah</b>\n"
        "/start — menu utama\n"
        "/new — buat laporan baru\n"
        "/my — laporan saya\n"
        "/track — lacak nomor laporan\n"
        "/link — tautkan laporan yang dicatat petugas untuk Anda: "
        "/link &lt;nomor&gt; &lt;4 digit akhir HP&gt;\n"
        "/contacts — kontak Dinkominfo\n"
        "/datasaya — data pribadi Anda yang kami simpan; minta hapus\n"
        "/language — ganti bahasa\n"
        "/cancel — batalkan proses yang sedang berjalan"
    ),
    # -- command menu (descriptions shown by Telegram's / button) ---------------------------------------
    "cmd.start": "Menu utama",
    "cmd.new": "Buat laporan baru",
    "cmd.my": "Laporan saya",
    "cmd.track": "Lacak nomor laporan",
    "cmd.contacts": "Kontak Dinkominfo",
    "cmd.language": "Ganti bahasa / Change language",
    "cmd.cancel": "Batalkan proses yang berjalan",
    "cmd.help": "Bantuan",
    # the admin's own menu (a per-chat list, set when they open the admin menu)
    "cmd.queue": "Antrian laporan instansi Anda",
    "cmd.rekap": "Rekap periode: grafik, XLSX, CSV",
    "cmd.record": "Catat pengaduan dari telepon, email, loket",
    "cmd.invite": "Undang admin tingkat di bawah Anda",
    "cmd.admins": "Admin tingkat di bawah Anda",
    # -- language ----------------------------------------------------------------------------------------
    "language.choose": "Pilih bahasa / Choose your language:",
    "language.set": "Bahasa diatur ke Bahasa Indonesia.",
    "language.name": "Bahasa Indonesia",
    # -- cancel and stale buttons ------------------------------------------------------------------------
    "cancel.done": "Dibatalkan. Tidak ada data laporan yang disimpan.",
    "cancel.nothing": "Tidak ada proses yang sedang berjalan.",
    "button.expired": "Tombol ini sudah tidak berlaku.",
    "session.expired": "Sesi ini sudah berakhir. Mulai lagi dengan /new.",
    "busy.filing": (
        "Anda sedang mengisi laporan. Lanjutkan langkah di atas, atau ketik /cancel untuk membatalkan."
    ),
    # -- filing: identity --------------------------------------------------------------------------------
    "identity.saved": (
        "Identitas yang tersimpan:\n"
        "Nama: {name}\nNIK: {nik}\nNo. HP: {phone}\nAlamat: {address}\n\n"
        "Gunakan identitas ini untuk laporan baru?"
    ),
    "btn.identity.use": "✅ Gunakan",
    "btn.identity.update": "✏️ Perbarui",
    "filing.intro": (
        "Mari buat laporan. Saya akan menanyakan satu hal setiap kali. "
        "Ketik /cancel kapan saja untuk membatalkan."
    ),
    "ask.full_name": "<b>Langkah {step}/{total}</b> — Tulis <b>nama lengkap</b> Anda sesuai KTP:",
    "ask.nik": "<b>Langkah {step}/{total}</b> — Tulis <b>NIK</b> Anda (16 angka, tertera di KTP):",
    "ask.phone": (
        "<b>Langkah {step}/{total}</b> — Nomor <b>HP</b> yang dapat dihubungi. "
        "Tekan tombol di bawah untuk membagikan nomor Telegram Anda, atau ketik nomornya:"
    ),
    "ask.address": "<b>Langkah {step}/{total}</b> — Tulis <b>alamat</b> tempat tinggal Anda:",
    "ask.subject": (
        "<b>Langkah {step}/{total}</b> — Tulis <b>judul</b> laporan, singkat (maksimal {limit} karakter):"
    ),
    "ask.chronology": (
        "<b>Langkah {step}/{total}</b> — Ceritakan <b>kronologi</b> kejadian: apa yang terjadi, siapa yang "
        "terlibat, sejak kapan (maksimal {limit} karakter):"
    ),
    "ask.event_date": (
        "<b>Langkah {step}/{total}</b> — <b>Tanggal</b> kejadian? Tekan Hari ini atau Kemarin, atau tulis "
        "tanggalnya, misalnya 20 November 2026 atau 20-11-2026."
    ),
    "ask.event_place": (
        "<b>Langkah {step}/{total}</b> — Di mana <b>tempat</b> kejadiannya? (nama jalan, kelurahan)"
    ),
    "ask.location": (
        "<b>Langkah {step}/{total}</b> — Bagikan <b>lokasi</b> kejadian jika ada (opsional). "
        "Tekan tombol lokasi, atau Lewati."
    ),
    "ask.attachments": (
        "<b>Langkah {step}/{total}</b> — Kirim <b>foto atau dokumen</b> pendukung (opsional, maksimal {max} "
        "berkas, masing-masing paling besar {size_mb} MB). Tekan Selesai jika sudah, atau Lewati."
    ),
    "ask.confidential": (
        "<b>Langkah {step}/{total}</b> — Rahasiakan identitas Anda?\n"
        "Jika ya, nama, NIK, nomor HP dan alamat Anda tidak ditampilkan kepada admin OPD yang "
        "menindaklanjuti."
    ),
    "ack.saved": "✔️ Tersimpan.",
    "btn.share_contact": "📱 Bagikan nomor saya",
    "btn.share_location": "📍 Bagikan lokasi",
    "btn.skip": "Lewati",
    "btn.attachments.done": "✅ Selesai",
    "btn.attachments.skip": "Lewati",
    "btn.yes_confidential": "🔒 Ya, rahasiakan",
    "btn.no_confidential": "Tidak",
    # -- filing: validation ------------------------------------------------------------------------------
    "bad.full_name": "Nama harus berisi {min}–{max} karakter. Tulis nama lengkap Anda:",
    "bad.nik.not_16_digits": "NIK harus terdiri dari tepat 16 angka. Periksa KTP Anda dan tulis ulang NIK:",
    "bad.nik.unknown_region": (
        "Kode wilayah NIK (6 angka pertama) tidak dikenal. Periksa KTP Anda dan tulis ulang NIK:"
    ),
    "bad.nik.impossible_birth_date": (
        "Tanggal lahir di dalam NIK (angka ke-7 sampai ke-12) tidak mungkin. Periksa dan tulis ulang NIK:"
    ),
    "bad.nik.zero_serial": "Nomor urut NIK (4 angka terakhir) tidak boleh 0000. Periksa dan tulis ulang NIK:",
    "bad.phone": (
        "Nomor HP tidak valid. Tulis nomor Indonesia, misalnya 0812 3456 7890 atau +62 812 3456 7890, "
        "atau tekan tombol untuk membagikan nomor Anda:"
    ),
    "bad.contact_not_own": (
        "Itu kontak orang lain. Bagikan nomor Anda sendiri dengan tombol di bawah, atau ketik nomor Anda:"
    ),
    "bad.address": "Alamat harus berisi {min}–{max} karakter. Tulis alamat Anda:",
    "bad.subject": (
        "Judul harus berisi 1–{max} karakter (Anda menulis {length}). Tulis judul yang lebih singkat:"
    ),
    "bad.chronology": (
        "Kronologi harus berisi 1–{max} karakter (Anda menulis {length}). Persingkat dan kirim ulang:"
    ),
    "bad.event_date.format": (
        "Tanggal tidak dikenali. Tulis seperti 20 November 2026, 20 Nov 2026, 20-11-2026 atau kemarin:"
    ),
    "bad.event_date.future": (
        "Tanggal kejadian tidak boleh di masa depan (hari ini {today}). Tulis tanggalnya:"
    ),
    "bad.event_place": "Tempat harus berisi {min}–{max} karakter. Tulis tempat kejadian:",
    "hint.text_expected": (
        "Saya menunggu jawaban berupa teks. Silakan ketik jawabannya, atau /cancel untuk membatalkan."
    ),
    "hint.unknown_command": (
        "Perintah itu tidak berlaku di langkah ini. Jawab pertanyaan di atas, atau /cancel untuk membatalkan."
    ),
    "hint.phone_expected": "Bagikan nomor Anda dengan tombol di bawah, atau ketik nomor HP Anda.",
    "hint.location_expected": "Tekan tombol 📍 untuk membagikan lokasi, atau Lewati.",
    "hint.attachment_expected": (
        "Kirim foto atau dokumen, atau tekan Selesai/Lewati. (Stiker, pesan suara dan video tidak diterima.)"
    ),
    "hint.use_buttons": "Silakan pilih dengan tombol di atas, atau /cancel untuk membatalkan.",
    "attachment.added": "Berkas {count}/{max} diterima. Kirim lagi, atau tekan Selesai.",
    "attachment.full": "Berkas {count}/{max} diterima. Jumlah maksimal tercapai — tekan Selesai.",
    "attachment.too_many": (
        "Maksimal {max} berkas per laporan; berkas ini tidak disimpan. Tekan Selesai untuk lanjut."
    ),
    "attachment.too_big": (
        "Berkas terlalu besar ({size_mb} MB). Batasnya {limit_mb} MB per berkas; berkas ini tidak disimpan."
    ),
    "attachment.unknown_size": "Ukuran berkas tidak diketahui, jadi berkas ini tidak dapat diterima.",
    # -- filing: summary and submit ----------------------------------------------------------------------
    "summary.title": "<b>Periksa laporan Anda sebelum dikirim</b>",
    "summary.footer": "Sudah benar? Tekan <b>📨 Kirim laporan</b>. Untuk mengubah isian, tekan ✏️ Ubah.",
    "label.full_name": "Nama",
    "label.nik": "NIK",
    "label.phone": "No. HP",
    "label.address": "Alamat",
    "label.subject": "Judul",
    "label.chronology": "Kronologi",
    "label.event_date": "Tanggal kejadian",
    "label.event_place": "Tempat kejadian",
    "label.location": "Lokasi",
    "label.attachments": "Lampiran",
    "label.confidential": "Identitas dirahasiakan",
    "value.none": "—",
    "value.yes": "Ya",
    "value.no": "Tidak",
    "value.location": "{lat}, {lon}",
    "value.attachments": "{photos} foto, {documents} dokumen",
    "shortened": "… [dipersingkat: {hidden} karakter lagi tersimpan utuh]",
    "btn.edit": "✏️ {label}",
    "btn.submit": "📨 Kirim laporan",
    "btn.cancel": "✖️ Batal",
    "submitted": (
        "✅ <b>Laporan Anda sudah terkirim.</b>\n\n"
        "Nomor laporan: <code>{number}</code>\n"
        "Target selesai: <b>{deadline}</b> (2 hari kerja).\n\n"
        "Simpan nomor ini untuk melacak laporan Anda lewat menu Laporan saya atau /track."
    ),
    # -- my complaints and tracking ----------------------------------------------------------------------
    "mine.empty": "Anda belum pernah membuat laporan. Pilih /new untuk membuat laporan.",
    "mine.title": "<b>Laporan Anda</b> (terbaru di atas):",
    "mine.item": "<code>{number}</code> — {subject}\n   <i>{state}</i>",
    "btn.complaint": "{number}",
    "track.ask": "Kirim nomor laporan Anda, contoh: LG-2026-000001",
    "track.not_found": (
        "Nomor laporan itu tidak ditemukan di antara laporan Anda. Periksa nomornya, atau buka "
        "Laporan saya.\n"
        "Laporan Anda dicatat petugas (lewat telepon, email, atau loket)? Tautkan dulu: "
        "/link &lt;nomor laporan&gt; &lt;4 digit terakhir nomor HP Anda&gt;"
    ),
    "detail": (
        "<b>Laporan {number}</b>\n"
        "Judul: {subject}\n"
        "Status: <b>{state}</b>\n"
        "Diterima: {received}\n"
        "Target selesai: {deadline}\n"
        "Tanggal kejadian: {event_date}\n"
        "Tempat: {place}\n"
        "Identitas dirahasiakan: {confidential}\n\n"
        "<b>Kronologi</b>\n{chronology}"
    ),
    "detail.result": "\n\n<b>Hasil tindak lanjut</b>\n{result}",
    "detail.history": "\n\n<b>Riwayat</b>\n{lines}",
    "history.line": "{at} — {what}",
    # -- states, in a reporter's words -------------------------------------------------------------------
    "state.laporgub.draft": "Draf",
    "state.laporgub.at_province": "Diterima, menunggu disposisi Pemprov Jawa Tengah",
    "state.laporgub.at_city": "Diverifikasi Dinkominfo Kota",
    "state.laporgub.at_opd": "Diteruskan ke perangkat daerah (OPD)",
    "state.laporgub.in_follow_up": "Sedang ditindaklanjuti",
    "state.laporgub.result_at_city": "Hasil tindak lanjut sedang diperiksa",
    "state.laporgub.result_at_province": "Hasil tindak lanjut sedang diverifikasi Pemprov",
    "state.laporgub.resolved": "Selesai — hasil sudah dikirim kepada Anda",
    "state.laporgub.closed": "Ditutup",
    "state.laporgub.rejected": "Tidak dapat diproses melalui LaporGub",
    "state.service.draft": "Draf",
    "state.service.recorded": "Dicatat petugas",
    "state.service.responded": "Sudah ditanggapi petugas",
    "state.service.solved": "Selesai",
    "state.service.escalated": "Ditangani pejabat pengaduan",
    "state.service.resolved": "Selesai",
    # -- history, in a reporter's words ------------------------------------------------------------------
    "event.laporgub.submit": "Laporan diterima",
    "event.laporgub.dispose": "Didisposisikan ke {org}",
    "event.laporgub.reject": "Tidak dapat diproses melalui LaporGub: {reason}",
    "event.laporgub.forward": "Diteruskan ke {org}",
    "event.laporgub.return_to_province": "Sedang dialihkan ke instansi yang tepat",
    "event.laporgub.accept": "Diterima OPD dan mulai ditindaklanjuti",
    "event.laporgub.return_to_city": "Sedang dialihkan ke instansi yang tepat",
    "event.laporgub.submit_result": "Hasil tindak lanjut disampaikan untuk diperiksa",
    "event.laporgub.confirm_result": "Hasil dikonfirmasi Dinkominfo",
    "event.laporgub.request_revision": "Tindak lanjut sedang dilengkapi",
    "event.laporgub.approve": "Hasil diverifikasi dan dikirim kepada Anda",
    "event.laporgub.return_result": "Hasil tindak lanjut sedang dilengkapi",
    "event.laporgub.acknowledge": "Anda mengonfirmasi hasil; laporan ditutup",
    "event.laporgub.auto_close": "Ditutup otomatis",
    "event.service.record": "Pengaduan dicatat",
    "event.service.respond": "Ditanggapi petugas",
    "event.service.confirm_solved": "Dinyatakan selesai",
    "event.service.not_solved": "Belum selesai; diteruskan ke pejabat pengaduan",
    "event.service.escalate": "Diteruskan ke pejabat pengaduan",
    "event.service.resolve": "Diselesaikan pejabat pengaduan",
    "event.service.auto_close": "Ditutup otomatis: dianggap selesai",
    "event.other": "Status diperbarui",
    "org.unknown": "instansi terkait",
    # -- dates -------------------------------------------------------------------------------------------
    "date.long": "{weekday}, {day} {month} {year}",
    "date.short": "{day} {month} {year}",
    "datetime.short": "{day} {month} {year} {hour}.{minute} WIB",
    "month.1": "Januari",
    "month.2": "Februari",
    "month.3": "Maret",
    "month.4": "April",
    "month.5": "Mei",
    "month.6": "Juni",
    "month.7": "Juli",
    "month.8": "Agustus",
    "month.9": "September",
    "month.10": "Oktober",
    "month.11": "November",
    "month.12": "Desember",
    "weekday.0": "Senin",
    "weekday.1": "Selasa",
    "weekday.2": "Rabu",
    "weekday.3": "Kamis",
    "weekday.4": "Jumat",
    "weekday.5": "Sabtu",
    "weekday.6": "Minggu",
    # -- admin: the complaint card -----------------------------------------------------------------------
    "admin.card.title": "📋 <b>{number}</b> · {state}",
    "admin.card.deadline": "<b>Batas waktu</b>: {day}",
    "admin.card.deadline_due": "<b>Batas waktu</b>: {day} — {due}",
    "admin.due.left": "sisa {days} hari kerja",
    "admin.due.today": "jatuh tempo hari ini",
    "admin.due.overdue": "⚠️ terlambat {days} hari kerja",
    "admin.card.subject": "<b>Judul</b>: {subject}",
    "admin.card.event": "<b>Kejadian</b>: {date}, {place}",
    "admin.card.location": "<b>Lokasi</b>: {location}",
    "admin.card.location_link": '<a href="{url}">{lat}, {lon}</a>',
    "admin.card.attachments": "<b>Lampiran</b>: {photos} foto, {documents} dokumen",
    "admin.card.result_attachments": "<b>Lampiran hasil</b>: {photos} foto, {documents} dokumen",
    "admin.card.reporter": "<b>Pelapor</b>: {name} · NIK {nik} · HP {phone} · {address}",
    "admin.card.reporter_hidden": "<b>Pelapor</b>: 🔒 identitas dirahasiakan",
    "admin.card.reporter_erased": "<b>Pelapor</b>: identitas sudah dihapus (UU 27/2022)",
    "admin.card.confidential_note": "🔒 Pelapor meminta identitasnya dirahasiakan dari OPD.",
    "admin.card.chronology": "<b>Kronologi</b>\n{chronology}",
    "admin.card.result": "<b>Hasil tindak lanjut</b>\n{result}",
    "admin.card.done": "✅ <b>{what}</b> — {name}, {at}",
    "admin.btn.files": "📎 Lihat lampiran ({count})",
    "admin.channel.telegram": "Telegram",
    "admin.channel.telephone": "Telepon",
    "admin.channel.email": "Email",
    "admin.channel.website": "Situs web",
    "admin.channel.twitter": "Twitter",
    "admin.channel.instagram": "Instagram",
    "admin.channel.direct": "Datang langsung",
    # -- admin: states, in an admin's words --------------------------------------------------------------
    "admin.state.laporgub.draft": "Draf",
    "admin.state.laporgub.at_province": "Menunggu disposisi Pemprov",
    "admin.state.laporgub.at_city": "Di Dinkominfo, menunggu verifikasi kewenangan",
    "admin.state.laporgub.at_opd": "Di OPD, menunggu verifikasi tupoksi",
    "admin.state.laporgub.in_follow_up": "Sedang ditindaklanjuti OPD",
    "admin.state.laporgub.result_at_city": "Hasil menunggu konfirmasi Dinkominfo",
    "admin.state.laporgub.result_at_province": "Hasil menunggu verifikasi Pemprov",
    "admin.state.laporgub.resolved": "Hasil dikirim ke pelapor, menunggu konfirmasi pelapor",
    "admin.state.laporgub.closed": "Ditutup",
    "admin.state.laporgub.rejected": "Ditolak: bukan materi LaporGub",
    "admin.state.service.draft": "Draf",
    "admin.state.service.recorded": "Dicatat, menunggu tanggapan petugas",
    "admin.state.service.responded": "Ditanggapi, menunggu konfirmasi pengadu",
    "admin.state.service.solved": "Selesai",
    "admin.state.service.escalated": "Ditangani pejabat pengaduan",
    "admin.state.service.resolved": "Diselesaikan pejabat pengaduan",
    # -- admin: actions (buttons, and what was done) -----------------------------------------------------
    "admin.btn.dispose": "📤 Disposisi ke kota/kabupaten",
    "admin.btn.reject": "⛔ Tolak (bukan materi LaporGub)",
    "admin.btn.forward": "📤 Teruskan ke OPD",
    "admin.btn.return_to_province": "↩️ Kembalikan ke Pemprov",
    "admin.btn.accept": "✅ Terima dan tindak lanjuti",
    "admin.btn.return_to_city": "↩️ Kembalikan ke Dinkominfo",
    "admin.btn.submit_result": "📝 Kirim hasil tindak lanjut",
    "admin.btn.confirm_result": "✅ Konfirmasi hasil",
    "admin.btn.request_revision": "🔁 Minta revisi ke OPD",
    "admin.btn.approve": "✅ Setujui, kirim ke pelapor",
    "admin.btn.return_result": "↩️ Kembalikan hasil ke Dinkominfo",
    "admin.btn.acknowledge": "✅ Pelapor sudah menerima hasil",
    "admin.btn.respond": "💬 Tanggapi",
    "admin.btn.confirm_solved": "✅ Nyatakan selesai",
    "admin.btn.not_solved": "❌ Belum selesai",
    "admin.btn.escalate": "⬆️ Teruskan ke pejabat pengaduan",
    "admin.btn.resolve": "✅ Selesaikan",
    "admin.did.dispose": "Didisposisikan ke {org}",
    "admin.did.reject": "Ditolak: bukan materi LaporGub",
    "admin.did.forward": "Diteruskan ke {org}",
    "admin.did.return_to_province": "Dikembalikan ke Pemprov",
    "admin.did.accept": "Diterima untuk ditindaklanjuti",
    "admin.did.return_to_city": "Dikembalikan ke Dinkominfo",
    "admin.did.submit_result": "Hasil tindak lanjut dikirim",
    "admin.did.confirm_result": "Hasil dikonfirmasi",
    "admin.did.request_revision": "Revisi diminta dari OPD",
    "admin.did.approve": "Hasil disetujui dan dikirim ke pelapor",
    "admin.did.return_result": "Hasil dikembalikan ke Dinkominfo",
    "admin.did.acknowledge": "Ditutup: pelapor sudah menerima hasil",
    "admin.did.respond": "Ditanggapi",
    "admin.did.confirm_solved": "Dinyatakan selesai",
    "admin.did.not_solved": "Dinyatakan belum selesai",
    "admin.did.escalate": "Diteruskan ke pejabat pengaduan",
    "admin.did.resolve": "Diselesaikan",
    "admin.did.auto_close": "Ditutup otomatis: pelapor tidak menjawab dalam batas waktu",
    "admin.did.other": "Status diperbarui",
    # -- admin: menu and queue ---------------------------------------------------------------------------
    "admin.menu": (
        "🏛 <b>{role}</b> — {org}\n"
        "Selamat datang, {name}.\n\n"
        "Laporan menunggu di antrian instansi Anda: <b>{count}</b>"
    ),
    "admin.role.province": "Admin PemProv Jateng",
    "admin.role.city": "Admin Dinkominfo",
    "admin.role.opd": "Admin OPD",
    "admin.role.officer": "Petugas pengaduan",
    "admin.role.official": "Pejabat pengaduan",
    "admin.btn.queue": "📥 Antrian ({count})",
    "admin.btn.reporter_menu": "📝 Menu pelapor (laporan pribadi)",
    "admin.btn.admin_menu": "🏛 Kembali ke menu admin",
    "admin.reporter_menu": (
        "📝 <b>Menu pelapor</b>\nDi sini Anda membuat dan melacak laporan pribadi Anda sendiri, "
        "seperti warga lainnya."
    ),
    "admin.help": (
        "<b>Perintah admin</b>\n"
        "/start — menu admin\n"
        "/antrian atau /queue — antrian laporan instansi Anda\n"
        "/rekap — rekap periode (grafik, XLSX, CSV)\n"
        "/cancel — batalkan alasan atau hasil yang sedang ditulis\n"
        "/language — ganti bahasa\n\n"
        "Buka laporan dari antrian; tombol di kartu laporan adalah langkah yang boleh Anda ambil saat ini."
    ),
    "admin.only": "Perintah ini hanya untuk admin LaporGub yang terdaftar. Ketik /start untuk menu utama.",
    "admin.busy": "Anda sedang menulis alasan atau hasil tindak lanjut. Lanjutkan, atau ketik /cancel.",
    "admin.queue.title": (
        "📥 <b>Antrian {org}</b>\n{total} laporan, halaman {page}/{pages} — tenggat terdekat di atas."
    ),
    "admin.queue.empty": "📥 <b>Antrian {org}</b>\nTidak ada laporan yang menunggu.",
    "admin.queue.item": "{index}. <code>{number}</code> — {subject}\n    {due}",
    "admin.btn.open": "{index}. {number}",
    "admin.btn.prev": "◀️ Sebelumnya",
    "admin.btn.next": "Berikutnya ▶️",
    "admin.files.none": "Laporan ini tidak memiliki lampiran.",
    "admin.files.caption": "📎 {number} — lampiran laporan",
    "admin.files.result_caption": "📎 {number} — lampiran hasil tindak lanjut",
    # -- admin: pickers, reasons and results -------------------------------------------------------------
    "admin.pick.none": "Tidak ada instansi tujuan yang aktif.",
    "admin.btn.page_prev": "◀️ {page}/{pages}",
    "admin.btn.page_next": "{page}/{pages} ▶️",
    "admin.btn.back": "↩️ Kembali",
    "admin.ask.reason": (
        "✍️ <b>{action}</b> — <code>{number}</code>\n"
        "Tulis alasannya dalam satu pesan (maksimal {max} karakter). "
        "Alasan ini akan terlihat oleh instansi berikutnya."
    ),
    "admin.ask.result": (
        "📝 <b>{action}</b> — <code>{number}</code>\n"
        "Tulis hasil tindak lanjut dalam satu pesan (maksimal {max} karakter). "
        "Sesudahnya Anda dapat melampirkan hingga {files} foto atau dokumen."
    ),
    "admin.ask.result_files": (
        "📎 Kirim hingga {max} foto atau dokumen pendukung, lalu tekan Selesai. "
        "Tidak ada lampiran? Langsung tekan Selesai."
    ),
    "admin.result.file_added": "Berkas {count}/{max} diterima. Kirim lagi, atau tekan Selesai.",
    "admin.result.files_full": "Sudah {max} berkas, jumlah maksimal. Tekan Selesai.",
    "admin.result.file_refused": (
        "Berkas ini tidak dapat diterima (ukurannya tidak diketahui atau lebih dari {limit_mb} MB)."
    ),
    "admin.bad.too_long": "Terlalu panjang ({length} karakter; maksimal {max}). Persingkat dan kirim ulang:",
    "admin.hint.text": "Tulis jawabannya sebagai teks, atau tekan Batal.",
    "admin.hint.files": "Kirim foto atau dokumen, atau tekan Selesai.",
    "admin.hint.buttons": "Tekan Kirim untuk menerapkan, atau Batal.",
    "admin.confirm.reason": (
        "Periksa sebelum dikirim:\n<b>{action}</b> — <code>{number}</code>\n<b>Alasan</b>: {reason}"
    ),
    "admin.confirm.result": (
        "Periksa sebelum dikirim:\n<b>{action}</b> — <code>{number}</code>\n"
        "<b>Hasil</b>: {result}\n<b>Lampiran</b>: {photos} foto, {documents} dokumen"
    ),
    "admin.btn.confirm": "✅ Kirim",
    "admin.btn.abort": "✖️ Batal",
    "admin.btn.done": "✅ Selesai",
    "admin.aborted": "Dibatalkan. Laporan tidak diubah.",
    "admin.toast.done": "✅ {what}",
    # -- admin: refused presses (toasts, at most 200 characters) -----------------------------------------
    "admin.refused.stale_by": "Sudah ditangani oleh {name}: {what} ({at}). Tidak ada yang diubah.",
    "admin.refused.stale": (
        "Laporan ini sudah berubah sejak kartu ini ditampilkan. Tidak ada yang diubah; buka antrian "
        "untuk status terbaru."
    ),
    "admin.refused.not_permitted": (
        "Laporan ini tidak berada di antrian instansi Anda. Tidak ada yang diubah."
    ),
    "admin.refused.not_admin": "Tombol ini hanya untuk admin yang berwenang. Tidak ada yang diubah.",
    "admin.refused.invalid_target": (
        "Tujuan itu tidak dapat dipilih untuk laporan ini. Tidak ada yang diubah."
    ),
    "admin.refused.forged": "Tombol ini tidak dikenali. Tidak ada yang diubah.",
    # -- notifications (rendered by the outbox sender when it delivers) ----------------------------------
    "notify.card_title": "📋 <b>{number}</b> — {subject}",
    "notify.handled": "☑️ Ditangani oleh <b>{name}</b> pada {at}: {what}",
    "notify.handled_reason": "\n<i>Alasan</i>: {reason}",
    "notify.done": "✅ <b>{number}</b> — {subject}\n{what}. Pihak berikutnya sudah diberi tahu.",
    "notify.reporter.submit": (
        "📥 Laporan Anda <b>{number}</b> ({subject}) telah diterima oleh Admin Pemprov Jawa Tengah.\n"
        "Laporan ini dicatat oleh petugas kami untuk Anda. "
        "Target selesai: <b>{deadline}</b> (2 hari kerja).\n"
        "Pantau dengan /track {number}"
    ),
    "notify.reporter.forward": (
        "🏢 Laporan Anda <b>{number}</b> ({subject}) telah diteruskan ke <b>{org}</b>, "
        "perangkat daerah yang menanganinya."
    ),
    "notify.reporter.accept": (
        "🔧 Laporan Anda <b>{number}</b> ({subject}) sedang ditindaklanjuti oleh <b>{org}</b>."
    ),
    "notify.reporter.reject": (
        "❌ Laporan Anda <b>{number}</b> ({subject}) tidak dapat ditangani melalui LaporGub.\n"
        "<b>Alasan</b>: {reason}\n\nCara lain menghubungi kami: /contacts"
    ),
    "notify.reporter.approve": (
        "📬 <b>Hasil tindak lanjut laporan Anda {number}</b>\n<b>Perihal</b>: {subject}\n\n{result}"
    ),
    "notify.reporter.approve_files": "\n\n📎 Lampiran hasil ada di atas.",
    "notify.reporter.approve_ask": (
        "\n\nMohon konfirmasi bahwa Anda sudah menerimanya, dan beri nilai penanganannya "
        "(1 = buruk, 5 = sangat baik)."
    ),
    "notify.reporter.approve_closed": "\n\nLaporan ini sudah ditutup.",
    "notify.reporter.files_caption": "📎 Hasil tindak lanjut {number}",
    "notify.reporter.auto_close": (
        "🔒 Laporan Anda <b>{number}</b> ({subject}) telah ditutup karena kami tidak menerima tanggapan "
        "setelah hasilnya dikirim. Terima kasih."
    ),
    "notify.reporter.record": (
        "📥 Pengaduan Anda tentang layanan kami, <b>{number}</b> ({subject}), telah dicatat oleh petugas."
    ),
    "notify.reporter.respond": (
        "💬 Petugas telah menanggapi pengaduan Anda tentang layanan kami, <b>{number}</b>:\n\n{result}"
    ),
    "notify.reporter.resolve": (
        "✅ Pejabat pengaduan telah menyelesaikan pengaduan Anda tentang layanan kami, <b>{number}</b>:\n\n"
        "{result}"
    ),
    "notify.reporter.other": "ℹ️ Laporan Anda <b>{number}</b> berstatus baru: {state}",
    "notify.unreachable": (
        "⚠️ <b>Pelapor tidak dapat dihubungi</b> — {number}\n"
        "{name} (telepon {phone}) telah memblokir bot ini, sehingga {what} laporan <b>{number}</b> "
        "({subject}) tidak terkirim.\nMohon sampaikan dengan cara lain, misalnya lewat telepon."
    ),
    "notify.missed.approve": "hasil tindak lanjut",
    "notify.missed.reject": "penolakan beserta alasannya",
    "notify.missed.respond": "tanggapan petugas",
    "notify.missed.resolve": "tanggapan pejabat pengaduan",
    "notify.missed.other": "kabar terbaru",
    "btn.result.received": "✅ Sudah saya terima",
    "btn.result.rate": "{stars}",
    "btn.result.skip": "Lewati",
    "result.comment.ask": (
        "🙏 Terima kasih atas penilaian Anda ({stars}); nilai sudah tersimpan dan laporan <b>{number}</b> "
        "telah ditutup.\nIngin menambahkan komentar? Ketik sekarang, atau tekan Lewati."
    ),
    "result.comment.text_only": "Silakan ketik komentar Anda sebagai teks, atau tekan Lewati.",
    "result.comment.too_long": "Mohon batasi komentar hingga {max} karakter.",
    "result.thanks": (
        "🙏 Terima kasih. Laporan <b>{number}</b> telah ditutup.\n"
        "Bagaimana penanganannya? Beri nilai (1 = buruk, 5 = sangat baik):"
    ),
    "result.thanks_rated": (
        "🙏 Terima kasih atas penilaian Anda ({stars}). Laporan <b>{number}</b> telah ditutup."
    ),
    "result.rated_toast": "{stars}",
    "result.stale": "Laporan ini sudah ditutup; tidak ada yang diubah.",
    "result.foreign": "Tombol ini bukan untuk Anda.",
    # -- errors ------------------------------------------------------------------------------------------
    "error.unexpected": "Maaf, terjadi kesalahan di sistem kami. Silakan coba lagi sebentar lagi.",
    "error.not_found": "Data yang Anda minta tidak ditemukan.",
    "error.stale": "Laporan ini baru saja berubah. Silakan buka lagi untuk melihat status terbaru.",
    "error.workflow": "Tindakan ini tidak dapat dilakukan pada status laporan saat ini.",
    "error.not_ready": (
        "Layanan belum siap menerima laporan. Silakan hubungi Dinkominfo Kota Pekalongan: /contacts"
    ),
    "error.private_only": (
        "Untuk menjaga data pribadi Anda, silakan buat laporan lewat obrolan pribadi dengan bot ini."
    ),
    # -- channels/onboarding -----------------------------------------------------------------------------
    "invite.welcome": "Selamat datang! Anda sekarang <b>{role}</b> di {org}. Kirim /start untuk menu Anda.",
    "invite.already": "Anda sudah menjadi <b>{role}</b> di {org}; undangan ini tidak dipakai. Kirim /start.",
    "invite.expired": "Undangan ini sudah kedaluwarsa (berlaku 48 jam). Mintalah undangan baru.",
    "invite.used": "Undangan ini sudah dipakai atau tidak ada. Mintalah undangan baru.",
    "invite.not_allowed": "Hanya admin provinsi dan Dinkominfo yang dapat mengundang admin di bawahnya.",
    "invite.choose": "Siapa yang ingin Anda undang?",
    "invite.btn": "{role} — {org}",
    "invite.link": (
        "Undangan untuk <b>{role}</b> di {org}. Kirim tautan ini kepada orangnya; hanya sekali pakai, "
        "berlaku sampai {expires}:\n{link}"
    ),
    "seats.title": "<b>Admin di bawah Anda</b>",
    "seats.row": "• {name} — {role}, {org}",
    "seats.none": "Tidak ada admin aktif di bawah Anda.",
    "seats.btn.deactivate": "Nonaktifkan {name}",
    "seats.deactivated": "{name} dinonaktifkan; tombolnya berhenti berfungsi sekarang.",
    "link.usage": "Kirim: /link &lt;nomor laporan&gt; &lt;4 digit terakhir nomor HP pada laporan&gt;",
    "link.refused": "Nomor laporan dan digit tersebut tidak cocok dengan laporan yang dapat ditautkan.",
    "link.too_many": "Terlalu banyak percobaan. Silakan coba lagi setelah {at}.",
    "link.done": "Laporan <b>{number}</b> ({subject}) sudah ditautkan: kabarnya Anda terima di sini.",
    "relay.task": "📞 <b>Sampaikan kepada {name}</b> di <b>{contact}</b> via {channel} (laporan {number}):",
    "relay.result": "Hasil tindak lanjut laporan Anda {number}:\n{result}",
    "relay.follows": (
        "🔗 Laporan {number} digabung dengan laporan sebelumnya {earlier} tentang masalah yang sama: "
        "kabar ini perkembangan laporan {earlier}, untuk pelapor {number}."
    ),
    "relay.btn.delivered": "✅ Sudah disampaikan",
    "relay.thanks": "Ditandai sudah disampaikan.",
    "relay.closed": "Sudah disampaikan; laporan ditutup.",
    "relay.not_yours": "Pesan ini untuk petugas kantor lain.",
    # -- officer/service ---------------------------------------------------------------------------------
    "officer.btn.record": "📝 Catat pengaduan dari saluran lain",
    "officer.not_officer": "Hanya petugas pengaduan yang dapat mencatat pengaduan atas nama warga.",
    "officer.kind.ask": "Pengaduan apa yang Anda catat?",
    "officer.btn.kind.laporgub": "LaporGub (masuk alur LaporGub)",
    "officer.btn.kind.service": "Pengaduan layanan Dinkominfo",
    "officer.channel.ask": "Lewat saluran apa pengaduan ini datang?",
    "officer.btn.system": "🔗 {system}",
    "officer.external.ask": "Ketik nomor pengaduan ini di {system}:",
    "officer.bad.external": "Nomor rujukan harus {min}–{max} karakter. Ketik lagi:",
    "officer.contact.ask": (
        "Bagaimana pelapor dihubungi? Ketik nomor HP, email, atau @akun (untuk Twitter/Instagram).\n"
        "Pelapor tidak memakai Telegram: setiap kabar untuknya datang kepada Anda sebagai tugas untuk "
        "disampaikan."
    ),
    "officer.bad.contact": "Itu bukan nomor HP, email, atau @akun yang sah. Ketik lagi:",
    "officer.bad.handle": (
        "@akun hanya untuk pengaduan lewat Twitter atau Instagram. Ketik nomor HP atau email:"
    ),
    "officer.recorded": (
        "✅ Pengaduan dicatat: <b>{number}</b> ({channel}).\n"
        "Pelapor: {name}, {contact}. Kabar untuknya datang kepada Anda sebagai tugas untuk disampaikan.\n"
        "Pelapor dapat menautkannya ke Telegram dengan /link {number} dan 4 digit terakhir nomor HP-nya."
    ),
    "officer.answer_for": (
        "☎️ Sampaikan tanggapan ini kepada pelapor, lalu catat jawabannya: sudah selesai atau belum."
    ),
    "service.intro": (
        "<b>Pengaduan tentang layanan Dinkominfo</b>\n"
        "Ceritakan apa yang tidak memuaskan dari layanan kami. Petugas akan menanggapi; bila belum selesai, "
        "pejabat pengaduan yang menyelesaikannya. /cancel membatalkan."
    ),
    "service.submitted": (
        "✅ Pengaduan layanan Anda tercatat dengan nomor <b>{number}</b> di {office}. "
        "Tanggapan petugas Anda terima di sini."
    ),
    "service.unavailable": "Maaf, pengaduan layanan belum dapat diterima lewat bot. Hubungi kami: /kontak",
    "service.answer.ask": "\n\nApakah masalah Anda sudah selesai?",
    "service.btn.solved": "✅ Sudah selesai",
    "service.btn.not_solved": "❌ Belum selesai",
    "service.not_solved.ask": (
        "Apa yang belum selesai? Tulis singkat (paling banyak {max} karakter); pengaduan Anda diteruskan "
        "kepada pejabat pengaduan."
    ),
    "service.not_solved.bad": "Tulis dalam teks, 1–{max} karakter, apa yang belum selesai:",
    "service.solved": "Terima kasih. Pengaduan <b>{number}</b> ditandai selesai.",
    "service.escalated": (
        "Pengaduan <b>{number}</b> diteruskan kepada pejabat pengaduan. Penyelesaiannya Anda terima di sini."
    ),
    "service.answer.stale": "Pengaduan ini sudah tidak menunggu jawaban Anda.",
    "service.auto_close": (
        "🔒 Pengaduan Anda tentang layanan kami, <b>{number}</b> ({subject}), telah ditutup dan dianggap "
        "selesai karena kami tidak menerima jawaban Anda atas tanggapan petugas. Terima kasih."
    ),
    "service.answer.busy": "Selesaikan atau batalkan (/cancel) laporan yang sedang Anda isi dulu.",
    "contacts.title": "<b>{office}</b>\n{address}",
    "contacts.intro": "Pengaduan tentang layanan kami dapat disampaikan melalui:",
    "contacts.phones": "☎️ Telepon: {phones}",
    "contacts.email": "✉️ Email: {value}",
    "contacts.website": "🌐 Situs: {value}",
    "contacts.twitter": "🐦 Twitter: {value}",
    "contacts.instagram": "📷 Instagram: {value}",
    "contacts.official": "👤 Pejabat pengaduan: {official}, HP {phone}",
    "contacts.counter": "Atau datang langsung ke petugas di kantor kami (alamat di atas).",
    "contacts.in_bot": "Atau lewat bot ini: menu 📣 Pengaduan layanan.",
    # -- reminders ---------------------------------------------------------------------------------------
    "reminder.stage_half": (
        "⏳ Laporan <b>{number}</b> ({subject}): separuh waktu tahap ini sudah terpakai.\n"
        "Tahap: {stage}\nBatas: {due}"
    ),
    "reminder.stage_due_today": (
        "⏰ Laporan <b>{number}</b> ({subject}) jatuh tempo hari ini.\nTahap: {stage}\nBatas: {due}"
    ),
    "reminder.stage_overdue": (
        "🚨 Laporan <b>{number}</b> ({subject}) terlambat di {org}.\nTahap: {stage}\nBatas: {due}"
    ),
    "reminder.draft_reminder": (
        "📝 Laporan Anda belum selesai diisi. Lanjutkan di sini, atau /cancel untuk membatalkan.\n"
        "Bila tidak dilanjutkan, draf dihapus pada {discard}."
    ),
    "reminder.draft_discarded": (
        "🗑 Laporan yang belum selesai Anda isi sudah dihapus karena lama tidak dilanjutkan. "
        "Silakan mulai lagi dari menu bila masih diperlukan."
    ),
    "reminder.service_answer_reminder": (
        "⏳ Tanggapan petugas atas pengaduan Anda tentang layanan kami, <b>{number}</b> ({subject}), masih "
        "menunggu jawaban Anda. Bila tidak ada jawaban, pengaduan ini dianggap selesai dan ditutup pada "
        "{close}."
    ),
    # -- reports (/rekap) --------------------------------------------------------------------------------
    "report.ask": "📊 Rekap untuk periode apa?",
    "report.btn.this_month": "Bulan ini",
    "report.btn.last_month": "Bulan lalu",
    "report.btn.this_year": "Tahun ini",
    "report.btn.xlsx": "📥 XLSX",
    "report.btn.csv": "📥 CSV",
    "report.not_allowed": "Rekap hanya untuk admin Pemprov, Dinkominfo, dan OPD.",
    "report.btn.custom": "📅 Rentang lain",
    "report.range.ask": (
        "📅 Ketik rentang tanggal, misalnya <code>01-12-2026 s/d 15-12-2026</code>, "
        "atau satu tanggal untuk satu hari saja. Paling panjang {max} hari, paling akhir hari ini ({today}). "
        "Ketik /cancel untuk batal."
    ),
    "report.range.bad.format": (
        "Rentang tidak dikenali. Tulis tanggal sebagai HH-BB-TTTT, misalnya "
        "<code>01-12-2026 s/d 15-12-2026</code> atau <code>24-12-2026</code>. Ketik ulang, atau /cancel."
    ),
    "report.range.bad.no_such_date": (
        "Tanggal {typed} tidak ada di kalender. Periksa hari dan bulannya, lalu ketik ulang, atau /cancel."
    ),
    "report.range.bad.reversed": (
        "Tanggal awal ({first}) sesudah tanggal akhir ({last}). Tulis tanggal yang lebih awal dulu, "
        "atau /cancel."
    ),
    "report.range.bad.future": "Rentang tidak boleh melewati hari ini ({today}). Ketik ulang, atau /cancel.",
    "report.range.bad.too_early": "Rekap tersedia mulai {earliest}. Ketik ulang, atau /cancel.",
    "report.range.bad.too_long": (
        "Rentang {days} hari terlalu panjang; paling panjang {max} hari. Ketik ulang, atau /cancel."
    ),
    "report.range.cancelled": "Rekap dibatalkan.",
    "report.preparing": "⏳ Menyiapkan berkas {fmt}… Berkas dikirim di sini begitu siap.",
    "report.already_preparing": (
        "⏳ Berkas {fmt} untuk periode ini masih disiapkan. "
        "Tunggu sebentar; berkas dikirim di sini begitu siap."
    ),
    "report.export_failed": "Maaf, berkas {fmt} gagal dibuat. Coba lagi sebentar lagi.",
    "admin.btn.report": "📊 Rekap",
    # -- citizens: ratings, milestones, timeline, dates, the summary ---------------------------------------
    "result.comment.saved": "📝 Komentar Anda tersimpan bersama penilaiannya. Terima kasih.",
    "result.comment.skipped": "Penilaian Anda sudah tersimpan.",
    "result.already_rated": "Laporan ini sudah dinilai; tidak ada yang diubah.",
    "notify.reporter.dispose": (
        "🏛️ Laporan Anda <b>{number}</b> ({subject}) telah didisposisikan oleh Pemprov Jawa Tengah ke "
        "<b>{org}</b>, yang akan meneruskannya ke perangkat daerah yang menangani."
    ),
    "notify.reporter.dispose_moved": (
        "🔀 Laporan Anda <b>{number}</b> ({subject}) dialihkan ke <b>{org}</b>, yang lebih berwenang atas "
        "wilayah kejadiannya. Anda tidak perlu melapor ulang."
    ),
    "notify.reporter.forward_moved": (
        "🔀 Laporan Anda <b>{number}</b> ({subject}) dialihkan ke <b>{org}</b>, karena urusan ini menjadi "
        "kewenangan instansi tersebut. Anda tidak perlu melapor ulang."
    ),
    "notify.reporter.submit_result": (
        "🔍 Hasil tindak lanjut laporan Anda <b>{number}</b> ({subject}) sudah disampaikan dan sedang "
        "diperiksa Dinkominfo dan Pemprov Jawa Tengah. Hasilnya dikirim kepada Anda setelah diverifikasi."
    ),
    "notify.reporter.acknowledge": (
        "🔒 Laporan Anda <b>{number}</b> ({subject}) telah ditutup: petugas kami mencatat bahwa hasilnya "
        "sudah Anda terima. Terima kasih."
    ),
    "notify.reporter.overdue": (
        "⏰ Mohon maaf, laporan Anda <b>{number}</b> ({subject}) belum selesai hingga target {deadline}.\n"
        "Laporan sedang berada di <b>{org}</b>; instansi tersebut dan atasannya sudah diingatkan untuk "
        "segera menindaklanjutinya. Kami akan mengabari Anda pada langkah berikutnya. "
        "Pantau dengan /track {number}"
    ),
    "event.laporgub.dispose_moved": "Dialihkan ke {org}",
    "event.laporgub.forward_moved": "Dialihkan ke {org}",
    "detail.overdue": (
        "\n⏰ Melewati target selesai. Mohon maaf atas keterlambatannya; laporan terus ditindaklanjuti."
    ),
    "btn.date.today": "📅 Hari ini",
    "btn.date.yesterday": "📅 Kemarin",
    "btn.summary.edit": "✏️ Ubah",
    "btn.summary.back": "⬅️ Kembali",
    # -- admin chats: cards --
    "admin.btn.open_card": "📋 Buka kartu",
    "admin.prompt.other": (
        "Tombol ini dari isian sebelumnya yang sudah selesai atau dibatalkan. Tidak ada yang diubah."
    ),
    "admin.card.latest_reason": "↩️ <b>{what}</b> — {org}, {at}\n<i>Alasan</i>: {reason}",
    "admin.card.received_via": "<b>Diterima</b>: {at} · {channel}",
    "admin.card.chronology_cut": "… [+{hidden} karakter: 📄 Kronologi lengkap]",
    "admin.btn.chronology": "📄 Kronologi lengkap",
    "admin.btn.history": "🕘 Alasan sebelumnya ({count})",
    "admin.history.title": "🕘 <b>Riwayat {number}</b>",
    "admin.history.line": "• {at} — {who}: {what}",
    "admin.history.reason": "  <i>Alasan</i>: {reason}",
    "admin.chronology.title": "📄 <b>Kronologi {number}</b> ({part}/{parts})",
    "admin.did.submit": "Laporan masuk",
    "admin.btn.invite": "✉️ Undang admin",
    "admin.btn.admins": "👥 Admin di bawah saya",
    # -- admin routing: pickers ---------------------------------------------------------------------------
    "admin.pick.ask.dispose": "❓ Disposisi ke {org}?",
    "admin.pick.ask.forward": "❓ Teruskan ke {org}?",
    "admin.pick.asked": "{question} Tekan ✅ untuk mengirim, atau pilih yang lain.",
    "admin.pick.suggested": "💡 Saran tujuan (tetap Anda yang memilih):",
    "admin.pick.why.history": "• {went} dari {alike} laporan serupa → {org}",
    "admin.pick.why.words": "• kata kunci «{words}» → {org}",
    "admin.pick.why.both": "• {went} dari {alike} laporan serupa, kata kunci «{words}» → {org}",
    "admin.pick.why.alike": "• laporan serupa → {org}",
    "admin.pick.why.returned": " (dikembalikan {count}×)",
    "admin.pick.why.province": "Pemprov (kembalikan)",
    "admin.pick.province_matter": "↩️ Bila ini urusan provinsi, tekan «{button}» dan tulis alasannya.",
    "admin.btn.send_to": "✅ Ya, {org}",
    "admin.btn.more": "🔎 Lainnya…",
    "admin.pick.all": "Semua tujuan ({page}/{pages}). Ketik beberapa huruf untuk menyaring.",
    "admin.pick.matches": "{count} tujuan cocok dengan «{typed}». Pilih di kartu di atas.",
    "admin.pick.no_match": (
        "Tidak ada tujuan yang cocok dengan «{typed}». Ketik huruf lain, atau pilih dari daftar."
    ),
    "admin.pick.matches_more": (
        "{count} tujuan cocok dengan «{typed}»; {shown} yang pertama ada di kartu di atas. "
        "Ketik lebih banyak huruf untuk mempersempit."
    ),
    "admin.pick.closed": (
        "Daftar tujuan sudah ditutup: laporan itu sudah berpindah. Buka kartunya lagi dari /antrian."
    ),
    "admin.pick.type_hint": "🔎 Pilih di bawah, atau ketik beberapa huruf nama tujuan untuk menyaring.",
    # -- officer's desk (issue 18) -----------------------------------------------------------------------
    "admin.refused.wrong_role": (
        "Langkah ini bukan tugas peran Anda untuk laporan ini. Tidak ada yang diubah."
    ),
    "admin.refused.complainant_answers": (
        "Pelapor ada di bot dan menjawab sendiri; petugas hanya menjawab untuk pelapor yang tak terjangkau "
        "bot. Tidak ada yang diubah."
    ),
    "officer.channel.after_reference": (
        "Rujukan dicatat: {system} {number}. Lewat saluran apa pengaduan ini sampai kepada Anda?"
    ),
    "relay.how.telephone": (
        "☎️ Telepon dan bacakan pesan di bawah, atau kirimkan lewat WhatsApp/SMS ke {contact}."
    ),
    "relay.how.email": "✉️ Kirim pesan di bawah lewat email ke {contact}.",
    "relay.how.twitter": "🐦 Kirim pesan di bawah lewat pesan langsung (DM) Twitter ke {contact}.",
    "relay.how.instagram": "📷 Kirim pesan di bawah lewat pesan langsung (DM) Instagram ke {contact}.",
    "relay.how.direct": "🏢 Sampaikan di loket saat pelapor datang; bacakan pesan di bawah.",
    "relay.files.email": "📎 Lampirkan foto/dokumen hasil di atas pada email itu.",
    "relay.files.other": (
        "📎 Teruskan juga foto/dokumen hasil di atas (WhatsApp/DM), atau tunjukkan di loket."
    ),
    "relay.files_caption": "📎 Untuk {name} — hasil {number}. Teruskan bersama pesan tugas di bawah.",
    "relay.link": (
        "Bila Anda memakai Telegram, kabar dan jawaban laporan ini bisa lewat bot ini: kirim /link {number} "
        "{digits} (4 digit terakhir nomor HP Anda)."
    ),
    "event.laporgub.submit.by_officer": "Laporan dicatat petugas untuk Anda dan diterima",
    "event.laporgub.acknowledge.by_officer": (
        "Petugas mengonfirmasi atas nama Anda bahwa hasil sudah disampaikan; laporan ditutup"
    ),
    "event.service.record.by_officer": "Pengaduan dicatat petugas untuk Anda",
    "event.service.confirm_solved.by_officer": "Petugas mengonfirmasi atas nama Anda: selesai",
    "event.service.not_solved.by_officer": (
        "Petugas mencatat atas nama Anda: belum selesai; diteruskan ke pejabat pengaduan"
    ),
    "officer.ask.full_name": (
        "<b>{step}/{total}</b> — <b>Nama pelapor</b> (sesuai KTP). /cancel membatalkan pencatatan."
    ),
    "officer.ask.nik": "<b>{step}/{total}</b> — <b>NIK pelapor</b> (16 angka):",
    "officer.ask.phone": (
        "<b>{step}/{total}</b> — <b>Nomor HP pelapor</b> (untuk menautkan laporan ke Telegram nanti):"
    ),
    "officer.ask.address": "<b>{step}/{total}</b> — <b>Alamat pelapor</b>:",
    "officer.ask.subject": (
        "<b>{step}/{total}</b> — <b>Judul</b> pengaduan, singkat (maksimal {limit} karakter):"
    ),
    "officer.ask.chronology": (
        "<b>{step}/{total}</b> — <b>Kronologi</b> menurut pelapor (maksimal {limit} karakter):"
    ),
    "officer.ask.event_date": "<b>{step}/{total}</b> — <b>Tanggal kejadian</b>? Contoh: 20-11-2026.",
    "officer.ask.event_place": "<b>{step}/{total}</b> — <b>Tempat kejadian</b> (jalan, kelurahan):",
    "officer.ask.attachments": (
        "<b>{step}/{total}</b> — <b>Foto atau dokumen</b> dari pelapor (opsional, maksimal {max}, "
        "masing-masing ≤ {size_mb} MB). Selesai atau Lewati."
    ),
    "officer.ask.confidential": (
        "<b>{step}/{total}</b> — Pelapor minta <b>identitasnya dirahasiakan</b> dari admin OPD?"
    ),
    "officer.label.full_name": "Nama pelapor",
    "officer.label.nik": "NIK pelapor",
    "officer.label.phone": "HP pelapor",
    "officer.label.address": "Alamat pelapor",
    "service.ask.subject": (
        "<b>Langkah {step}/{total}</b> — <b>Layanan apa</b> yang Anda adukan? (singkat, maksimal {limit} "
        "karakter)"
    ),
    "service.ask.chronology": (
        "<b>Langkah {step}/{total}</b> — <b>Apa yang salah</b> dengan layanan itu? (maksimal {limit} "
        "karakter)"
    ),
    "service.ask.event_date": "<b>Langkah {step}/{total}</b> — <b>Kapan</b> terjadinya? Contoh: 20-11-2026.",
    "service.ask.event_place": (
        "<b>Langkah {step}/{total}</b> — <b>Di mana</b>? (kantor, loket, situs, telepon, atau akun media "
        "sosial)"
    ),
    "service.label.subject": "Layanan",
    "service.label.chronology": "Yang salah",
    "service.label.event_date": "Kapan",
    "service.label.event_place": "Di mana",
    "officer.service.ask.subject": (
        "<b>{step}/{total}</b> — <b>Layanan apa</b> yang diadukan? (singkat, maksimal {limit} karakter)"
    ),
    "officer.service.ask.chronology": (
        "<b>{step}/{total}</b> — <b>Apa yang salah</b> menurut pelapor? (maksimal {limit} karakter)"
    ),
    "officer.service.ask.event_date": "<b>{step}/{total}</b> — <b>Kapan</b> terjadinya? Contoh: 20-11-2026.",
    "officer.service.ask.event_place": (
        "<b>{step}/{total}</b> — <b>Di mana</b>? (kantor, loket, situs, telepon, atau akun)"
    ),
    "admin.card.result.service": "<b>Tanggapan</b>\n{result}",
    "admin.card.result_attachments.service": "<b>Lampiran tanggapan</b>: {photos} foto, {documents} dokumen",
    "admin.card.history.service": "<b>Belum selesai dan diteruskan ke pejabat pengaduan</b>",
    # A service complaint's latest reason is the complainant's "not solved" (or an escalation): nothing was
    # sent back, so it stands under its own heading rather than the return arrow.
    "admin.card.latest_reason.service": (
        "🗣️ <b>Belum selesai dan diteruskan ke pejabat pengaduan</b>\n{what} — {org}, {at}\n"
        "<i>Alasan</i>: {reason}"
    ),
    "admin.card.by_complainant": "Pelapor",
    "admin.card.for_complainant": "Petugas atas nama pelapor",
    "admin.ask.result.service": (
        "📝 <b>{action}</b> — <code>{number}</code>\nTulis tanggapan untuk pelapor dalam satu pesan "
        "(maksimal {max} karakter). Sesudahnya Anda dapat melampirkan hingga {files} foto atau dokumen."
    ),
    "link.result": "<b>Hasil tindak lanjut</b>:\n{result}",
    # -- hardening: bad input --
    "bad.empty": "Tidak ada teks yang terlihat di jawaban itu. Ketik lagi:",
    "bad.phone.not_a_number": (
        "Itu bukan nomor telepon. Tulis nomor Indonesia, misalnya 0812 3456 7890 atau +62 812 3456 7890, "
        "atau tekan tombol untuk membagikan nomor Anda:"
    ),
    "bad.phone.foreign": (
        "Itu nomor luar negeri. Yang diterima hanya nomor Indonesia (+62 atau 08…), misalnya 0812 3456 7890. "
        "Ketik lagi:"
    ),
    "bad.phone.foreign_plus": (
        "Itu nomor luar negeri tanpa tanda +. Untuk pelapor di luar negeri, ketik nomornya dengan + dan kode "
        "negara, misalnya +60 12 345 6789; selain itu, nomor Indonesia (08…). Ketik lagi:"
    ),
    "bad.phone.too_short": "Nomor itu terlalu pendek. Periksa lagi, misalnya 0812 3456 7890. Ketik lagi:",
    "bad.phone.too_long": "Nomor itu terlalu panjang. Periksa lagi, misalnya 0812 3456 7890. Ketik lagi:",
    "bad.phone.not_reachable": (
        "Itu nomor layanan (bebas pulsa, premium, atau sejenisnya). Tulis nomor HP atau telepon rumah/kantor "
        "Anda:"
    ),
    "value.phone_abroad": "{phone} (nomor luar negeri)",
    # -- personal data (/datasaya, UU 27/2022) -----------------------------------------------------------
    "cmd.datasaya": "Data pribadi saya: lihat, minta hapus",
    "data.title": "🗂 <b>Data pribadi Anda di LaporGub</b>",
    "data.none": "Kami tidak menyimpan identitas Anda: Anda belum pernah membuat laporan.",
    "data.identity": (
        "<b>Identitas tersimpan</b>\nNama: {name}\nNIK: {nik}\nNo. HP: {phone}\nAlamat: {address}"
    ),
    "data.encrypted": "🔒 NIK dan nomor HP disimpan terenkripsi.",
    "data.plain": "⚠️ NIK dan nomor HP di server ini belum disimpan terenkripsi.",
    "data.erased": (
        "<b>Identitas</b>: sudah dihapus pada {at}. Nama, NIK, nomor HP, dan alamat Anda tidak lagi kami "
        "simpan."
    ),
    "data.complaints": "<b>Laporan Anda</b>: {count}",
    "data.complaints.none": "<b>Laporan Anda</b>: belum ada",
    "data.complaint.open": "• <code>{number}</code> — masih diproses",
    "data.complaint.finished": "• <code>{number}</code> — selesai",
    "data.complaints.more": "• … dan {count} lainnya (lihat /my)",
    "data.attachments": "Foto/dokumen yang Anda kirim: {count}",
    "data.account": "Akun Telegram: ID akun dan bahasa pilihan ({language}), agar bot dapat membalas Anda.",
    "data.account.named": (
        "Akun Telegram: ID akun, nama depan di Telegram ({name}), dan bahasa pilihan ({language}), agar bot "
        "dapat membalas Anda."
    ),
    "data.retention": (
        "<b>Berapa lama disimpan</b>\nIdentitas Anda dihapus otomatis {days} hari setelah laporan terakhir "
        "Anda selesai. Isi laporan tetap disimpan tanpa identitas sebagai arsip pengaduan."
    ),
    "data.after_erasure": (
        "Laporan Anda tetap tertaut ke akun Telegram ini: Anda masih dapat melihatnya di /my, dan hasil "
        "laporan "
        "yang masih diproses tetap dikirim ke chat ini."
    ),
    "data.offer": (
        "Anda dapat meminta identitas Anda dihapus sekarang. Permintaan diperiksa oleh admin {office}."
    ),
    "data.pending": (
        "⏳ Permintaan hapus data Anda (diajukan {at}) sedang diperiksa oleh {office}. Hasilnya dikirim ke "
        "chat ini."
    ),
    "data.refused_last": "Permintaan hapus data Anda sebelumnya ditolak pada {at}. Alasan: {reason}",
    "btn.data.erase": "🗑 Minta hapus data saya",
    "data.confirm": (
        "<b>Minta hapus data pribadi Anda?</b>\n\n"
        "Jika disetujui oleh admin {office}:\n"
        "• nama, NIK, nomor HP, dan alamat Anda dihapus permanen dan tidak dapat dikembalikan;\n"
        "• laporan Anda tetap disimpan tanpa identitas, sebagai catatan untuk rekap dan laporan instansi;\n"
        "{open}"
        "• jika ingin melapor lagi, Anda mengisi identitas dari awal.\n\n"
        "Hasil pemeriksaan dikirim ke chat ini."
    ),
    "data.confirm.open": (
        "• {count} laporan yang masih diproses tetap ditangani dan hasilnya tetap dikirim ke chat ini, "
        "tetapi "
        "petugas tidak dapat lagi melihat identitas Anda atau menghubungi Anda lewat telepon;\n"
    ),
    "btn.data.yes": "✅ Ya, ajukan",
    "btn.data.no": "✖️ Tidak jadi",
    "data.filed": (
        "📨 Permintaan hapus data Anda sudah diajukan ke {office}. Hasilnya dikirim ke chat ini; cek kapan "
        "saja dengan /datasaya."
    ),
    "data.already_pending": (
        "⏳ Anda sudah mengajukan permintaan hapus data pada {at}, dan permintaan itu masih diperiksa. Tidak "
        "perlu mengajukan lagi."
    ),
    "data.nothing_held": "Tidak ada identitas Anda yang tersimpan, jadi tidak ada yang perlu dihapus.",
    "data.unavailable": (
        "Maaf, permintaan belum dapat diajukan lewat bot saat ini. Silakan hubungi Dinkominfo: /contacts"
    ),
    "data.kept": "Baik, data Anda tidak diubah.",
    "data.decided.erased": (
        "🗑 <b>Data pribadi Anda telah dihapus</b> oleh {office} pada {at}.\n"
        "Nama, NIK, nomor HP, dan alamat Anda tidak lagi kami simpan. Laporan Anda tetap ada tanpa "
        "identitas: "
        "Anda masih dapat melihatnya di /my, dan hasil laporan yang masih diproses tetap dikirim ke chat ini."
    ),
    "data.decided.refused": (
        "<b>Permintaan hapus data Anda ditolak</b> oleh {office} pada {at}.\nAlasan: {reason}\n\n"
        "Data Anda tetap tersimpan dan terlindungi. Pertanyaan: /contacts"
    ),
    # the handling office's card
    "admin.data.card": (
        "🗂 <b>Permintaan hapus data pribadi</b> #{id}\nDiajukan: {at}\n\n"
        "Pelapor: {name}\nNIK {nik} · HP {phone}\nLaporan: {complaints}"
    ),
    "admin.data.card.none": "belum ada",
    "admin.data.card.open": (
        "⚠️ {count} laporan masih diproses: setelah dihapus, petugas tidak dapat melihat identitas pelapor "
        "atau meneleponnya; hasilnya tetap sampai ke chat pelapor."
    ),
    "admin.data.card.explain": (
        "Hapus: nama, NIK, nomor HP, dan alamat pelapor dihapus permanen (UU 27/2022); laporannya tetap ada "
        "tanpa identitas. Tolak: tuliskan alasannya, alasan dikirim ke pelapor."
    ),
    "admin.data.card.decided": "🗂 <b>Permintaan hapus data pribadi</b> #{id}\nDiajukan: {at}\n\n{done}",
    "admin.data.done.erased": "✅ <b>Data pelapor dihapus</b> — {name}, {at}",
    "admin.data.done.refused": "❌ <b>Ditolak</b> — {name}, {at}\nAlasan: {reason}",
    "admin.data.btn.erase": "✅ Hapus data",
    "admin.data.btn.refuse": "❌ Tolak",
    "admin.data.toast.erased": "Data pelapor dihapus. Pelapor diberi tahu.",
    "admin.data.toast.refused": "Penolakan dikirim ke pelapor.",
    "admin.data.toast.already.erased": (
        "Sudah ditangani oleh {name} ({at}): data dihapus. Tidak ada yang diubah."
    ),
    "admin.data.toast.already.refused": "Sudah ditangani oleh {name} ({at}): ditolak. Tidak ada yang diubah.",
    "admin.data.toast.not_yours": "Permintaan ini diperiksa oleh admin instansi lain. Tidak ada yang diubah.",
    "admin.data.toast.gone": "Permintaan ini tidak ditemukan. Tidak ada yang diubah.",
    "admin.data.ask_reason": (
        "✍️ Tulis alasan menolak permintaan hapus data #{id} (paling banyak {max} karakter). Alasan ini "
        "dikirim "
        "ke pelapor."
    ),
    "admin.data.confirm_reason": (
        "Tolak permintaan hapus data #{id} dengan alasan:\n<i>{reason}</i>\n\nKirim ke pelapor?"
    ),
    "admin.data.aborted": "Dibatalkan. Permintaan #{id} masih menunggu keputusan.",
    # -- similar complaints and duplicates (issue 17) ------------------------------------------------------
    "admin.card.joined": (
        "🔗 <b>Digabung ke laporan ini</b>: {numbers}. Pelapornya ikut menerima setiap kabar dan hasilnya."
    ),
    "admin.card.joined.more": "{numbers} dan {count} lainnya",
    "admin.similar.title": "🔁 <b>Mirip laporan lain</b> (mungkin masalah yang sama):",
    "admin.similar.line": "• {number}: {subject} ({stage}, {age})",
    "admin.similar.age.today": "masuk hari ini",
    "admin.similar.age.days": "masuk {days} hari lalu",
    "admin.similar.stage.at_province": "di Pemprov",
    "admin.similar.stage.at_city": "di Dinkominfo",
    "admin.similar.stage.at_opd": "di OPD",
    "admin.similar.stage.in_follow_up": "ditindaklanjuti OPD",
    "admin.similar.stage.result_at_city": "hasil diperiksa",
    "admin.similar.stage.result_at_province": "hasil diperiksa",
    "admin.similar.stage.resolved": "hasil sudah dikirim",
    "admin.similar.stage.closed": "selesai",
    "admin.card.state_following": "Digabungkan, mengikuti {number}",
    "admin.card.duplicate_of": (
        "🔗 <b>Digabungkan ke {number}</b> ({stage}): laporan sebelumnya tentang masalah yang sama. "
        "Laporan ini mengikuti penanganannya; pelapornya menerima kabar dan hasil yang sama."
    ),
    "admin.btn.link": "🔗 Gabungkan ke {number}",
    "admin.link.ask": (
        "❓ <b>Gabungkan {number} ke {earlier}?</b>\n{number} tidak lagi ditangani sendiri: laporan ini "
        "keluar dari antrian dan mengikuti {earlier}. Pelapornya diberi tahu dan menerima kabar serta hasil "
        "yang sama. Bisa dipisahkan lagi dengan alasan."
    ),
    "admin.link.ask.finished": (
        "❓ <b>Gabungkan {number} ke {earlier}?</b>\n⚠️ {earlier} sudah selesai: hasilnya langsung dikirim ke "
        "pelapor {number}, yang menilainya sendiri. Penggabungan ini tidak dapat dipisahkan lagi, jadi "
        "gabungkan hanya bila hasil itu juga menjawab laporan ini."
    ),
    "admin.btn.link_yes": "✅ Ya, gabungkan ke {earlier}",
    "admin.link.gone": (
        "Laporan itu tidak lagi ada di daftar laporan serupa (sudah selesai lama atau digabungkan). "
        "Tidak ada yang diubah."
    ),
    "admin.btn.unlink_duplicate": "✂️ Pisahkan, tangani sendiri",
    "admin.ask.unlink": (
        "✍️ <b>Pisahkan</b> — <code>{number}</code> dari {earlier}\n"
        "Tulis alasannya dalam satu pesan (maksimal {max} karakter), misalnya mengapa masalahnya berbeda. "
        "Laporan ini kembali ke antrian, dan alasannya tercatat di riwayatnya."
    ),
    "admin.did.link_duplicate": "Digabungkan ke laporan sebelumnya tentang masalah yang sama",
    "admin.did.unlink_duplicate": "Dipisahkan dari laporan serupa, ditangani sendiri",
    "admin.refused.follows_earlier": (
        "Laporan ini digabungkan ke laporan sebelumnya dan mengikuti penanganannya. Pisahkan dulu bila "
        "perlu ditangani sendiri. Tidak ada yang diubah."
    ),
    "admin.refused.not_linkable": (
        "Laporan itu tidak dapat menjadi tujuan penggabungan (sudah digabungkan, ditolak, atau lama "
        "selesai). Tidak ada yang diubah."
    ),
    "admin.refused.already_result": (
        "Laporan ini sudah menerima hasilnya, jadi tidak dapat dipisahkan lagi. Tidak ada yang diubah."
    ),
    "notify.reporter.link_duplicate": (
        "🔗 Laporan Anda <b>{number}</b> ({subject}) digabungkan dengan laporan <b>{earlier}</b> tentang "
        "masalah yang sama, yang masuk lebih dulu. Masalahnya ditangani sekali untuk kedua laporan. Kabar "
        "penanganan dan hasilnya tetap dikirim kepada Anda, dan Anda menilainya sendiri. Anda tidak perlu "
        "melapor ulang."
    ),
    "notify.reporter.unlink_duplicate": (
        "↩️ Laporan Anda <b>{number}</b> ({subject}) ternyata bukan masalah yang sama dengan laporan "
        "<b>{earlier}</b>, jadi kini ditangani tersendiri. Kami akan mengabari Anda pada langkah berikutnya."
    ),
    "event.laporgub.link_duplicate": (
        "Digabungkan dengan laporan {earlier} tentang masalah yang sama; penanganannya mengikuti laporan itu"
    ),
    "event.laporgub.unlink_duplicate": "Ditangani tersendiri lagi, tidak bersama laporan {earlier}",
}
