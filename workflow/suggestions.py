"""Where a complaint should go, and which earlier complaints report the same problem — pure functions.

Both work on plain data (text, places, earlier decisions) so that the bot, the bench and the tests ask the
same question the same way, and so that the answer never depends on the database behind it.

Routing learns from the office's own *final* decisions: an earlier complaint counts for the agency it finally
went to and, when it was returned from an agency on the way, against that agency. Its neighbours are the
earlier complaints sharing the most rare words with it (TF-IDF cosine over stemmed terms). With no history,
or none alike, the agencies' duty keywords decide (the registry's `keywords`, passed in: workflow/ names no
agency); the more alike complaints the office has decided, the more their votes weigh.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from workflow.text_match import normalise, phrase_terms, term_set

# -- routing ------------------------------------------------------------------------------------------------

# The target a city suggests for a province matter (SMA/SMK, provincial roads, vehicle tax): a return to it.
RETURN_TO_PROVINCE = "return_to_province"
# Duty keywords per target code, as the registry gives them (a province's under RETURN_TO_PROVINCE).
Keywords = Mapping[str, Sequence[str]]

NEIGHBOURS = 8  # how many alike earlier complaints vote
MIN_LIKENESS = 0.12  # cosine below which an earlier complaint is not "alike"
RETURN_WEIGHT = 0.6  # a return from an agency counts this much against it
CONFIDENCE = 1.0  # summed likeness at which history and keywords weigh the same


@dataclass(frozen=True)
class PastDecision:
    """An earlier complaint and where it finally went (after any returns)."""

    text: str
    place: str
    final: str
    returned_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    org_code: str
    score: float
    why: str  # in Indonesian, e.g. "7 dari 8 laporan serupa → DPUPR"; the parts below let a bot say it anew
    went: int = 0  # of the `alike` earlier complaints, how many finally went here
    alike: int = 0
    words: tuple[str, ...] = ()  # the duty keywords it matched, longest first
    returned: int = 0  # alike complaints sent back from here


def default_label(code: str) -> str:
    """ "PKL-DPUPR" → "DPUPR": the agency part of a registry code, for a why text without a registry."""
    if code == RETURN_TO_PROVINCE:
        return "Provinsi"
    return code.split("-", 1)[1] if "-" in code else code


def _idf(documents: Sequence[frozenset[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for doc in documents:
        df.update(doc)
    n = len(documents)
    return {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}


def _cosine(a: frozenset[str], b: frozenset[str], idf: Mapping[str, float], default: float) -> float:
    # Sums in sorted order: a set's order changes with the process's hash seed, and float sums with it.
    if not a or not b:
        return 0.0
    shared = sum(idf.get(t, default) ** 2 for t in sorted(a & b))
    if not shared:
        return 0.0
    norm_a = math.sqrt(sum(idf.get(t, default) ** 2 for t in sorted(a)))
    norm_b = math.sqrt(sum(idf.get(t, default) ** 2 for t in sorted(b)))
    return shared / (norm_a * norm_b)


def keyword_matches(query: frozenset[str], keywords: Iterable[str]) -> list[str]:
    """The keyword phrases all of whose words the complaint holds, longest first."""
    found = [kw for kw in keywords if (words := phrase_terms(kw)) and set(words) <= query]
    return sorted(found, key=lambda kw: (-len(phrase_terms(kw)), kw))


@dataclass(frozen=True)
class Decided:
    """An office's decisions made ready to compare with: each one's terms and their rarity. Built once per
    history (`decided`), kept with it by whoever keeps the history; a decision's norm is worked out the
    first time a query shares a term with it."""

    history: tuple[PastDecision, ...]
    docs: tuple[frozenset[str], ...]
    idf: Mapping[str, float]
    unseen: float  # the rarity of a term no decision holds
    _norms: dict[int, float] = field(default_factory=dict, compare=False, repr=False)

    def norm(self, i: int) -> float:
        found = self._norms.get(i)
        if found is None:
            found = math.sqrt(sum(self.idf.get(t, self.unseen) ** 2 for t in sorted(self.docs[i])))
            self._norms[i] = found
        return found

    def likeness(self, query: frozenset[str]) -> list[tuple[float, int]]:
        """(cosine, index) for every decision sharing a term with `query`, as `_cosine` computes it."""
        if not query:
            return []
        candidates = [i for i, doc in enumerate(self.docs) if not query.isdisjoint(doc)]
        if not candidates:
            return []
        norm_query = math.sqrt(sum(self.idf.get(t, self.unseen) ** 2 for t in sorted(query)))
        found = []
        for i in candidates:
            shared = sum(self.idf.get(t, self.unseen) ** 2 for t in sorted(query & self.docs[i]))
            found.append((shared / (norm_query * self.norm(i)), i))
        return found


@lru_cache(maxsize=65536)
def _decision_terms(past: PastDecision) -> frozenset[str]:
    return term_set(f"{past.text} {past.place}")


def decided(history: Sequence[PastDecision]) -> Decided:
    docs = tuple(_decision_terms(past) for past in history)
    idf = _idf(docs) if docs else {}
    unseen = math.log(len(docs) + 1) + 1.0
    return Decided(tuple(history), docs, idf, unseen)


def suggest_targets(
    text: str,
    place: str,
    history: Sequence[PastDecision] | Decided,
    keywords: Keywords,
    *,
    labels: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Targets ranked best first, each with a score in [0, 1] and a short Indonesian why.

    Only targets with some evidence are listed (alike decisions or matching duty words); ties are broken by
    code, so the same input always gives the same list. Nothing is applied: a person chooses. `history` may
    come prepared (`decided`): the same answer, without redoing the history's part for every complaint.
    """
    label = (lambda code: labels.get(code, default_label(code))) if labels else default_label
    query = term_set(f"{text} {place}")

    prepared = history if isinstance(history, Decided) else decided(history)
    history = prepared.history
    likeness = prepared.likeness(query)
    alike = sorted(
        ((like, i) for like, i in likeness if like >= MIN_LIKENESS), key=lambda pair: (-pair[0], pair[1])
    )[:NEIGHBOURS]

    votes: defaultdict[str, float] = defaultdict(float)  # weighed by likeness
    went: Counter[str] = Counter()
    returned: Counter[str] = Counter()
    for like, i in alike:
        past = history[i]
        votes[past.final] += like
        went[past.final] += 1
        for code in set(past.returned_from):
            votes[code] -= RETURN_WEIGHT * like
            returned[code] += 1
    weight_of_history = sum(like for like, _ in alike)
    trust = weight_of_history / (weight_of_history + CONFIDENCE)
    positive = sum(v for v in votes.values() if v > 0) or 1.0

    matched = {code: keyword_matches(query, words) for code, words in keywords.items()}
    strength = {code: sum(len(phrase_terms(kw)) for kw in kws) for code, kws in matched.items() if kws}
    strongest = max(strength.values(), default=0) or 1

    out: list[Suggestion] = []
    for code in sorted(set(votes) | set(strength)):
        # Returns weigh against the keywords too: an agency the office keeps sending back sinks.
        raw = trust * votes[code] / positive + (1 - trust) * strength.get(code, 0) / strongest
        if went[code]:
            why = f"{went[code]} dari {len(alike)} laporan serupa → {label(code)}"
        elif code in strength:
            why = f"kata kunci: {', '.join(matched[code][:3])} → {label(code)}"
        else:
            why = f"laporan serupa → {label(code)}"
        if returned[code]:
            why += f" (dikembalikan {returned[code]}×)"
        if raw > 0 or code in strength:
            out.append(
                Suggestion(
                    code,
                    round(max(raw, 0.0), 6),
                    why,
                    went=went[code],
                    alike=len(alike),
                    words=tuple(matched.get(code, ())[:3]),
                    returned=returned[code],
                )
            )
    out.sort(key=lambda s: (-s.score, s.org_code))
    return out[:limit] if limit is not None else out


