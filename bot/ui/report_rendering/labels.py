"""The words of the report documents, per language. Kept beside the renderers rather than in bot/ui/texts
because charts and spreadsheets need short plain labels, not Telegram HTML; the caption is HTML."""

from __future__ import annotations

from datetime import date, datetime

from workflow.calendar import to_wib

LANGUAGES = ("id", "en")

_ID: dict[str, str] = {
    "title": "Rekap LaporGub",
    "period": "Periode",
    "generated": "Dibuat",
    "scope": "Cakupan",
    "figures": "Angka utama",
    "total": "Pengaduan diterima",
    "completed": "Selesai (disetujui Pemprov)",
    "on_time": "Selesai ≤ 2 hari kerja",
    "judged": "Selesai atau lewat tenggat",
    "on_time_share": "Tepat waktu",
    "median": "Median hari kerja penyelesaian",
    "median_short": "Median hari kerja",
    "p90": "Persentil ke-90 hari kerja",
    "overdue_now": "Lewat tenggat, belum selesai",
    "ratings_count": "Jumlah penilaian",
    "ratings_mean": "Rata-rata penilaian",
    "by_state": "Per status",
    "by_channel": "Per saluran",
    "by_reference": "Rujukan sistem lain",
    "duplicates": "Digabungkan ke laporan sebelumnya (masalah sama)",
    "col.duplicate_of": "Duplikat dari",
    "by_org": "Per organisasi",
    "days_to_complete": "Hari kerja sampai selesai",
    "returns": "Pengembalian",
    "ratings": "Penilaian (bintang)",
    "count": "Jumlah",
    "org": "Organisasi",
    "org_kind": "Tingkat",
    "assigned": "Ditangani",
    "in_queue": "Di antrean",
    "overdue": "Lewat tenggat",
    "reasons": "Alasan terbanyak",
    "days": "Hari kerja",
    "target": "target 2 hari",
    "nothing": "Tidak ada pengaduan pada periode ini.",
    "none_completed": "Belum ada yang selesai.",
    "complaints_sheet": "Pengaduan",
    "summary_sheet": "Ringkasan",
    "yes": "ya",
    "no": "tidak",
    # columns of the per-complaint export
    "col.tracking_number": "Nomor",
    "col.received_at": "Diterima (WIB)",
    "col.state": "Status",
    "col.channel": "Saluran",
    "col.subject": "Perihal",
    "col.city": "Dinkominfo",
    "col.opd": "OPD",
    "col.holder": "Posisi sekarang",
    "col.deadline": "Tenggat (WIB)",
    "col.resolved_at": "Disetujui Pemprov (WIB)",
    "col.working_days_to_complete": "Hari kerja sampai selesai",
    "col.on_time": "Tepat waktu",
    "col.overdue_now": "Lewat tenggat sekarang",
    "col.returns": "Dikembalikan",
    "col.rating": "Penilaian",
    # who holds a finished complaint ("Posisi sekarang"): no office
    "holder.resolved": "Pelapor (hasil terkirim)",
    "holder.closed": "Selesai (ditutup)",
    "holder.rejected": "Selesai (ditolak)",
    # short state names for a chart axis
    "state.at_province": "Di Pemprov",
    "state.at_city": "Di Dinkominfo",
    "state.at_opd": "Verifikasi OPD",
    "state.in_follow_up": "Tindak lanjut OPD",
    "state.result_at_city": "Hasil di Dinkominfo",
    "state.result_at_province": "Hasil di Pemprov",
    "state.resolved": "Hasil terkirim",
    "state.closed": "Ditutup",
    "state.rejected": "Ditolak",
    "channel.telegram": "Telegram",
    "channel.telephone": "Telepon",
    "channel.email": "Email",
    "channel.website": "Situs web",
    "channel.twitter": "Twitter",
    "channel.instagram": "Instagram",
    "channel.direct": "Langsung",
    "kind.province": "Provinsi",
    "kind.city": "Kab/Kota",
    "kind.opd": "OPD",
    "trigger.return_to_province": "ke Pemprov",
    "trigger.return_to_city": "ke Dinkominfo",
    "trigger.request_revision": "revisi ke OPD",
    "trigger.return_result": "hasil dikembalikan",
    "months": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des",
}

