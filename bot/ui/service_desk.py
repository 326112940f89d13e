"""The office that takes complaints about the service itself (Pengaduan Layanan), and how to reach it.

The values are configuration (settings `SERVICE_*`, see `.env.example`); `STANDARD` holds the ones the
published service standard of Dinkominfo Kota Pekalongan names, and is each setting's default.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceDesk:
    office_code: str  # the organisation (a city's Dinkominfo office) that service complaints go to
    office_name: str
    address: str
    phones: tuple[str, ...]
    email: str
    website: str
    twitter: str
    instagram: str
    official: str  # the complaints official (Pejabat Pengaduan)
    official_phone: str


STANDARD = ServiceDesk(
    office_code="KOTA-PEKALONGAN",
    office_name="Dinas Komunikasi dan Informatika Kota Pekalongan",
    address="Jl. Mataram No. 5, Pekalongan Barat, Kota Pekalongan 51111",
    phones=("(0285) 421243", "(0285) 420223"),
    email="diskominfo@gafe.pekalongankota.go.id",
    website="kominfo.pekalongankota.go.id",
    twitter="@pkl.diskominfo",
    instagram="@pkl.diskominfo",
    official="Pejabat Pengaduan Dinkominfo Kota Pekalongan",
    official_phone="0816644000",
)
