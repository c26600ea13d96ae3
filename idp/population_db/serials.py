"""Unique numbers without remembering every number handed out.

PINs, phone numbers, social-insurance codes, household numbers, licence numbers and plates must be unique.
Each is a bucket prefix plus a serial. :class:`SerialSpace` hands out serials through a seeded affine
bijection of a position, so they look random and never repeat.

Generation runs in chunks, possibly in several processes. Chunk ``k`` uses only the positions congruent to
``k`` modulo :data:`MAX_CHUNKS`, counting from zero in every chunk: two chunks never hand out the same
serial, a chunk depends on nothing but the seed and its index, and memory does not grow with the count.
The top of every space is reserved for the fixed persona catalogue, so personas never collide with the
generated population, whatever the seed.
"""

import math
import random
import zlib
from collections.abc import Hashable

MAX_CHUNKS = 16_384
"""Chunks a population can have: with 10,000 citizens a chunk, about 164 million citizens."""


class SerialSpaceExhaustedError(RuntimeError):
    """A bucket has handed out every serial it has in this chunk."""


class SerialSpace:
    """Serials ``0 <= s < size - reserved`` per bucket, each handed out once across all chunks."""

    def __init__(self, name: str, size: int, reserved: int, seed: int) -> None:
        self.span = size - reserved
        rng = random.Random(f"serials {name} {seed}")
        multiplier = rng.randrange(self.span // 3, self.span)
        while math.gcd(multiplier, self.span) != 1:
            multiplier += 1
        self._multiplier = multiplier
        self._salt = f"{name} {seed}"
        self._chunk = 0
        self._counts: dict[Hashable, int] = {}
        self._offsets: dict[Hashable, int] = {}

    def start_chunk(self, index: int) -> None:
        if not 0 <= index < MAX_CHUNKS:
            raise SerialSpaceExhaustedError(
                f"chunk {index} is beyond the {MAX_CHUNKS} a population has"
            )
        self._chunk = index
        self._counts.clear()

    def next(self, bucket: Hashable) -> int:
        count = self._counts.get(bucket, 0)
        position = self._chunk + MAX_CHUNKS * count
        if position >= self.span:
            raise SerialSpaceExhaustedError(f"no serial left in bucket {bucket!r} for this chunk")
        self._counts[bucket] = count + 1
        offset = self._offsets.get(bucket)
        if offset is None:
            # Each bucket starts at its own offset, so first serials differ from bucket to bucket.
            offset = self._offsets[bucket] = zlib.crc32(f"{self._salt} {bucket!r}".encode())
        return (self._multiplier * position + offset) % self.span
