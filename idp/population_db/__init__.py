"""The synthetic National Population Database (Cơ sở dữ liệu quốc gia về dân cư).

Records, the deterministic generator, the persona catalogue and the invariant checks. Nothing here is real
personal data: every citizen is synthetic.
"""