_EN: dict[str, str] = {
    "title": "LaporGub summary",
    "period": "Period",
    "generated": "Generated",
    "scope": "Scope",
    "figures": "Key figures",
    "total": "Complaints received",
    "completed": "Completed (approved by the province)",
    "on_time": "Completed within 2 working days",
    "judged": "Completed or past the deadline",
    "on_time_share": "On time",
    "median": "Median working days to complete",
    "median_short": "Median working days",
    "p90": "90th percentile working days",
    "overdue_now": "Past the deadline, not completed",
    "ratings_count": "Ratings",
    "ratings_mean": "Mean rating",
    "by_state": "By status",
    "by_channel": "By channel",
    "by_reference": "Referred from",
    "duplicates": "Joined to an earlier report (same problem)",
    "col.duplicate_of": "Duplicate of",
    "by_org": "By organisation",
    "days_to_complete": "Working days to complete",
    "returns": "Returns",
    "ratings": "Ratings (stars)",
    "count": "Count",
    "org": "Organisation",
    "org_kind": "Tier",
    "assigned": "Handled",
    "in_queue": "In queue",
    "overdue": "Overdue",
    "reasons": "Most frequent reasons",
    "days": "Working days",
    "target": "target 2 days",
    "nothing": "No complaints in this period.",
    "none_completed": "None completed yet.",
    "complaints_sheet": "Complaints",
    "summary_sheet": "Summary",
    "yes": "yes",
    "no": "no",
    "col.tracking_number": "Number",
    "col.received_at": "Received (WIB)",
    "col.state": "Status",
    "col.channel": "Channel",
    "col.subject": "Subject",
    "col.city": "Dinkominfo",
    "col.opd": "Agency (OPD)",
    "col.holder": "Now with",
    "col.deadline": "Deadline (WIB)",
    "col.resolved_at": "Approved (WIB)",
    "col.working_days_to_complete": "Working days to complete",
    "col.on_time": "On time",
    "col.overdue_now": "Overdue now",
    "col.returns": "Returns",
    "col.rating": "Rating",
    "holder.resolved": "The reporter (result sent)",
    "holder.closed": "Finished (closed)",
    "holder.rejected": "Finished (rejected)",
    "state.at_province": "At province",
    "state.at_city": "At Dinkominfo",
    "state.at_opd": "OPD verifying",
    "state.in_follow_up": "OPD following up",
    "state.result_at_city": "Result at Dinkominfo",
    "state.result_at_province": "Result at province",
    "state.resolved": "Result sent",
    "state.closed": "Closed",
    "state.rejected": "Rejected",
    "channel.telegram": "Telegram",
    "channel.telephone": "Telephone",
    "channel.email": "Email",
    "channel.website": "Website",
    "channel.twitter": "Twitter",
    "channel.instagram": "Instagram",
    "channel.direct": "In person",
    "kind.province": "Province",
    "kind.city": "City/regency",
    "kind.opd": "Agency",
    "trigger.return_to_province": "to province",
    "trigger.return_to_city": "to Dinkominfo",
    "trigger.request_revision": "revision to OPD",
    "trigger.return_result": "result returned",
    "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
}

_TABLES = {"id": _ID, "en": _EN}


class Labels:
    def __init__(self, language: str = "id") -> None:
        self.language = language if language in _TABLES else "id"
        self._table = _TABLES[self.language]

    def __call__(self, key: str) -> str:
        return self._table.get(key, key.split(".", 1)[-1])

    def day(self, day: date) -> str:
        return f"{day.day} {self('months').split()[day.month - 1]} {day.year}"

    def moment(self, at: datetime) -> str:
        local = to_wib(at)
        return f"{self.day(local.date())} {local:%H:%M} WIB"

    def number(self, value: float, digits: int = 1) -> str:
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.language == "id" else text

    def count(self, value: int) -> str:
        """Thousands grouped the way the reader writes them: 48.213 in Indonesian, 48,213 in English."""
        text = f"{value:,}"
        return text.replace(",", ".") if self.language == "id" else text

    def days(self, value: float) -> str:
        """A median is a whole or a half day: 2, or 2,5."""
        return self.number(value, 0 if value == int(value) else 1)

    def share(self, value: float) -> str:
        return f"{self.number(value * 100, 0)}%"

    def yes_no(self, value: bool | None) -> str:
        return "" if value is None else self("yes" if value else "no")
