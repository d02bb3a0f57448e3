#!/usr/bin/env python3
"""Recompute the winners of a Friday giveaway of the union portal. Standard library only.

Anyone can check a draw with the data the result page publishes:

    python giveaways/verify_draw.py --seed SEED_HEX --entries-file entries.txt \
        --winners 3 [--commitment HEX] [--list-hash HEX] [--count N] \
        [--drand-randomness HEX] [--show 10]

The procedure (version 1), which the portal itself runs (it imports this module):

1. The seed is 32 random bytes from `secrets.token_bytes(32)`. Before any entry the
   portal publishes commitment = SHA-256(seed), in hex.
2. At the close the portal freezes the canonical list: the eligible handles, normalised
   (lower case, no "@"), sorted by their UTF-8 bytes, one per line, each line ending in
   "\\n", encoded as UTF-8. It publishes list hash = SHA-256(list bytes) and the count.
3. The draw key is HMAC-SHA256(key=seed, message="union-giveaway-v1\\n" + list hash hex +
   "\\n" + drand randomness hex, or "" when no beacon was used).
4. Every handle gets the score HMAC-SHA256(key=draw key, message=handle in UTF-8); the
   handles sorted by score (ties, practically impossible, by handle) form the ranking.
   The first N are the winners; a redraw takes the next handle down the ranking.
   Sorting by a 256-bit keyed hash gives every handle the same chance: no modulo is
   taken anywhere, so there is no modulo bias.
"""

import argparse
import hashlib
import hmac
import sys

PROCEDURE_VERSION = "union-giveaway-v1"


def commitment_for(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def canonical_list(handles) -> bytes:
    """The frozen list as bytes: distinct handles sorted by UTF-8 bytes, one per line."""
    unique = sorted({h for h in handles}, key=lambda h: h.encode("utf-8"))
    return "".join(h + "\n" for h in unique).encode("utf-8")


def parse_list(data: bytes) -> list[str]:
    """The handles of a canonical list file (tolerates a missing final newline)."""
    text = data.decode("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def list_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def draw_key(seed: bytes, list_hash_hex: str, drand_randomness_hex: str = "") -> bytes:
    message = f"{PROCEDURE_VERSION}\n{list_hash_hex}\n{drand_randomness_hex}".encode("ascii")
    return hmac.new(seed, message, hashlib.sha256).digest()


def ranking(seed: bytes, handles, *, drand_randomness_hex: str = "") -> list[str]:
    """Every handle of the canonical list, in the order the draw picks them."""
    data = canonical_list(handles)
    key = draw_key(seed, list_hash(data), drand_randomness_hex)
    unique = parse_list(data)
    return sorted(unique, key=lambda h: (hmac.new(key, h.encode("utf-8"), hashlib.sha256).digest(), h))


def draw_winners(seed: bytes, handles, count: int, *, drand_randomness_hex: str = "") -> list[str]:
    return ranking(seed, handles, drand_randomness_hex=drand_randomness_hex)[:count]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Recompute the winners of a union portal giveaway.")
    parser.add_argument("--seed", required=True, help="the revealed seed, 64 hex digits")
    parser.add_argument("--entries-file", required=True, help="the frozen list downloaded from the result page")
    parser.add_argument("--winners", type=int, default=1, help="number of winners")
    parser.add_argument("--commitment", help="the published SHA-256 commitment of the seed")
    parser.add_argument("--list-hash", help="the published SHA-256 of the list")
    parser.add_argument("--count", type=int, help="the published number of entries")
    parser.add_argument("--drand-randomness", default="", help="the drand randomness, when the draw used one")
    parser.add_argument("--show", type=int, default=0, help="also print the first N of the ranking (redraws)")
    args = parser.parse_args(argv)

    try:
        seed = bytes.fromhex(args.seed.strip())
    except ValueError:
        print("The seed must be hex digits.", file=sys.stderr)
        return 2
    with open(args.entries_file, "rb") as fh:
        data = fh.read()
    handles = parse_list(data)
    ok = True
    actual_hash = list_hash(canonical_list(handles))
    print(f"entries:     {len(handles)}")
    print(f"list hash:   {actual_hash}")
    print(f"commitment:  {commitment_for(seed)}")
    if args.commitment is not None:
        good = commitment_for(seed) == args.commitment.strip().lower()
        ok &= good
        print(f"  commitment matches the published one: {'yes' if good else 'NO'}")
    if args.list_hash is not None:
        good = actual_hash == args.list_hash.strip().lower()
        ok &= good
        print(f"  list hash matches the published one: {'yes' if good else 'NO'}")
    if args.count is not None:
        good = len(handles) == args.count
        ok &= good
        print(f"  count matches the published one: {'yes' if good else 'NO'}")
    order = ranking(seed, handles, drand_randomness_hex=args.drand_randomness.strip().lower())
    print("winners:")
    for position, handle in enumerate(order[: args.winners], start=1):
        print(f"  {position}. @{handle}")
    if args.show > args.winners:
        print("next in the ranking (used by redraws):")
        for position, handle in enumerate(order[args.winners : args.show], start=args.winners + 1):
            print(f"  {position}. @{handle}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
