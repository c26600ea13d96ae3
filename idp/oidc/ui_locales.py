"""The languages of the provider's pages and how a request picks one: ``ui_locales`` (OIDC Core
§3.1.2.1, space-separated BCP 47 tags, in order of preference), Vietnamese when none is spoken here."""

LANGUAGES = ("vi", "en")
DEFAULT = "vi"


def page_language(ui_locales: str) -> str:
    """The first of ``ui_locales`` we speak; Vietnamese otherwise."""
    return spoken(ui_locales) or DEFAULT


def spoken(ui_locales: str) -> str | None:
    """The first of ``ui_locales`` we speak, or None."""
    for tag in ui_locales.split():
        if (language := tag.split("-")[0].lower()) in LANGUAGES:
            return language
    return None
