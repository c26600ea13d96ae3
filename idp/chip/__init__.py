"""Synthetic identity-card chips (chip thẻ căn cước): the ICAO 9303 files of every card in the population,
the sandbox's document PKI that signs them, and the checks a reader or a verifier runs on them.

Nothing here is a real key or a real face: the country signing CA is a sandbox CA derived from a public
seed, and the portraits are drawings.
"""
