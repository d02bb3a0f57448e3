"""Bench of the giveaway's hot paths, with no database: the rules over 100,000 entries
followed by the freeze and the draw (goal < 2 s), and parsing 20,000 pasted comments
(goal < 10 s). Prints the figures; docs/performance.md records them.

    .venv/bin/python bench/giveaways_draw.py
"""

import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from giveaways import eligibility, parsing, verify_draw  # noqa: E402

ENTRIES = 100_000
COMMENTS = 20_000


def _handles(rng: random.Random, n: int) -> list[str]:
    return [f"member_{i}_{rng.randrange(10**6)}" for i in range(n)]


def bench_eligibility_and_draw(rng: random.Random) -> float:
    authors = _handles(rng, ENTRIES)
    pool = authors[: ENTRIES // 2]
    followers = frozenset(rng.sample(authors, int(ENTRIES * 0.8)))
    recent = frozenset(rng.sample(authors, 200))
    own = frozenset({"profsoyuz310krg"})
    tags = [rng.sample(pool, rng.choice([2, 3, 3, 4])) for _ in range(ENTRIES)]
    seed = secrets.token_bytes(32)

    start = time.perf_counter()
    eligible = [
        author
        for author, tagged in zip(authors, tags, strict=True)
        if eligibility.evaluate(
            author=author,
            tags=tagged,
            own_handles=own,
            followers=followers,
            marked_follower=False,
            recent_winners=recent,
        ).eligible
    ]
    rules = time.perf_counter()
    data = verify_draw.canonical_list(eligible)
    digest = verify_draw.list_hash(data)
    winners = verify_draw.draw_winners(seed, eligible, 3)
    done = time.perf_counter()
    print(f"eligibility over {ENTRIES:,} entries: {rules - start:.2f} s ({len(eligible):,} eligible)")
    print(f"freeze (canonical list, SHA-256) and draw of 3 winners: {done - rules:.2f} s (list hash {digest[:12]}…)")
    print(f"eligibility + draw: {done - start:.2f} s (goal < 2 s) winners {winners}")
    return done - start


def _dump(rng: random.Random) -> str:
    handles = _handles(rng, 5000)
    lines = []
    for i in range(COMMENTS):
        author = rng.choice(handles)
        tagged = " ".join("@" + h for h in rng.sample(handles, rng.choice([1, 3, 3, 4])))
        lines += [author, f"Участвую! {tagged} 🎉" if i % 3 else tagged, f"{rng.randrange(1, 7)} д.", "Ответить", ""]
        if i % 500 == 0:
            lines.append("\ufffd broken line")
    return "\n".join(lines)


def bench_parsing(rng: random.Random) -> float:
    text = _dump(rng)
    start = time.perf_counter()
    result = parsing.parse_comments(text)
    elapsed = time.perf_counter() - start
    print(
        f"parsing {COMMENTS:,} comments ({result.lines:,} lines): {elapsed:.2f} s (goal < 10 s); "
        f"{len(result.comments):,} comments, {len(result.problems)} problems reported"
    )
    return elapsed


if __name__ == "__main__":
    rng = random.Random(7)
    draw_seconds = bench_eligibility_and_draw(rng)
    parse_seconds = bench_parsing(rng)
    print("goals met" if draw_seconds < 2 and parse_seconds < 10 else "GOALS NOT MET")
