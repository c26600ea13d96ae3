"""Counting full Argon2 verifications (the ``argon2`` fixture of ``tests/conftest.py`` puts a
:class:`Counter` in place of :func:`idp.population_db.credentials.verify_secret` for one test)."""

from idp.population_db import credentials


class Counter:
    """Counts the full verifications (calls of ``verify_secret``) and forwards each one."""

    def __init__(self) -> None:
        self.calls = 0
        self._verify = credentials.verify_secret

    def __call__(self, secret_hash: str, secret: str) -> bool:
        self.calls += 1
        return self._verify(secret_hash, secret)
