"""FastAPI dependencies the shared routes and the apps' pages use: the relying party, the app's database
session, the signed-in citizen, and the CSRF field of a form."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from fastapi import Form
from sqlmodel import Session
from starlette.requests import Request

from clients.rp.logins import Login
from clients.rp.relying_party import RelyingParty


def relying_party(request: Request) -> RelyingParty:
    rp: RelyingParty = request.app.state.rp
    return rp


def database(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def current_login(request: Request) -> Login | None:
    return relying_party(request).current(request)


RPDep = Annotated[RelyingParty, Depends(relying_party)]
DatabaseDep = Annotated[Session, Depends(database)]
LoginDep = Annotated[Login | None, Depends(current_login)]
CsrfField = Annotated[str, Form(max_length=64)]
