"""A small FastAPI application that logs citizens in with VNeID (here: vneid-mock) and serves a
resource-server API protected by the provider's access tokens; with its test suite."""
