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


def test_factors_reach_levels_capped_by_the_account() -> None:
    from idp.oidc.assurance import achieved_acr
    from idp.oidc.assurance import amr_of

    assert achieved_acr({"pwd"}, 2) == "LoA1"
    assert achieved_acr({"pwd", "otp"}, 1) == "LoA2"
    assert achieved_acr({"pwd", "pin", "face"}, 2) == "LoA3"
    assert achieved_acr({"pwd", "pin", "face"}, 1) == "LoA1"
    assert achieved_acr({"otp"}, 2) is None
    assert amr_of({"pwd", "otp"}, "LoA2") == ["mfa", "otp", "pwd", "sms"]
    assert amr_of({"pwd"}, "LoA1") == ["pwd"]


def test_what_a_request_requires() -> None:
    from idp.oidc.assurance import Requirement
    from idp.oidc.assurance import requirement_of

    assert requirement_of(None, None, ["openid"], []) == Requirement("LoA1")
    assert requirement_of("x LoA3 LoA2", None, [], []) == Requirement("LoA2")
    assert requirement_of(None, None, [], ["LoA2"]) == Requirement("LoA2")
    essential = '{"id_token": {"acr": {"essential": true, "values": ["LoA3"]}}}'
    assert requirement_of("LoA1", essential, [], []) == Requirement("LoA3")
    voluntary = '{"id_token": {"acr": {"values": ["LoA3"]}}}'
    assert requirement_of(None, voluntary, [], []) == Requirement("LoA1")
    assert requirement_of(None, "{not json", [], []) == Requirement("LoA1")
    assert requirement_of("LoA1", None, ["eid_card"], []) == Requirement("LoA3", level2=True)


def test_missing_factors_and_reachability() -> None:
    from idp.oidc.assurance import Requirement

    assert Requirement("LoA2").missing_factors({"pwd"}, 1) == ["otp"]
    assert Requirement("LoA3").missing_factors({"pwd", "otp"}, 2) == ["pin", "face"]
    assert Requirement("LoA3").missing_factors(set(), 2) == ["pwd", "pin", "face"]
    assert Requirement("LoA2").missing_factors({"pwd", "pin", "face"}, 2) == []
    assert not Requirement("LoA3").reachable_by(1)
    assert not Requirement("LoA1", level2=True).reachable_by(1)
    assert Requirement("LoA4").reachable_by(2)
    assert not Requirement("LoA4").reachable_by(1)
    # only the phone brings the device key; its approval brings the passcode and the face with it
    assert "hwk" in Requirement("LoA4").missing_factors({"pwd", "pin", "face"}, 2)
    assert Requirement("LoA4").missing_factors({"hwk", "pin", "face"}, 2) == []
    assert Requirement("LoA3").missing_factors({"hwk", "pin", "face"}, 2) == []


def test_phone_approval_reaches_loa4_with_its_amr() -> None:
    from idp.oidc.assurance import achieved_acr
    from idp.oidc.assurance import amr_of
    from idp.oidc.assurance import needs_phone

    methods = {"hwk", "pin", "face"}
    assert achieved_acr(methods, 2) == "LoA4"
    assert achieved_acr(methods, 1) is None  # a level-1 account never reaches LoA3 or LoA4
    assert amr_of(methods, "LoA4") == ["face", "hwk", "mfa", "pin"]
    assert needs_phone("LoA4")
    assert not needs_phone("LoA3")