# -- similar complaints ---------------------------------------------------------------------------------

# Words that say what kind of place, not which one.
PLACE_GENERIC = frozenset(
    {
        "jalan",
        "gang",
        "kelurahan",
        "kecamatan",
        "rt",
        "rw",
        "depan",
        "dekat",
        "samping",
        "belakang",
        "sebelah",
        "seberang",
        "ujung",
        "kota",
        "pekalongan",
        "barat",
        "timur",
        "utara",
        "selatan",
        "no",
        "nomor",
        "di",
        "dan",
        "kantor",
        "sekitar",
        "arah",
        "ruas",
        "area",
        "kampung",
        "perumahan",
        # kinds of place, like "jalan": "Puskesmas Tirto" is at Tirto
        "puskesmas",
        "pasar",
        "tps",
        "simpang",
        "perempatan",
        "pertigaan",
        "masjid",
        "balai",
        "kali",
        "sungai",
        "bantaran",
        "jembatan",
        "tanggul",
        "pantai",
        "taman",
        "lapangan",
        "halte",
    }
)
PLACE_FLOOR = 0.7  # below this, not the same place
MATTER_FLOOR = 0.35  # below this, not the same matter
THRESHOLD = 0.6  # the combined score a duplicate must reach
RUNNER_UP_GAP = 0.1  # a second or third is listed only this close to the first
WORDS_SHARE = 0.5  # of the matter: words versus duties named
NEAR_METRES = 40.0  # within this, the same spot
FAR_METRES = 400.0  # beyond this, another spot whatever the text says
FUZZY_WORD = 85.0  # rapidfuzz ratio at which two place words are one (typos)


