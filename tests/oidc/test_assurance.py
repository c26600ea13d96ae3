"""The order of ``acr`` values and the level-2 identity rule of PRODUCT.md."""

from idp.oidc.assurance import acr_rank
from idp.oidc.assurance import is_level2_identity


def test_acr_order() -> None:
    assert acr_rank(None) == 0
    assert acr_rank("urn:other") == 0
    assert acr_rank("LoA1") < acr_rank("LoA2") < acr_rank("LoA3") < acr_rank("LoA4")


def test_level2_identity_needs_a_level2_account_at_loa3() -> None:
    assert is_level2_identity(2, "LoA3")
    assert is_level2_identity(2, "LoA4")
    assert not is_level2_identity(2, "LoA2")
    assert not is_level2_identity(1, "LoA3")
