"""Unique numbers without remembering every number handed out.

PINs, phone numbers, social-insurance codes, household numbers, licence numbers and plates must be unique.
Each is a bucket prefix plus a serial. :class:`SerialSpace` hands out serials through a seeded affine
bijection of a counter, so they look random, never repeat, and cost one small counter per bucket.

Generation runs in chunks, possibly in several processes. Chunk ``k`` draws only from lane ``k % LANES``
(the counter values congruent to the lane), so two chunks never hand out the same serial, and a lane's
counters depend only on the chunks of that lane: the result is the same whatever the number of processes.
The top of every space is reserved for the fixed persona catalogue, so personas never collide with the
generated population, whatever the seed.
"""

import math
import random
import zlib
from collections.abc import Hashable

LANES = 256


class SerialSpaceExhaustedError(RuntimeError):
    """A bucket has handed out every serial it has."""


class SerialSpace:
    """Serials ``0 <= s < size - reserved`` per bucket, each handed out once."""

    def __init__(self, name: str, size: int, reserved: int, seed: int) -> None:
        self.span = size - reserved
        rng = random.Random(f"serials {name} {seed}")
        multiplier = rng.randrange(self.span // 3, self.span)
        while math.gcd(multiplier, self.span) != 1:
            multiplier += 1
        self._multiplier = multiplier
        self._salt = f"{name} {seed}"
        self._positions: dict[tuple[int, Hashable], int] = {}
        self._offsets: dict[Hashable, int] = {}

    def next(self, bucket: Hashable, lane: int) -> int:
        key = (lane, bucket)
        position = self._positions.get(key, lane)
        if position >= self.span:
            raise SerialSpaceExhaustedError(f"no serial left in bucket {bucket!r}")
        self._positions[key] = position + LANES
        offset = self._offsets.get(bucket)
        if offset is None:
            # Each bucket starts at its own offset, so first serials differ from bucket to bucket.
            offset = self._offsets[bucket] = zlib.crc32(f"{self._salt} {bucket!r}".encode())
        return (self._multiplier * position + offset) % self.span
