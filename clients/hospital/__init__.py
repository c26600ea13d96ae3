"""The sample hospital kiosk: patient check-in with health insurance (BHYT). A public client (no secret,
PKCE only) as a front-desk kiosk app would be; asks for ``identity`` and ``health_insurance`` (a level-2
scope, so the provider steps the citizen up to a level-2 identity at LoA3), tells a patient who did not
share the card so and offers to share it, and logs the patient out at VNeID once the ticket is printed.
Its self-service kiosk (``/kiosk``, :mod:`clients.hospital.kiosk`) checks patients in by the device
flow (RFC 8628) instead, the patient approving on their own phone or browser."""
