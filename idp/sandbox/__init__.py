"""The sandbox's control of the provider, for tests: the scenario catalogue and queue, broken tokens,
failing endpoints, minted tokens, the request recorder, and reset."""
