"""State stores (kho trạng thái): what the provider keeps between requests, below the protocol core.

Ephemeral protocol state behind :class:`idp.state.store.StateStore` (memory, SQL, Redis), and the
durable records the protocol writes and the citizen reads: remembered consent
(:mod:`idp.state.consents`), the audit log (:mod:`idp.state.audit`), the grant index
(:mod:`idp.state.grant_index`). Nothing here knows OAuth or the web; the population database is below.
"""
