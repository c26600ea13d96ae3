"""The test kit: a pytest plugin (:mod:`idp.testkit.plugin`) and a handle on a running provider
(:class:`idp.testkit.mock.VneidMock`) for headless login, minted tokens, scenarios, the clock, recorded
requests and citizens."""
