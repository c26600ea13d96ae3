"""The ``vneid-mock`` command line (Typer + Rich).

Commands are thin: they build the settings, call the package, and print. Every expected failure (a bad
PIN, an unreachable database, a conflicting seed) is one line on stderr and a non-zero exit, never a
traceback.
"""

import gc
import json
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.progress import TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from idp.oidc.clients import add_client
from idp.oidc.clients import load_clients
from idp.oidc.keys import ensure_keys
from idp.oidc.keys import rotate_keys
from idp.population_db.codes import Sex
from idp.population_db.database import DatabaseURLError
from idp.population_db.database import connect
from idp.population_db.database import drop_schema
from idp.population_db.invariants import check_population
from idp.population_db.lookup import find_citizen
from idp.population_db.personas import PERSONAS
from idp.population_db.pin import validate_pin
from idp.population_db.rendering import citizen_card
from idp.population_db.rendering import stats_tables
from idp.population_db.seeding import SeedConflictError
from idp.population_db.seeding import seed_population
from idp.population_db.statistics import population_stats
from idp.settings import IdPSettings

app = typer.Typer(
    name="vneid-mock",
    help="A local stand-in for VNeID with a synthetic population (SANDBOX — synthetic data).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
population_app = typer.Typer(
    help="The synthetic National Population Database.", no_args_is_help=True
)
app.add_typer(population_app, name="population")
keys_app = typer.Typer(help="The provider's signing keys (keys/).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
clients_app = typer.Typer(help="The registered clients (the clients file).", no_args_is_help=True)
app.add_typer(clients_app, name="clients")


def _stdout() -> Console:
    """A console per command, so the width and colour follow the environment it runs in."""
    return Console()


def _stderr() -> Console:
    return Console(stderr=True)


DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", help="SQLAlchemy URL; default: VNEID_DATABASE_URL or var/vneid.sqlite3."
    ),
]


class CliError(Exception):
    """An expected failure, printed as one line."""


@contextmanager
def _failures() -> Iterator[None]:
    try:
        yield
    except (CliError, DatabaseURLError, SeedConflictError) as exc:
        _stderr().print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        first_line = (str(cause).strip().splitlines() or [type(exc).__name__])[0]
        _stderr().print(
            f"[red]error:[/red] database: {first_line}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None


def _engine(database: str | None) -> Engine:
    settings = IdPSettings()
    return connect(database or settings.database_url)


def main() -> None:
    app()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start the identity provider."""
    import uvicorn

    from idp.app import create_app

    settings = IdPSettings()
    app = create_app(settings)
    # What start-up built (modules, schemas, keys, clients) lives as long as the process: keep it out
    # of the cyclic garbage collector's full passes, which otherwise walk it all (~100k objects) again
    # and again under load.
    gc.freeze()
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        access_log=settings.access_log,
        server_header=False,  # no "server: uvicorn" banner (nothing to gain from naming the software)
    )


@population_app.command("seed")
def seed(
    count: Annotated[
        int, typer.Option(min=0, help="Generated citizens (personas come on top).")
    ] = 10_000,
    seed_value: Annotated[int, typer.Option("--seed", help="Same seed, same citizens.")] = 1,
    database: DatabaseOption = None,
    reset: Annotated[bool, typer.Option(help="Drop an existing population first.")] = False,
) -> None:
    """Fill the database with the personas and COUNT citizens of SEED (idempotent)."""
    settings = IdPSettings()
    with _failures():
        engine = connect(database or settings.database_url)
        if reset:
            drop_schema(engine)
        with _progress() as (progress, advance):
            task = progress.add_task("Seeding citizens", total=count)
            report = seed_population(
                engine,
                count=count,
                seed=seed_value,
                password=settings.sandbox_password,
                passcode=settings.sandbox_passcode,
                on_progress=lambda n: advance(task, n),
            )
            progress.update(task, completed=count)
    if report.added == 0 and report.personas_added == 0:
        _stdout().print(
            f"Nothing to add: the database already holds seed {report.seed} with {count} citizens."
        )
    else:
        _stdout().print(
            f"Added {report.added} citizens of seed {report.seed} and {report.personas_added} personas."
        )


@contextmanager
def _progress() -> Iterator[tuple[Progress, Callable[[Any, int], None]]]:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_stdout(),
    )
    with progress:
        yield progress, lambda task, n: progress.advance(task, n)


@population_app.command("show")
def show(pin: str, database: DatabaseOption = None) -> None:
    """Print the citizen with this PIN and every linked record."""
    with _failures():
        reasons = validate_pin(pin)
        if reasons:
            raise CliError(f"{pin!r} is not a valid PIN: {'; '.join(reasons)}")
        with _engine(database).connect() as connection:
            record = find_citizen(connection, pin)
        if record is None:
            raise CliError(f"no citizen with PIN {pin}")
    _stdout().print(citizen_card(record))


@population_app.command("stats")
def stats(
    database: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Summarise the population: rows per table, age and sex structure, accounts, names."""
    with _failures():
        figures = population_stats(_engine(database))
    if as_json:
        _stdout().print_json(json.dumps(figures.as_json(), ensure_ascii=False))
        return
    for table in stats_tables(figures):
        _stdout().print(table)


@population_app.command("check")
def check(database: DatabaseOption = None) -> None:
    """Check every invariant over the whole database; exit 1 when any is violated."""
    with _failures():
        violations = 0
        for violation in check_population(_engine(database)):
            violations += 1
            _stdout().print(
                f"{violation.pin}  {violation.rule}: {violation.detail}", highlight=False
            )
    if violations:
        _stderr().print(f"[red]{violations} violation(s)[/red]")
        raise typer.Exit(1)
    _stdout().print("No violation.")


@population_app.command("validate-pin")
def validate(
    pin: str,
    birth_date: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD the PIN must agree with.")
    ] = None,
    sex: Annotated[Sex | None, typer.Option(help="The sex the PIN must agree with.")] = None,
) -> None:
    """Say whether PIN is a structurally valid personal identification number, and why not."""
    with _failures():
        try:
            born = date.fromisoformat(birth_date) if birth_date else None
        except ValueError:
            raise CliError(f"--birth-date {birth_date!r} is not YYYY-MM-DD") from None
        reasons = validate_pin(pin, birth_date=born, sex=sex)
    if reasons:
        for reason in reasons:
            _stdout().print(f"invalid: {reason}", highlight=False)
        raise typer.Exit(1)
    _stdout().print(f"{pin} is a valid PIN.")


