"""The login interaction (node-oidc-provider's term): who the citizen is and what they consent to.

Kept apart from the protocol core: :mod:`idp.oidc` sends the browser here with an interaction id and takes
the result back; nothing here speaks OAuth.
"""
