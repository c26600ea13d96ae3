"""The sample hospital kiosk: patient check-in with health insurance (BHYT). A public client (no secret,
PKCE only) as a front-desk kiosk app would be; asks for ``identity`` and ``health_insurance`` (a level-2
scope, so the provider steps the citizen up to a level-2 identity at LoA3), tells a patient who did not
share the card so and offers to share it, and logs the patient out at VNeID once the ticket is printed."""
