"""Routing suggestions and the similar list, measured on a labelled set of Kota Pekalongan complaints.

    python -m bench.routing [--seed 17] [--train 0.7] [--limit N] [--set bench/data/routing-set.yaml]
    python -m bench.routing --through-bot      # the same split, read from the real bot's pickers

The set (bench/data/routing-set.yaml) is shuffled with a fixed seed and split into a training part and a test
part. The training part is filed first, in order, as an office would decide it: the admin takes the top
suggestion of the moment (from the decisions so far, or the duty keywords at the start); when that is wrong
the complaint is returned from it and goes to the right agency, and both facts become history. Then every
test complaint is asked for suggestions (top-1, top-3 against its label) and for its similar list among all
complaints filed before it (precision and recall against the duplicate groups). Nothing reads a test label
before its answer is scored.

Scope: the pure functions, in one process. `--through-bot` (bench/routing_bot.py) files the same split
through the real bot and reads the forward picker's order; 1,000,000 complaints in PostgreSQL are
`bench/bench_queries.py`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from storage.registry import routing_keywords
from workflow.suggestions import Case, PastDecision, Similar, suggest_targets
from workflow.suggestions import similar as similar_with

DEFAULT_SET = Path(__file__).parent / "data" / "routing-set.yaml"
REGISTRY = Path(__file__).resolve().parents[1] / "examples" / "orgs-jateng.yaml"
CITY = "KOTA-PEKALONGAN"
# The cold start, as the bot has it: the registry's keywords of the city's agencies and of the province.
KEYWORDS = routing_keywords(REGISTRY.read_text(encoding="utf-8"), CITY)
AGENCY_KEYWORDS = KEYWORDS


def similar(new: Case, candidates: Sequence[Case]) -> list[Similar]:
    return similar_with(new, candidates, keywords=KEYWORDS)


@dataclass(frozen=True)
class Labelled:
    case: Case
    route: str
    group: str | None

    @property
    def text(self) -> str:
        return f"{self.case.subject}. {self.case.chronology}"


@dataclass(frozen=True)
class Figures:
    train: int
    test: int
    top1: float
    top3: float
    cold_top1: float
    cold_top3: float
    returns_in_training: int
    dup_queries: int
    dup_precision: float
    dup_recall: float
    dup_listed: int
    tuning_precision: float
    tuning_recall: float
    suggest_p50_ms: float
    suggest_p99_ms: float
    similar_p50_ms: float
    similar_p99_ms: float


def load(path: Path = DEFAULT_SET) -> list[Labelled]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["complaints"]
    return [
        Labelled(
            Case(
                key=f"r{i:03d}",
                subject=str(row["subject"]),
                chronology=str(row["chronology"]),
                place=str(row["where"]),
                lat=row.get("lat"),
                lon=row.get("lon"),
            ),
            route=str(row["route"]),
            group=row.get("duplicate_group"),
        )
        for i, row in enumerate(rows)
    ]


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def decide_training(train: Sequence[Labelled]) -> list[PastDecision]:
    """The office's decisions on the training part, one after another, returns included."""
    history: list[PastDecision] = []
    for item in train:
        ranked = suggest_targets(item.text, item.case.place, history, AGENCY_KEYWORDS, limit=1)
        first = ranked[0].org_code if ranked else None
        returned = (first,) if first is not None and first != item.route else ()
        history.append(PastDecision(item.text, item.case.place, item.route, returned))
    return history


def duplicates(
    queries: Sequence[Labelled], before: Sequence[Labelled]
) -> tuple[int, int, int, int, list[float]]:
    """Listed, right, queries with an earlier duplicate, of them found; and each list's time in ms."""
    listed = right = asked = found = 0
    times: list[float] = []
    for n, item in enumerate(queries):
        earlier = [*before, *queries[:n]]
        started = time.perf_counter()
        alike = similar(item.case, [e.case for e in earlier])
        times.append((time.perf_counter() - started) * 1000)
        groups = {e.case.key: e.group for e in earlier}
        hits = [s for s in alike if item.group is not None and groups[s.key] == item.group]
        listed += len(alike)
        right += len(hits)
        if item.group is not None and any(e.group == item.group for e in earlier):
            asked += 1
            found += bool(hits)
    return listed, right, asked, found, times


