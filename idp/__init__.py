"""vneid-mock: a local stand-in for VNeID, Vietnam's national e-identification and authentication system.

The identity provider (``idp``) is an OpenID Connect provider backed by a synthetic national population
database (``idp.population_db``).
"""
