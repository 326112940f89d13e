"""Indonesian complaint text made comparable: normalised, informal spellings expanded, stemmed, stopwords out.

Library choice (kept, field-tested, pure Python so every database gives the same answer):

* **PySastrawi** (``Sastrawi``) stems Indonesian with the Nazief–Adriani algorithm and its own dictionary of
  root words ("pengangkutan" → "angkut", "berlubang" → "lubang"); it also ships an Indonesian stopword list.
  It is the stemmer most Indonesian text-mining work uses, has no native code and no model to download.
* **rapidfuzz** gives fuzzy string scores (``fuzz.ratio``, ``token_set_ratio``) in C++ with a stable,
  documented result: it absorbs typos ("Kurinci"/"Kurnci") that exact tokens miss.

Not PostgreSQL full-text search or ``pg_trgm``, and not SQLite FTS5: PostgreSQL has no Indonesian dictionary,
FTS5 has no Indonesian stemmer, and the two engines rank differently, so the same complaint would get a
different suggestion on each database. Here everything is computed in Python from the same input; the
database only has to fetch candidates.

Everything in this module is deterministic and does no I/O of its own (Sastrawi reads its root-word
dictionary from its own package once, when the stemmer is first built).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from Sastrawi.Stemmer.CachedStemmer import CachedStemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

# Informal spellings, chat abbreviations and local variants that reach a complaint desk, mapped to the word a
# stemmer and a dictionary know. Values of several words are fine ("pju").
INFORMAL: dict[str, str] = {
    "yg": "yang",
    "tdk": "tidak",
    "tak": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "kagak": "tidak",
    "jln": "jalan",
    "jl": "jalan",
    "dr": "dari",
    "sdh": "sudah",
    "udah": "sudah",
    "udh": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "lom": "belum",
    "sy": "saya",
    "aku": "saya",
    "dgn": "dengan",
    "krn": "karena",
    "karna": "karena",
    "tp": "tapi",
    "utk": "untuk",
    "dpn": "depan",
    "blkg": "belakang",
    "dkt": "dekat",
    "deket": "dekat",
    "skrg": "sekarang",
    "bs": "bisa",
    "gmn": "bagaimana",
    "knp": "kenapa",
    "org": "orang",
    "rmh": "rumah",
    "msh": "masih",
    "jg": "juga",
    "lg": "lagi",
    "trs": "terus",
    "tlg": "tolong",
    "mhn": "mohon",
    "pdhl": "padahal",
    "kmrn": "kemarin",
    "hr": "hari",
    "bln": "bulan",
    "thn": "tahun",
    "jd": "jadi",
    "sm": "sama",
    "aja": "saja",
    "bnyk": "banyak",
    "bbrp": "beberapa",
    "dtg": "datang",
    "dateng": "datang",
    "lgsg": "langsung",
    "kalo": "kalau",
    "klo": "kalau",
    "kl": "kalau",
    "ujan": "hujan",
    "lobang": "lubang",
    "lobangnya": "lubang",
    "item": "hitam",
    "mlm": "malam",
    "malem": "malam",
    "td": "tadi",
    "br": "baru",
    "bgt": "sangat",
    "banget": "sangat",
    "cepet": "cepat",
    "gede": "besar",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "gg": "gang",
    "pkm": "puskesmas",
    "phn": "pohon",
    "ngalir": "mengalir",
    "ngemis": "mengemis",
    "ngamen": "mengamen",
    "nyala": "menyala",
    "pake": "pakai",
    "dipake": "dipakai",
    "liat": "lihat",
    "keliatan": "kelihatan",
    "ketabrak": "tertabrak",
    "keangkat": "terangkat",
    "doyong": "miring",
    "ilang": "hilang",
    "bikin": "membuat",
    "nunggu": "menunggu",
    "ngurus": "mengurus",
    "numpuk": "menumpuk",
    "nyengat": "menyengat",
    "kenceng": "kencang",
    "dmn": "mana",
    "antri": "antre",
    "antrian": "antrean",
    "ngantri": "antre",
    "pju": "penerangan jalan umum",
    "apill": "lampu lalu lintas",
    "dbd": "demam berdarah",
    "capil": "dukcapil",
    "disdukcapil": "dukcapil",
    "dindukcapil": "dukcapil",
    "sdn": "sd negeri",
    "smpn": "smp negeri",
    "sman": "sma negeri",
    "smkn": "smk negeri",
    "ktpel": "ktp el",
    "ektp": "ktp el",
}

# Words that name the same thing on a complaint desk: mapped to one of them so that two reporters who chose
# different words still match.
SYNONYMS: dict[str, str] = {
    "padam": "mati",
    "selokan": "saluran",
    "got": "saluran",
    "drainase": "saluran",
    "ledeng": "pdam",
    "lobang": "lubang",
    "berlobang": "berlubang",
    "mampet": "sumbat",
    "buntu": "sumbat",
    "tersumbat": "sumbat",
    "blanko": "blangko",
}

# Pairs of words said as one: "traffic light" and "lampu merah" are a traffic light.
PHRASES: tuple[tuple[str, str], ...] = (
    ("traffic light", "lampu lalu lintas"),
    ("lampu merah", "lampu lalu lintas"),
    ("anjal", "anak jalanan"),
    ("gas melon", "elpiji"),
    ("rumah sakit umum daerah", "rsud"),
)

SCHOOL_WORDS = frozenset({"sd", "smp", "sma", "smk", "slb"})

# Sastrawi's list holds words that carry the matter of a complaint ("kali" is a river in Pekalongan, "masuk"
# is water coming in): those stay.
_KEEP = frozenset({"kali", "masuk", "keluar", "naik", "baru", "lama", "besar", "kerja"})
# Words every complaint says; they tell nothing about which.
_EXTRA_STOP = frozenset(
    {
        "mohon",
        "tolong",
        "pak",
        "bapak",
        "bu",
        "warga",
        "kota",
        "pekalongan",
        "sangat",
        "segera",
        "laporan",
        "lapor",
        "katanya",
        "sudah",
        "terus",
        "kemarin",
        "tadi",
        "sekarang",
        "sampai",
        "saja",
        "sih",
        "nih",
        "deh",
        "kok",
        "n",
    }
)
STOPWORDS: frozenset[str] = (frozenset(StopWordRemoverFactory().get_stop_words()) - _KEEP) | _EXTRA_STOP

_REDUPLICATED = re.compile(r"\b([a-z]{2,})2\b")  # "rmh2" = "rumah-rumah"
_NOT_WORD = re.compile(r"[^a-z0-9\s]+")
_SPACES = re.compile(r"\s+")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _REDUPLICATED.sub(r"\1", text)
    text = _NOT_WORD.sub(" ", text)
    return text.split()


def normalise(text: str) -> str:
    """Lower case, no punctuation, informal spellings and synonyms replaced by one dictionary word.

    "smp" and "n" are read from their neighbours: "smp negeri"/"smpn 1" is a school, "smp jam 3" is "sampai";
    "sd n 2" is "sd negeri 2", "air n lumpur" is "air dan lumpur".
    """
    raw = _words(text)
    out: list[str] = []
    for i, word in enumerate(raw):
        after = raw[i + 1] if i + 1 < len(raw) else ""
        before = out[-1] if out else ""
        if word == "smp" and not (after in {"n", "negeri", "it", "swasta", "islam"} or after.isdigit()):
            out.append("sampai")
        elif word == "n":
            out.append("negeri" if before in SCHOOL_WORDS else "dan")
        else:
            word = INFORMAL.get(word, word)
            out.extend(SYNONYMS.get(part, part) for part in word.split())
    joined = " ".join(out)
    for phrase, meaning in PHRASES:
        if phrase in joined:
            joined = re.sub(rf"\b{phrase}\b", meaning, joined)
    return _SPACES.sub(" ", joined).strip()


@lru_cache(maxsize=1)
def _stemmer() -> CachedStemmer:
    """Built once: it reads Sastrawi's root-word dictionary."""
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The root of one normalised word ("pengangkutan" → "angkut"); numbers and short words are kept."""
    if len(word) <= 3 or word.isdigit():
        return word
    root = _stemmer().stem(word)
    return SYNONYMS.get(root, root) or word


@lru_cache(maxsize=65536)
def terms(text: str) -> tuple[str, ...]:
    """The content words of a text, stemmed, stopwords out, in their order (repeats kept)."""
    out: list[str] = []
    for word in normalise(text).split():
        if word in STOPWORDS:
            continue
        root = stem(word)
        if root and root not in STOPWORDS:
            out.append(root)
    return tuple(out)


def term_set(text: str) -> frozenset[str]:
    return frozenset(terms(text))


@lru_cache(maxsize=4096)
def phrase_terms(phrase: str) -> tuple[str, ...]:
    """A keyword phrase in the same form as `terms` gives a complaint; a phrase of stopwords only is kept."""
    return terms(phrase) or tuple(stem(word) for word in normalise(phrase).split())
