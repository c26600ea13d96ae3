"""The route table: every route of the provider, declared once, as an API route (JSON errors) or a page
route (HTML errors) of :mod:`idp.web.errors`."""
