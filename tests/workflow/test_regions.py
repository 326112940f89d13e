"""Where a complaint likely is, from the place typed and the reporter's NIK, against the registry."""

from __future__ import annotations

from workflow.actors import Organisation, OrgKind
from workflow.regions import likely_cities, named_in, narrow, region_of_nik

KOTA = Organisation(
    id=1,
    kind=OrgKind.CITY,
    code="KOTA-PEKALONGAN",
    name="Dinas Komunikasi dan Informatika Kota Pekalongan",
    short_name="Kota Pekalongan",
    region_code="3375",
    districts=("Pekalongan Barat", "Pekalongan Timur", "Pekalongan Utara", "Pekalongan Selatan"),
)
KAB = Organisation(
    id=2,
    kind=OrgKind.CITY,
    code="KAB-PEKALONGAN",
    name="Dinas Komunikasi dan Informatika Kabupaten Pekalongan",
    short_name="Kab. Pekalongan",
    region_code="3326",
    districts=("Kajen", "Kedungwuni", "Wiradesa"),
)
BATANG = Organisation(
    id=3,
    kind=OrgKind.CITY,
    code="KAB-BATANG",
    name="Dinas Komunikasi dan Informatika Kabupaten Batang",
    short_name="Kab. Batang",
    region_code="3325",
)
DEMAK = Organisation(
    id=4,
    kind=OrgKind.CITY,
    code="KAB-DEMAK",
    name="Dinas Komunikasi dan Informatika Kabupaten Demak",
    short_name="Kab. Demak",
    region_code="3321",
    districts=("Gajah", "Mranggen"),
)
CITIES = [BATANG, DEMAK, KAB, KOTA]


def test_the_nik_names_the_regency_or_city_in_its_first_four_digits() -> None:
    assert region_of_nik("3375014507900002") == "3375"
    assert region_of_nik("33") is None
    assert region_of_nik("") is None


def test_a_kecamatan_or_a_qualified_name_comes_first_then_the_nik_then_a_bare_name() -> None:
    assert likely_cities("Depan Pasar Kajen", "3375014507900002", CITIES) == [KAB.id, KOTA.id]
    # Its namesake comes last, one press away: the likeliest mix-up.
    assert likely_cities("Kab. Pekalongan", None, CITIES) == [KAB.id, KOTA.id]
    assert likely_cities("kabupaten pekalongan", "3325020304850003", CITIES) == [KAB.id, BATANG.id, KOTA.id]
    assert likely_cities("Kota Pekalongan", "3325020304850003", CITIES) == [KOTA.id, BATANG.id, KAB.id]
    # "Pekalongan" alone is both; the reporter's own region decides which is first.
    assert likely_cities("Pekalongan", "3326014507900002", CITIES) == [KAB.id, KOTA.id]
    assert likely_cities("Jl. Hayam Wuruk, Pekalongan Timur", None, CITIES)[0] == KOTA.id


def test_a_street_named_after_a_place_says_nothing_of_where_it_is() -> None:
    assert likely_cities("Jl. Gajah Mada dekat masjid", "3325020304850003", CITIES) == [BATANG.id]
    assert likely_cities("Jl. Hayam Wuruk, Pekalongan Timur", None, CITIES) == [KOTA.id, KAB.id]
    assert likely_cities("Jl. Gajah Mada, Kec. Gajah", None, CITIES) == [DEMAK.id]
    assert likely_cities("", None, CITIES) == []


def test_a_few_letters_narrow_by_short_name_then_by_name_and_kecamatan() -> None:
    assert narrow("pek", CITIES) == [KAB, KOTA]
    assert narrow("kab pek", CITIES) == [KAB]
    assert narrow("mranggen", CITIES) == [DEMAK]
    assert narrow("  ", CITIES) == CITIES
    assert narrow("zzq", CITIES) == []


def test_a_return_reason_names_targets_by_short_or_full_name_as_whole_words() -> None:
    dlh = Organisation(
        id=10, kind=OrgKind.OPD, code="PKL-DLH", name="Dinas Lingkungan Hidup", short_name="DLH"
    )
    dpupr = Organisation(
        id=11,
        kind=OrgKind.OPD,
        code="PKL-DPUPR",
        name="Dinas Pekerjaan Umum dan Penataan Ruang",
        short_name="DPUPR",
    )
    agencies = [dlh, dpupr]
    assert named_in("Perbaikan jalan bukan tugas DLH; mohon diteruskan ke DPUPR.", agencies) == [10, 11]
    assert named_in("Ini urusan dinas pekerjaan umum dan penataan ruang", agencies) == [11]
    assert named_in("DLHK bukan DPUPRD", agencies) == []
