"""The sample public-service portal (Cổng dịch vụ công, sandbox, without its logos): single sign-on at
LoA2, a small service catalogue and a judicial-record certificate request (Phiếu lý lịch tư pháp) that steps
up to a level-2 identity at LoA3 and is pre-filled from the e-ID card, residence and household."""
