"""The OpenID Provider core (Authlib server side): discovery, keys, authorization, tokens, userinfo.

Built on top of :mod:`idp.population_db`; the protocol arrives with the next issue.
"""
