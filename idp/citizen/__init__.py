"""Citizen services (dịch vụ cho công dân): what a citizen does with their own account, beside logging
in: the account page's content (their data, the clients they share with, their disclosure history) and
withdrawing consent. Above the protocol core, beside the interaction; the records themselves (consents,
audit, grant index) are the state layer's.
"""