# A person's own document, benefit, tax, wage or permit: each reporter's case is their own. Joining two would
# give one reporter the other's result, however alike the words.
PERSONAL_MATTERS = frozenset(
    {
        "ktp",
        "ktp el",
        "kartu keluarga",
        "kk",
        "akta",
        "kia",
        "nik",
        "stnk",
        "bpkb",
        "pajak kendaraan",
        "pajak motor",
        "balik nama",
        "plat nomor",
        "tnkb",
        "pkh",
        "bpnt",
        "bansos",
        "bantuan sosial",
        "dtks",
        "kis",
        "sppt",
        "pbb",
        "bphtb",
        "pip",
        "gaji",
        "upah",
        "pesangon",
        "phk",
        "kartu kuning",
        "ak1",
        "izin",
        "pbg",
        "oss",
    }
)


@dataclass(frozen=True)
class Case:
    """A complaint as the similar list needs it."""

    key: str
    subject: str
    chronology: str
    place: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Similar:
    key: str
    score: float
    place: float
    matter: float
    metres: float | None = field(default=None)


@lru_cache(maxsize=65536)
def place_words(place: str) -> frozenset[str]:
    return frozenset(w for w in normalise(place).split() if w not in PLACE_GENERIC)


@lru_cache(maxsize=65536)
def _all_words(subject: str, chronology: str, place: str) -> frozenset[str]:
    return frozenset(normalise(f"{subject} {chronology} {place}").split())


def _covered(words: frozenset[str], text_words: frozenset[str], weight: Mapping[str, float]) -> float:
    """The share of a place's words, weighted by rarity, that the other complaint's text holds."""
    if not words:
        return 0.0
    total = hits = 0.0
    for word in sorted(words):
        total += weight.get(word, 1.0)
        if word in text_words or (
            len(word) > 3 and process.extractOne(word, text_words, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD)
        ):
            hits += weight.get(word, 1.0)
    return hits / total


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), enough for a city."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _words_of(case: Case) -> frozenset[str]:
    return _all_words(case.subject, case.chronology, case.place)


def _matter_of(case: Case) -> frozenset[str]:
    return term_set(f"{case.subject} {case.chronology}")


