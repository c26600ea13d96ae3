"""The provider as an OpenID Shared Signals Framework 1.0 transmitter (bộ phát tín hiệu chia sẻ): identity
events about citizens (an account locked or unlocked, a death, a new identity card or residence, a
consent withdrawn) pushed to the relying parties that share with them, as Security Event Tokens
(RFC 8417) over RFC 8935 push delivery, with the CAEP 1.0 and RISC 1.0 event types.

- :mod:`.metadata`: the transmitter's configuration document (``/.well-known/ssf-configuration``);
- :mod:`.streams`: stream management for licensed clients (``shared_signals`` scope);
- :mod:`.emitter`: which events a change produces, written to the outbox in the change's transaction;
- :mod:`.tokens`: the SETs, signed like the client's ID tokens;
- :mod:`.delivery`: the worker that pushes the outbox to the receivers and retries.

docs/shared-signals.md describes the whole.
"""