@app.command()
def personas(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the fixed test citizens present in every database (their sandbox credentials too)."""
    settings = IdPSettings()
    entries = [
        {
            "key": p.key,
            "pin": p.pin,
            "name": p.full_name,
            "birth_date": p.birth_date.isoformat(),
            "sex": p.sex.value,
            "nationality": p.nationality,
            "account_level": p.account_level,
            "account_status": p.account_status.value if p.account_level else None,
            "phone_number": p.phone_number,
            "password": settings.sandbox_password if p.account_level else None,
            "passcode": settings.sandbox_passcode if p.account_level else None,
            "household_number": p.household_number,
            "purpose": p.purpose,
            "purpose_vi": p.purpose_vi,
        }
        for p in PERSONAS
    ]
    if as_json:
        _stdout().print_json(json.dumps(entries, ensure_ascii=False))
        return
    table = Table(title="Personas (SANDBOX — synthetic data)")
    for column in ("key", "pin", "name", "account", "phone"):
        table.add_column(column, no_wrap=True)
    table.add_column("purpose")
    for entry in entries:
        level = entry["account_level"]
        account = f"level {level} ({entry['account_status']})" if level else "none"
        table.add_row(
            str(entry["key"]), str(entry["pin"]), str(entry["name"]), account,
            str(entry["phone_number"] or "—"), str(entry["purpose"]),
        )  # fmt: skip
    _stdout().print(table)
    _stdout().print(
        f"Sandbox password: [bold]{settings.sandbox_password}[/bold]   "
        f"passcode: [bold]{settings.sandbox_passcode}[/bold]"
    )


@keys_app.command("list")
def keys_list() -> None:
    """List the keys, newest (signing) first."""
    for key in ensure_keys(IdPSettings().keys_dir):
        _stdout().print(f"{key.kid}  {key.key_type}", highlight=False)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Add a new RSA and EC signing pair; the old keys stay published."""
    keys = rotate_keys(IdPSettings().keys_dir)
    _stdout().print(f"New signing keys: {keys[0].kid}, {keys[1].kid}", highlight=False)


@clients_app.command("list")
def clients_list() -> None:
    """List the registered clients."""
    for client in load_clients(IdPSettings().clients_file).values():
        uris = " ".join(client.metadata.get("redirect_uris", []))
        _stdout().print(f"{client.client_id}  {client.auth_method}  {uris}", highlight=False)


@clients_app.command("add")
def clients_add(
    client_id: str,
    redirect_uri: Annotated[list[str], typer.Option(help="Registered redirect URI (repeat).")],
    auth_method: Annotated[str, typer.Option(help="token_endpoint_auth_method")] = (
        "client_secret_basic"
    ),
    scope: Annotated[str, typer.Option(help="Scopes the client may ask for.")] = "openid profile",
    name: Annotated[str | None, typer.Option(help="client_name")] = None,
    access_token_alg: Annotated[
        str | None,
        typer.Option(
            help="access_token_signed_response_alg: RS256 or ES256 (unset: VNEID_ACCESS_TOKEN_ALG)"
        ),
    ] = None,
) -> None:
    """Register a client; prints its secret once (only its hash is stored)."""
    metadata = {"redirect_uris": redirect_uri, "token_endpoint_auth_method": auth_method}
    metadata |= {"scope": scope, "client_name": name or client_id}
    if access_token_alg is not None:
        metadata["access_token_signed_response_alg"] = access_token_alg
    with _failures():
        try:
            secret = add_client(IdPSettings().clients_file, client_id, metadata)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    _stdout().print(f"client_secret: {secret}" if secret else "public client (no secret)")


if __name__ == "__main__":
    main()