def place_likeness(a: Case, b: Case, weight: Mapping[str, float] | None = None) -> tuple[float, float | None]:
    """How sure we are that two complaints are at one place, in [0, 1], and the distance when both have one.

    The place of each is looked for in the other's whole text ("dekat perempatan Hayam Wuruk" may sit in the
    chronology), rare words counting more than words many complaints share ("tps", "puskesmas"); a location
    on both decides with the text: close is the same spot, far is another.
    """
    weight = weight or {}
    text = max(
        _covered(place_words(a.place), _words_of(b), weight),
        _covered(place_words(b.place), _words_of(a), weight),
    )
    if None in (a.lat, a.lon, b.lat, b.lon):
        return text, None
    metres = metres_between(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
    if metres >= FAR_METRES:
        return 0.0, metres
    near = 1.0 if metres <= NEAR_METRES else 1.0 - (metres - NEAR_METRES) / (FAR_METRES - NEAR_METRES)
    return (text + near) / 2, metres


FrozenKeywords = tuple[tuple[str, tuple[str, ...]], ...]


def freeze(keywords: Keywords) -> FrozenKeywords:
    """Keywords as a cache key: the same words give the same key, whatever the mapping's order."""
    return tuple(sorted((code, tuple(words)) for code, words in keywords.items()))


@lru_cache(maxsize=65536)
def _concepts(subject: str, chronology: str, keywords: FrozenKeywords) -> tuple[frozenset[str], str | None]:
    """The duty keywords a complaint's matter names, and the agency they point at most."""
    query = term_set(f"{subject} {chronology}")
    named: set[str] = set()
    strength: dict[str, int] = {}
    for code, words in keywords:
        found = keyword_matches(query, words)
        if found:
            named.update(found)
            strength[code] = sum(len(phrase_terms(kw)) for kw in found)
    top = min(strength, key=lambda code: (-strength[code], code)) if strength else None
    return frozenset(named), top


def matter_likeness(
    a: Case, b: Case, keywords: FrozenKeywords, idf: Mapping[str, float] | None = None
) -> float:
    """How alike the two matters read, in [0, 1]: the words, and the duties they name.

    Half is the IDF cosine of stemmed terms (place words left out, so "same street, other problem" does not
    count twice); half is how many duty keywords the two share ("lampu jalan", "obat"), which carries the
    paraphrases one reporter writes and another doesn't. Two matters for different agencies count half.
    """
    places = place_words(a.place) | place_words(b.place)
    ma = frozenset(t for t in _matter_of(a) if t not in places)
    mb = frozenset(t for t in _matter_of(b) if t not in places)
    words = _cosine(ma, mb, idf or {}, 1.0)
    ca, agency_a = _concepts(a.subject, a.chronology, keywords)
    cb, agency_b = _concepts(b.subject, b.chronology, keywords)
    duties = len(ca & cb) / min(len(ca), len(cb)) if ca and cb else 0.0
    likeness = WORDS_SHARE * words + (1 - WORDS_SHARE) * duties
    return likeness if agency_a == agency_b else likeness / 2


def is_personal(case: Case, keywords: FrozenKeywords) -> bool:
    """A reporter's own matter: it names a personal document, benefit, tax, wage or permit and says "saya"."""
    named, _ = _concepts(case.subject, case.chronology, keywords)
    return bool(named & PERSONAL_MATTERS) and "saya" in _words_of(case)


def similar(new: Case, candidates: Iterable[Case], *, keywords: Keywords, limit: int = 3) -> list[Similar]:
    """Up to `limit` earlier complaints that likely report the same concrete problem, best first.

    Word rarity is taken from the candidates themselves (with the new one), so a word every open complaint
    holds ("jalan", "sampah") says little and a street's name says much. A reporter's own matter
    (`is_personal`) is nobody's duplicate.
    """
    frozen = freeze(keywords)
    if is_personal(new, frozen):
        return []
    pool = [case for case in candidates if case.key != new.key and not is_personal(case, frozen)]
    cases = [new, *pool]
    weight = _idf([_words_of(case) for case in cases])
    idf = _idf([_matter_of(case) for case in cases])
    found: list[Similar] = []
    for other in pool:
        place, metres = place_likeness(new, other, weight)
        if place < PLACE_FLOOR:
            continue
        matter = matter_likeness(new, other, frozen, idf)
        if matter < MATTER_FLOOR:
            continue
        score = (place + matter) / 2
        if score >= THRESHOLD:
            found.append(Similar(other.key, round(score, 6), round(place, 6), round(matter, 6), metres))
    found.sort(key=lambda s: (-s.score, s.key))
    # A much weaker second is more often another matter at the same place than a third report.
    return [s for s in found[:limit] if s.score >= found[0].score - RUNNER_UP_GAP]
