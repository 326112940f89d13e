"""Indonesian text, routing suggestions and the similar list: pure functions, no database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.registry import routing_keywords
from workflow.suggestions import (
    RETURN_TO_PROVINCE,
    Case,
    PastDecision,
    metres_between,
    suggest_targets,
)
from workflow.suggestions import similar as similar_with
from workflow.text_match import STOPWORDS, normalise, stem, terms

REGISTRY = Path(__file__).resolve().parents[2] / "examples" / "orgs-jateng.yaml"
# The duty keywords of Kota Pekalongan's agencies and the province's matters, as the registry file has them.
AGENCY_KEYWORDS = routing_keywords(REGISTRY.read_text(encoding="utf-8"), "KOTA-PEKALONGAN")


def similar(new: Case, candidates: list[Case]) -> list:
    return similar_with(new, candidates, keywords=AGENCY_KEYWORDS)


# -- normalising, informal spellings, stemming ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jl. Hayam Wuruk yg rusak, TDK ditambal!", "jalan hayam wuruk yang rusak tidak ditambal"),
        ("lampu jln gak nyala, dr kmrn blm diganti", "lampu jalan tidak menyala dari kemarin belum diganti"),
        ("ga / gk / nggak / enggak", "tidak tidak tidak tidak"),
        ("sdh 3 hr, udah lapor", "sudah 3 hari sudah lapor"),
        ("rmh2 warga kebanjiran", "rumah warga kebanjiran"),
        ("Selokan mampet, lampu PJU padam", "saluran sumbat lampu penerangan jalan umum mati"),
        ("traffic light perempatan Bendan", "lampu lalu lintas perempatan bendan"),
        ("antri di pkm, antrian panjang", "antre di puskesmas antrean panjang"),
        ("Rp 50.000 & <tanpa> kuitansi", "rp 50 000 tanpa kuitansi"),
    ],
)
def test_normalise_expands_informal_spellings(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_smp_and_n_are_read_from_their_neighbours() -> None:
    assert normalise("musik keras smp jam 3") == "musik keras sampai jam 3"
    assert normalise("SMPN 1 dan smp negeri 2") == "smp negeri 1 dan smp negeri 2"
    assert normalise("sd n medono 2") == "sd negeri medono 2"
    assert normalise("air n lumpur") == "air dan lumpur"


def test_stemming_finds_the_root_word() -> None:
    assert stem("pengangkutan") == "angkut"
    assert stem("berlubang") == "lubang"
    assert stem("ditambal") == "tambal"
    assert terms("Pengangkutan sampahnya tdk lancar") == ("angkut", "sampah", "lancar")


def test_informal_and_formal_reports_share_their_terms() -> None:
    formal = set(terms("Jalan berlubang di depan toko, sudah dua pengendara jatuh"))
    informal = set(terms("jln berlobang dpn toko, udh 2 pengendara jatuh"))
    assert {"jalan", "lubang", "toko", "kendara", "jatuh"} <= formal & informal


def test_stopwords_are_left_out_but_words_of_the_matter_stay() -> None:
    assert "yang" in STOPWORDS
    assert "mohon" in STOPWORDS
    assert terms("mohon yang di sana segera ditindak") == ("tindak",)
    # "kali" is a river in Pekalongan and "masuk" is water coming in: both carry the matter.
    assert terms("air Kali Banger masuk rumah") == ("air", "kali", "banger", "masuk", "rumah")


# -- routing suggestions ---------------------------------------------------------------------------


def test_cold_start_uses_the_duty_keywords() -> None:
    ranked = suggest_targets("Lampu lalu lintas mati sejak kemarin", "Simpang Bendan", (), AGENCY_KEYWORDS)
    assert ranked[0].org_code == "PKL-DINHUB"
    assert ranked[0].why.startswith("kata kunci: lampu lalu lintas")
    assert ranked[0].why.endswith("→ DINHUB")


@pytest.mark.parametrize(
    "text",
    [
        "SMA Negeri 1 menahan kartu ujian karena uang komite sekolah belum dibayar",
        "Denda pajak kendaraan di Samsat tidak sesuai, STNK sudah dibayar tahun lalu",
    ],
)
def test_province_matters_are_suggested_as_a_return(text: str) -> None:
    ranked = suggest_targets(text, "Kota Pekalongan", (), AGENCY_KEYWORDS)
    assert ranked[0].org_code == RETURN_TO_PROVINCE
    assert ranked[0].why.endswith("→ Provinsi")


RUBBISH = [
    "Sampah menumpuk di pinggir kali tidak diangkut seminggu",
    "Tumpukan sampah di bantaran kali belum diangkut",
    "sampah di pinggir kali numpuk gk diangkut2",
    "Sampah rumah tangga dibuang ke pinggir kali dan menumpuk",
    "Pinggir kali jadi tempat sampah menumpuk, tidak ada pengangkutan",
    "sampah kali menumpuk bau, tolong diangkut",
    "Tumpukan sampah di pinggir kali makin tinggi",
    "Sampah di tepi kali tidak pernah diangkut petugas",
]


def test_the_office_s_own_decisions_take_over_from_keywords() -> None:
    # The duty words point at DLH; this office sends such rubbish to its district instead, and once to DLH.
    history = [
        PastDecision(text, "Kelurahan Krapyak", "PKL-KEC-PKL-UTARA" if i else "PKL-DLH")
        for i, text in enumerate(RUBBISH)
    ]
    history += [PastDecision("KTP elektronik belum dicetak", "Dukcapil", "PKL-DINDUKCAPIL")]
    ranked = suggest_targets("Sampah di pinggir kali menumpuk", "Krapyak", history, AGENCY_KEYWORDS)
    assert [s.org_code for s in ranked[:2]] == ["PKL-KEC-PKL-UTARA", "PKL-DLH"]
    assert ranked[0].why == "7 dari 8 laporan serupa → KEC-PKL-UTARA"
    assert ranked[1].why == "1 dari 8 laporan serupa → DLH"


def test_a_return_counts_against_the_agency_it_came_back_from() -> None:
    # The duty words name DPUPR ("sungai"); alike complaints went to DLH, first without, then with a return
    # from DPUPR on the way.
    keywords = {"PKL-DPUPR": ("sungai",)}
    went = [PastDecision(t, "Kali Loji", "PKL-DLH") for t in RUBBISH[:3]]
    back = [PastDecision(t, "Kali Loji", "PKL-DLH", ("PKL-DPUPR",)) for t in RUBBISH[:3]]
    plain = {s.org_code: s for s in suggest_targets("Sampah menumpuk di sungai", "Kali Loji", went, keywords)}
    ranked = suggest_targets("Sampah menumpuk di sungai", "Kali Loji", back, keywords)
    after = {s.org_code: s for s in ranked}
    assert ranked[0].org_code == "PKL-DLH"
    assert after["PKL-DPUPR"].score < plain["PKL-DPUPR"].score
    assert after["PKL-DPUPR"].why == "kata kunci: sungai → DPUPR (dikembalikan 3×)"
    assert plain["PKL-DPUPR"].why == "kata kunci: sungai → DPUPR"


def test_labels_name_the_target_in_the_why() -> None:
    ranked = suggest_targets(
        "Lampu lalu lintas mati", "Bendan", (), AGENCY_KEYWORDS, labels={"PKL-DINHUB": "Dishub"}, limit=1
    )
    assert len(ranked) == 1
    assert ranked[0].why.endswith("→ Dishub")


def test_suggestions_are_deterministic_and_ties_go_by_code() -> None:
    keywords = {"B-TWO": ("pompa",), "A-ONE": ("pompa",)}
    first = suggest_targets("Pompa mati", "Panjang Wetan", (), keywords)
    assert [s.org_code for s in first] == ["A-ONE", "B-TWO"]
    assert first[0].score == first[1].score
    history = [PastDecision(t, "Krapyak", "PKL-DLH") for t in RUBBISH]
    runs = {tuple(suggest_targets(RUBBISH[0], "Krapyak", history, AGENCY_KEYWORDS)) for _ in range(3)}
    assert len(runs) == 1


def test_nothing_alike_and_no_keyword_suggests_nothing() -> None:
    assert suggest_targets("qwerty asdf", "zzz", (), AGENCY_KEYWORDS) == []


# -- similar complaints ----------------------------------------------------------------------------

POTHOLE = Case(
    "a",
    "Jalan berlubang di Jl. Hayam Wuruk",
    "Sejak dua minggu ada lubang besar di depan toko batik dekat perempatan, dua pengendara motor jatuh.",
    "Jl. Hayam Wuruk, Pekalongan Timur",
    -6.8883,
    109.6802,
)
SAME_POTHOLE = Case(
    "b",
    "lubang di jln hayam wuruk dpn toko batik",
    "lubangnya makin lebar gara2 hujan, tadi pagi ada ibu2 jatuh dr motor. tolong cepet ditambal",
    "jln hayam wuruk",
    -6.8884,
    109.6804,
)
SAME_STREET_OTHER_PROBLEM = Case(
    "c",
    "Parkir liar di Jl. Hayam Wuruk bikin macet",
    "Mobil pengunjung toko batik parkir dua lapis di badan jalan setiap sore, tukang parkir minta tarif.",
    "Jl. Hayam Wuruk, Pekalongan Timur",
    -6.8885,
    109.6806,
)
SAME_PROBLEM_OTHER_STREET = Case(
    "d",
    "Jalan berlubang di Jl. Diponegoro",
    "Ada lubang besar di depan toko dekat sekolah, pengendara motor sering jatuh.",
    "Jl. Diponegoro, Pekalongan Timur",
    -6.8930,
    109.6810,
)


def test_a_duplicate_in_other_words_is_found() -> None:
    found = similar(SAME_POTHOLE, [POTHOLE])
    assert [s.key for s in found] == ["a"]
    assert found[0].metres is not None
    assert found[0].metres < 30


def test_near_misses_are_not_duplicates() -> None:
    assert similar(SAME_STREET_OTHER_PROBLEM, [POTHOLE, SAME_POTHOLE]) == []
    assert similar(SAME_PROBLEM_OTHER_STREET, [POTHOLE, SAME_POTHOLE]) == []
    found = similar(POTHOLE, [SAME_STREET_OTHER_PROBLEM, SAME_PROBLEM_OTHER_STREET, SAME_POTHOLE])
    assert [s.key for s in found] == ["b"]


def test_the_same_text_far_away_is_another_spot() -> None:
    far = Case("e", POTHOLE.subject, POTHOLE.chronology, POTHOLE.place, -6.8990, 109.6802)  # ~1.2 km south
    assert similar(far, [POTHOLE]) == []
    without_location = Case("f", POTHOLE.subject, POTHOLE.chronology, POTHOLE.place)
    assert [s.key for s in similar(without_location, [POTHOLE])] == ["a"]


def test_similar_lists_at_most_three_best_first_and_never_itself() -> None:
    copies = [Case(f"k{i}", POTHOLE.subject, POTHOLE.chronology, POTHOLE.place) for i in range(5)]
    found = similar(POTHOLE, [POTHOLE, *copies])
    assert [s.key for s in found] == ["k0", "k1", "k2"]
    assert found == similar(POTHOLE, [POTHOLE, *copies])


def test_metres_between() -> None:
    assert metres_between(-6.8883, 109.6802, -6.8883, 109.6802) == 0
    assert 1150 < metres_between(-6.8883, 109.6802, -6.8990, 109.6802) < 1250


def test_the_same_answer_in_another_process() -> None:
    """A set's order follows the process's hash seed; the scores must not."""
    script = (
        "from bench.routing import load, run\n"
        "f = run(load(), seed=17)\n"
        "print(f.top1, f.top3, f.cold_top1, f.dup_precision, f.dup_recall, f.tuning_precision)\n"
        "from workflow.suggestions import suggest_targets, PastDecision\n"
        "from bench.routing import KEYWORDS as AGENCY_KEYWORDS\n"
        "h = [PastDecision(c.text, c.case.place, c.route) for c in load()[:150]]\n"
        "print(suggest_targets('Sampah menumpuk, got mampet', 'Jl. Progo', h, AGENCY_KEYWORDS))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_a_reporter_s_own_document_is_nobody_s_duplicate() -> None:
    mine = Case(
        "m",
        "KTP elektronik saya belum dicetak",
        "Saya merekam KTP-el bulan Agustus, sampai sekarang belum jadi karena blangko habis.",
        "Kantor Dindukcapil",
    )
    theirs = Case(
        "t",
        "ktp-el sy blm jadi 3 bulan",
        "rekam ktp agustus smp skrg blm dicetak, katanya blangko habis. sy butuh buat kerja",
        "dindukcapil",
    )
    assert similar(theirs, [mine]) == []
    # The shortage itself, told without a person's own case, is one problem at one office.
    shortage = Case(
        "s", "Blangko KTP habis di Dindukcapil", "Blangko KTP-el habis, pencetakan berhenti.", "Dindukcapil"
    )
    again = Case(
        "a", "blangko ktp el di dindukcapil habis", "pencetakan ktp berhenti krn blangko habis", "dindukcapil"
    )
    assert [s.key for s in similar(again, [shortage])] == ["s"]


def test_the_kind_of_place_alone_is_not_the_same_place() -> None:
    tirto = Case(
        "p1", "Antrean puskesmas lama", "Pasien lansia antre dari subuh sampai siang.", "Puskesmas Tirto"
    )
    # "Pekalongan Selatan" is the district, said of every place in it: nothing of this place is left to match.
    south = Case(
        "p2",
        "antrian puskesmas lama bgt",
        "pasien lansia antri dr subuh smp siang",
        "Puskesmas Pekalongan Selatan",
    )
    assert similar(south, [tirto]) == []
    same = Case("p3", "antrian puskesmas tirto lama", "lansia antri dr subuh smp siang", "pkm tirto")
    assert [s.key for s in similar(same, [tirto, south])] == ["p1"]