def run(items: Sequence[Labelled], *, seed: int = 17, train_fraction: float = 0.7) -> Figures:
    order = list(items)
    random.Random(seed).shuffle(order)
    cut = round(len(order) * train_fraction)
    train, test = order[:cut], order[cut:]
    history = decide_training(train)

    top1 = top3 = cold1 = cold3 = 0
    suggest_ms: list[float] = []
    for item in test:
        started = time.perf_counter()
        ranked = suggest_targets(item.text, item.case.place, history, AGENCY_KEYWORDS)
        suggest_ms.append((time.perf_counter() - started) * 1000)
        codes = [s.org_code for s in ranked]
        top1 += codes[:1] == [item.route]
        top3 += item.route in codes[:3]
        cold = [s.org_code for s in suggest_targets(item.text, item.case.place, (), AGENCY_KEYWORDS, limit=3)]
        cold1 += cold[:1] == [item.route]
        cold3 += item.route in cold
    # The thresholds of workflow.suggestions were tuned on the training part only: shown for comparison.
    t_listed, t_right, t_asked, t_found, _ = duplicates(train, ())
    listed, right, queries, found, similar_ms = duplicates(test, train)

    total = len(test) or 1
    return Figures(
        train=len(train),
        test=len(test),
        top1=top1 / total,
        top3=top3 / total,
        cold_top1=cold1 / total,
        cold_top3=cold3 / total,
        returns_in_training=sum(bool(h.returned_from) for h in history),
        dup_queries=queries,
        dup_precision=right / listed if listed else 1.0,
        dup_recall=found / queries if queries else 1.0,
        dup_listed=listed,
        tuning_precision=t_right / t_listed if t_listed else 1.0,
        tuning_recall=t_found / t_asked if t_asked else 1.0,
        suggest_p50_ms=_percentile(suggest_ms, 0.5),
        suggest_p99_ms=_percentile(suggest_ms, 0.99),
        similar_p50_ms=_percentile(similar_ms, 0.5),
        similar_p99_ms=_percentile(similar_ms, 0.99),
    )


def report(f: Figures, candidates: int) -> str:
    return "\n".join(
        [
            f"set: {f.train + f.test} complaints; training {f.train} (returns while deciding it: "
            f"{f.returns_in_training}), test {f.test}",
            f"routing top-1: {f.top1:.1%}  top-3: {f.top3:.1%}   (targets: ≥ 80%, ≥ 95%)",
            f"routing, keywords only (cold start) top-1: {f.cold_top1:.1%}  top-3: {f.cold_top3:.1%}",
            f"duplicates: precision {f.dup_precision:.1%} ({f.dup_listed} listed)  recall {f.dup_recall:.1%} "
            f"({f.dup_queries} test complaints with an earlier duplicate)   (targets: recall ≥ 90% at "
            "precision ≥ 80%)",
            f"duplicates on the training part (thresholds tuned there): precision {f.tuning_precision:.1%}  "
            f"recall {f.tuning_recall:.1%}",
            f"suggestion latency p50 {f.suggest_p50_ms:.2f} ms  p99 {f.suggest_p99_ms:.2f} ms "
            f"(history of {f.train})",
            f"similar-list latency p50 {f.similar_p50_ms:.2f} ms  p99 {f.similar_p99_ms:.2f} ms "
            f"(up to {candidates} candidates)",
        ]
    )


def report_through_bot(items: Sequence[Labelled], *, seed: int, train_fraction: float) -> str:
    from bench.routing_bot import run_through_bot  # it imports this module: loaded only when asked

    order = list(items)
    random.Random(seed).shuffle(order)
    cut = round(len(order) * train_fraction)
    f = asyncio.run(run_through_bot(order[:cut], order[cut:]))
    return "\n".join(
        [
            f"through the bot: training {f.train} decided in the pickers, test {f.test} read from them "
            f"({f.seconds:.0f} s)",
            f"routing top-1: {f.top1:.1%}  top-3: {f.top3:.1%}   (targets: ≥ 80%, ≥ 95%)",
            f"forward press → picker shown: p50 {f.picker_p50_ms:.0f} ms  p99 {f.picker_p99_ms:.0f} ms "
            "(the whole round trip through the local Bot API server)",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--train", type=float, default=0.7, help="fraction of the set filed first")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N complaints")
    parser.add_argument("--through-bot", action="store_true", help="read the real bot's forward pickers")
    args = parser.parse_args(argv)
    items = load(args.set)[: args.limit]
    if args.through_bot:
        print(report_through_bot(items, seed=args.seed, train_fraction=args.train))
        return
    figures = run(items, seed=args.seed, train_fraction=args.train)
    print(report(figures, len(items) - 1))


if __name__ == "__main__":
    main()
