"""The sample bank: opens a payment account by eKYC with a level-2 identity at LoA3 or above, authenticates
to the provider with ``private_key_jwt`` (its own key, public JWKS at ``/jwks``), receives its ID tokens
encrypted to its key, and asks for a fresh LoA3 authentication (``max_age=0``) before a transfer above
10,000,000 VND (the threshold of the State Bank's Decision 2345/QĐ-NHNN)."""
