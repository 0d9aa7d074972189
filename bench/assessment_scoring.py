"""Benchmark: GB/T 42195-2022 pure scoring throughput on one core (issue 4: ≥ 100,000 per second).

Scores N random valid assessments (realistic mix: 30% with a diagnosis, 10% with risk events, 1%
in a coma). Baseline in the same run: the full path of the CLI and API — validating the JSON
document (`parse_answers`) and then scoring.

    uv run python bench/assessment_scoring.py [-n 200000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from yanglao.assessments.instrument import GBT_42195_2022 as GB  # noqa: E402
from yanglao.assessments.scoring import Answers, parse_answers, score  # noqa: E402


def documents(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        ability = rng.random()
        items = {}
        for item in GB.items:
            top = item.max_score
            items[item.code] = max(
                0, min(top, round(top * ability + rng.uniform(-1.2, 1.2)))
            )
        docs.append(
            {
                "items": items,
                "coma": rng.random() < 0.01,
                "diagnoses": rng.sample(["F01", "F20", "I10", "E11", "I63"], k=1)
                if rng.random() < 0.3
                else [],
                "risk_events": {"跌倒": rng.choice([1, 2])}
                if rng.random() < 0.1
                else {},
            }
        )
    return docs


def rate(fn, inputs) -> float:
    """Per second of this process's CPU time: "on one core", and less disturbed by other work on a
    shared machine than wall-clock time."""
    started = time.process_time()
    for x in inputs:
        fn(x)
    return len(inputs) / (time.process_time() - started)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200_000)
    opts = parser.parse_args()
    docs = documents(opts.n)
    answers = [
        Answers(
            items=d["items"],
            coma=d["coma"],
            diagnoses=tuple(d["diagnoses"]),
            risk_events=d["risk_events"],
        )
        for d in docs
    ]
    levels = [
        score(a).final_level for a in answers[:1000]
    ]  # warm-up, and a sanity check
    assert 0 in levels or 1 in levels
    scoring = max(rate(score, answers) for _ in range(3))
    full = max(rate(lambda d: score(parse_answers(d)), docs) for _ in range(3))
    from_json = max(
        rate(
            lambda s: score(parse_answers(json.loads(s))),
            [json.dumps(d) for d in docs[:50_000]],
        )
        for _ in range(2)
    )
    print("| case | assessments per second (one core) |\n|---|---:|")
    print(f"| score() on validated answers | {scoring:,.0f} |")
    print(f"| baseline: validate document + score (CLI/API path) | {full:,.0f} |")
    print(f"| baseline: JSON text → validate → score | {from_json:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
