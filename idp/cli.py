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
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.progress import TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from idp.oidc.shared_signals.emitter import CitizenSignals

from idp.chip.export import chip_document
from idp.chip.holders import current_chip
from idp.chip.rendering import chip_card
from idp.citizen.changes import InvalidChangeError
from idp.citizen.changes import NoSuchCitizenError
from idp.citizen.changes import change_citizen
from idp.citizen.changes import citizen_view
from idp.oidc.clients import Client
from idp.oidc.clients import add_client
from idp.oidc.clients import load_clients
from idp.oidc.keys import ensure_keys
from idp.oidc.keys import rotate_keys
from idp.population_db.cards import birthday_at
from idp.population_db.codes import Sex
from idp.population_db.database import DatabaseURLError
from idp.population_db.database import connect
from idp.population_db.database import drop_schema
from idp.population_db.generator import AS_OF
from idp.population_db.invariants import check_population
from idp.population_db.lookup import find_citizen
from idp.population_db.personas import PERSONAS
from idp.population_db.pin import validate_pin
from idp.population_db.registrations import create_registration_tables
from idp.population_db.rendering import citizen_card
from idp.population_db.rendering import stats_tables
from idp.population_db.revocations import create_card_tables
from idp.population_db.seeding import SeedConflictError
from idp.population_db.seeding import seed_population
from idp.population_db.statistics import population_stats
from idp.settings import IdPSettings
from idp.state.consents import create_consent_table
from idp.state.grant_index import create_grant_index_table
from idp.state.process_claim import DatabaseClaimedError
from idp.state.signal_outbox import create_outbox_table
from idp.state.signal_streams import create_stream_tables
from idp.web.serving import uvicorn_options

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
cards_app = typer.Typer(
    help="The chips of the identity cards (ICAO 9303 files, synthetic).", no_args_is_help=True
)
app.add_typer(cards_app, name="cards")
citizens_app = typer.Typer(
    help="Change citizens as the police and the civil-status procedures do; the relying parties "
    "that share with them hear of it (Shared Signals).",
    no_args_is_help=True,
)
app.add_typer(citizens_app, name="citizens")


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
    except (CliError, DatabaseURLError, SeedConflictError, DatabaseClaimedError) as exc:
        # escaped: the message may quote input such as "[/x]", which Rich would take for markup
        _stderr().print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
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

    from idp.web.app import create_app

    given = {"host": host, "port": port}
    settings = IdPSettings().model_copy(update={k: v for k, v in given.items() if v})
    with _failures():
        app = create_app(settings)
    # What start-up built (modules, schemas, keys, clients) lives as long as the process: keep it out
    # of the cyclic garbage collector's full passes, which otherwise walk it all (~100k objects) again
    # and again under load.
    gc.freeze()
    uvicorn.run(app, **uvicorn_options(settings))


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
        engine = _engine(database)
        try:
            with engine.connect() as connection:
                record = find_citizen(connection, pin)
        finally:
            engine.dispose()  # a PostgreSQL connection is closed, not left to the collector
        if record is None:
            raise CliError(f"no citizen with PIN {pin}")
    _stdout().print(citizen_card(record))


OnOption = Annotated[
    str | None,
    typer.Option(
        "--on",
        metavar="YYYY-MM-DD",
        help=f"The population's today to judge on; default: the reference day {AS_OF}.",
    ),
]
YearsOption = Annotated[
    int | None,
    typer.Option("--years", min=0, help="Judge on the reference day moved on by this many years."),
]


def _population_day(on: str | None, years: int | None) -> tuple[date, str]:
    """The day ``--on`` or ``--years`` names (the reference day without either), and how to say it."""
    if on is not None and years is not None:
        raise CliError("give --on or --years, not both")
    if years is not None:
        unit = "year" if years == 1 else "years"
        return birthday_at(AS_OF, years), f"the reference day {AS_OF} + {years} {unit}"
    if on is None:
        return AS_OF, "the reference day"
    try:
        return date.fromisoformat(on), f"the reference day is {AS_OF}"
    except ValueError:
        raise CliError(f"--on {on!r} is not YYYY-MM-DD") from None


@population_app.command("stats")
def stats(
    database: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    on: OnOption = None,
    years: YearsOption = None,
) -> None:
    """Summarise the population: rows per table, age and sex structure, accounts, names."""
    with _failures():
        day, _ = _population_day(on, years)
        figures = population_stats(_engine(database), today=day)
    if as_json:
        _stdout().print_json(json.dumps(figures.as_json(), ensure_ascii=False))
        return
    for table in stats_tables(figures):
        _stdout().print(table)


@population_app.command("check")
def check(database: DatabaseOption = None, on: OnOption = None, years: YearsOption = None) -> None:
    """Check every invariant over the whole database, as of the population's today (the reference
    day, or the day --on or --years names); exit 1 when any is violated."""
    with _failures():
        day, said = _population_day(on, years)
        violations = 0
        for violation in check_population(_engine(database), today=day):
            violations += 1
            _stdout().print(
                f"{violation.pin}  {violation.rule}: {violation.detail}", highlight=False
            )
    judged = f"judged on {day} ({said})"
    if violations:
        _stderr().print(f"[red]{violations} violation(s)[/red], {judged}", highlight=False)
        raise typer.Exit(1)
    _stdout().print(f"No violation, {judged}.", highlight=False)


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


@cards_app.command("show")
def cards_show(
    pin: str,
    database: DatabaseOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON with every file's bytes in base64.")
    ] = False,
) -> None:
    """Print the chip of the card numbered PIN: its files, MRZ, access key and printed QR string."""
    settings = IdPSettings()
    with _failures():
        reasons = validate_pin(pin)
        if reasons:
            raise CliError(f"{pin!r} is not a valid PIN: {'; '.join(reasons)}")
        with _engine(database).connect() as connection:
            chip = current_chip(
                connection,
                pin,
                settings.subject_secret.get_secret_value(),
                settings.chip_seed.get_secret_value(),
            )
        if chip is None:
            raise CliError(f"no identity card numbered {pin}")
    document = chip_document(chip, settings.chip_seed.get_secret_value())
    if as_json:
        _stdout().print_json(json.dumps(document, ensure_ascii=False))
        return
    _stdout().print(chip_card(document))


ChangesArgument = Annotated[
    str,
    typer.Argument(
        metavar="CHANGES",
        help="A JSON object of the fields to change, as the sandbox's POST /sandbox/citizens/{pin} "
        "takes: account_status, account_level, phone_number, address, deceased_on, card.",
    ),
]


@citizens_app.command("change")
def citizens_change(
    pin: str,
    changes: ChangesArgument,
    database: DatabaseOption = None,
    on: OnOption = None,
    years: YearsOption = None,
) -> None:
    """Change the citizen with this PIN on the population's today (a renewed card is issued that
    day). The events the change owes the relying parties are written with it; a running provider
    delivers them."""
    with _failures():
        values = _json_object(changes)
        day, _ = _population_day(on, years)
        engine = _engine(database)
        try:
            signals = _citizen_signals(engine)
            before = change_citizen(engine, pin, values, today=day, listener=signals)
            after = citizen_view(engine, pin)
        except NoSuchCitizenError:
            raise CliError(f"no citizen with PIN {pin}") from None
        except InvalidChangeError as error:
            raise CliError(str(error)) from None
        finally:
            engine.dispose()
    for field, old in before.items():
        was, now = json.dumps(old, ensure_ascii=False), json.dumps(after[field], ensure_ascii=False)
        _stdout().print(f"{field}: {was} -> {now}", highlight=False, soft_wrap=True)


@citizens_app.command("lock")
def citizens_lock(pin: str, database: DatabaseOption = None) -> None:
    """Lock the citizen's VNeID account, as the police do (the relying parties hear
    account-disabled)."""
    citizens_change(pin, '{"account_status": "locked"}', database)


@citizens_app.command("unlock")
def citizens_unlock(pin: str, database: DatabaseOption = None) -> None:
    """Unlock the citizen's VNeID account (the relying parties hear account-enabled)."""
    citizens_change(pin, '{"account_status": "active"}', database)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise CliError("CHANGES is not JSON") from None
    if not isinstance(value, dict):
        raise CliError("CHANGES must be a JSON object")
    return value


def _citizen_signals(engine: Engine) -> "CitizenSignals":
    """What writes a change's identity events, as the provider would: the provider's clients, keys
    and subject secret; its tables, for a database no provider has started on yet."""
    for create_table in (
        create_consent_table,
        create_grant_index_table,
        create_stream_tables,
        create_outbox_table,
        create_card_tables,
        create_registration_tables,
    ):
        create_table(engine)
    # Imported here: the protocol core costs every other command a third of a second at start.
    from idp.oidc.keys import KeyRing
    from idp.oidc.server import AuthorizationServer
    from idp.state.clock import Clock
    from idp.state.opening import open_state_store

    settings, clock = IdPSettings(), Clock()
    # The provider's own state store (SQL or Redis), so that what a change revokes (a deceased
    # citizen's grants) is revoked for the running provider too; "memory" is the provider's process's.
    store = open_state_store(settings.state_store_url, settings.state_store_prefix, engine, clock)
    server = AuthorizationServer(settings, engine, store, KeyRing.load(settings.keys_dir), clock)
    return server.signals


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
    with _failures():
        clients = _load_clients_file()
    for client in clients.values():
        uris = " ".join(client.metadata.get("redirect_uris", []))
        _stdout().print(
            f"{client.client_id}  {client.auth_method}  {uris}", markup=False, highlight=False
        )


@clients_app.command("add")
def clients_add(
    ctx: typer.Context,
    client_id: Annotated[
        str | None,
        typer.Argument(
            metavar="CLIENT_ID",
            show_default=False,
            help="The new client's client_id (not with --from-json).",
        ),
    ] = None,
    from_json: Annotated[
        str | None,
        typer.Option(
            metavar="FILE|-",
            show_default=False,
            help="The whole client as one JSON object (- reads standard input): client_id, an "
            "optional client_secret, and metadata named as in the clients file. No other "
            "argument or option with it.",
        ),
    ] = None,
    redirect_uri: Annotated[
        list[str] | None,
        typer.Option(
            metavar="URI",
            show_default=False,
            help="redirect_uris (repeat): https, or http on a loopback host; for a native client, "
            "https, a private-use scheme (vn.bank.demo:/cb) or http on 127.0.0.1 or [::1] (any "
            "port at login); needed unless the grant types leave out authorization_code.",
        ),
    ] = None,
    application_type: Annotated[
        str | None,
        typer.Option(
            metavar="TYPE",
            show_default=False,
            help="application_type: web (unset) or native, an app on a device (RFC 8252).",
        ),
    ] = None,
    auth_method: Annotated[
        str,
        typer.Option(
            metavar="METHOD",
            help="token_endpoint_auth_method: client_secret_basic, client_secret_post, "
            "private_key_jwt or none.",
        ),
    ] = "client_secret_basic",
    secret: Annotated[
        str | None,
        typer.Option(
            metavar="SECRET",
            show_default=False,
            help="client_secret to set instead of a generated one (client_secret_basic or "
            "client_secret_post; stored as its hash).",
        ),
    ] = None,
    scope: Annotated[
        str,
        typer.Option(
            metavar="SCOPES",
            help="scope: the scopes the client may ask for (card_verification: the card "
            "verification service, with --grant-type client_credentials).",
        ),
    ] = ("openid profile"),
    grant_type: Annotated[
        list[str] | None,
        typer.Option(
            metavar="GRANT",
            show_default=False,
            help="grant_types (repeat): authorization_code, refresh_token, client_credentials, "
            "urn:ietf:params:oauth:grant-type:device_code (unset: authorization_code and "
            "refresh_token).",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            metavar="NAME", show_default=False, help="client_name (unset: the client_id)."
        ),
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT", show_default=False, help="purpose: the text shown at consent."
        ),
    ] = None,
    claims_profile: Annotated[
        str | None,
        typer.Option(
            metavar="PROFILE",
            show_default=False,
            help="claims_profile: dvcqg adds the portal's names.",
        ),
    ] = None,
    subject_type: Annotated[
        str | None,
        typer.Option(metavar="TYPE", show_default=False, help="subject_type: public or pairwise."),
    ] = None,
    sector_identifier_uri: Annotated[
        str | None,
        typer.Option(
            metavar="URI",
            show_default=False,
            help="sector_identifier_uri: its host is the pairwise sector.",
        ),
    ] = None,
    jwks: Annotated[
        str | None,
        typer.Option(
            metavar="FILE|-",
            show_default=False,
            help="jwks: a JSON file of the client's public JWK Set (- reads standard input).",
        ),
    ] = None,
    jwks_uri: Annotated[
        str | None,
        typer.Option(metavar="URI", show_default=False, help="jwks_uri: where its JWK Set is."),
    ] = None,
    auth_signing_alg: Annotated[
        str | None,
        typer.Option(
            metavar="ALG",
            show_default=False,
            help="token_endpoint_auth_signing_alg (private_key_jwt).",
        ),
    ] = None,
    id_token_alg: Annotated[
        str | None,
        typer.Option(
            metavar="ALG", show_default=False, help="id_token_signed_response_alg (unset: RS256)."
        ),
    ] = None,
    id_token_enc_alg: Annotated[
        str | None,
        typer.Option(
            metavar="ALG",
            show_default=False,
            help="id_token_encrypted_response_alg: RSA-OAEP-256 or ECDH-ES+A256KW.",
        ),
    ] = None,
    id_token_enc: Annotated[
        str | None,
        typer.Option(
            metavar="ENC",
            show_default=False,
            help="id_token_encrypted_response_enc (unset: A256GCM).",
        ),
    ] = None,
    userinfo_alg: Annotated[
        str | None,
        typer.Option(
            metavar="ALG",
            show_default=False,
            help="userinfo_signed_response_alg: userinfo as a JWT.",
        ),
    ] = None,
    userinfo_enc_alg: Annotated[
        str | None,
        typer.Option(metavar="ALG", show_default=False, help="userinfo_encrypted_response_alg."),
    ] = None,
    userinfo_enc: Annotated[
        str | None,
        typer.Option(
            metavar="ENC",
            show_default=False,
            help="userinfo_encrypted_response_enc (unset: A256GCM).",
        ),
    ] = None,
    access_token_alg: Annotated[
        str | None,
        typer.Option(
            metavar="ALG",
            show_default=False,
            help="access_token_signed_response_alg: RS256 or ES256 (unset: VNEID_ACCESS_TOKEN_ALG).",
        ),
    ] = None,
    default_acr: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ACR", show_default=False, help="default_acr_values (repeat): LoA1, LoA2, LoA3."
        ),
    ] = None,
    post_logout_redirect_uri: Annotated[
        list[str] | None,
        typer.Option(metavar="URI", show_default=False, help="post_logout_redirect_uris (repeat)."),
    ] = None,
    backchannel_logout_uri: Annotated[
        str | None, typer.Option(metavar="URI", show_default=False, help="backchannel_logout_uri.")
    ] = None,
    backchannel_logout_session_required: Annotated[
        bool,
        typer.Option(
            "--backchannel-logout-session-required",
            help="backchannel_logout_session_required: true.",
        ),
    ] = False,
    ciba_mode: Annotated[
        str | None,
        typer.Option(
            metavar="MODE",
            show_default=False,
            help="backchannel_token_delivery_mode (CIBA): poll or ping.",
        ),
    ] = None,
    ciba_notification_endpoint: Annotated[
        str | None,
        typer.Option(
            metavar="URI",
            show_default=False,
            help="backchannel_client_notification_endpoint (CIBA ping mode).",
        ),
    ] = None,
) -> None:
    """Register a client in the clients file, checked as Dynamic Client Registration checks it;
    prints its secret once (only its hash is stored)."""
    with _failures():
        if from_json is not None:
            _refuse_beside_from_json(ctx)
            client_id, secret, metadata = _client_of_document(
                _json_document(from_json, "--from-json")
            )
        elif client_id is None:
            raise typer.BadParameter(
                "needed unless --from-json is given.", ctx, param_hint="CLIENT_ID"
            )
        else:
            fields = {
                "redirect_uris": redirect_uri,
                "application_type": application_type,
                "post_logout_redirect_uris": post_logout_redirect_uri,
                "token_endpoint_auth_method": auth_method,
                "token_endpoint_auth_signing_alg": auth_signing_alg,
                "grant_types": grant_type,
                "scope": scope,
                "client_name": name or client_id,
                "purpose": purpose,
                "claims_profile": claims_profile,
                "subject_type": subject_type,
                "sector_identifier_uri": sector_identifier_uri,
                "jwks": None if jwks is None else _json_document(jwks, "--jwks"),
                "jwks_uri": jwks_uri,
                "id_token_signed_response_alg": id_token_alg,
                "id_token_encrypted_response_alg": id_token_enc_alg,
                "id_token_encrypted_response_enc": id_token_enc,
                "userinfo_signed_response_alg": userinfo_alg,
                "userinfo_encrypted_response_alg": userinfo_enc_alg,
                "userinfo_encrypted_response_enc": userinfo_enc,
                "access_token_signed_response_alg": access_token_alg,
                "default_acr_values": default_acr,
                "backchannel_logout_uri": backchannel_logout_uri,
                "backchannel_logout_session_required": backchannel_logout_session_required,
                "backchannel_token_delivery_mode": ciba_mode,
                "backchannel_client_notification_endpoint": ciba_notification_endpoint,
            }
            metadata = {k: v for k, v in fields.items() if v is not None and v not in ([], False)}
        path = IdPSettings().clients_file
        try:
            issued = add_client(path, client_id, metadata, secret)
        except (ValueError, OSError) as exc:
            raise CliError(str(exc)) from None
    out = _stdout()
    out.print(f"Added client {client_id} to {path}.", markup=False, highlight=False, soft_wrap=True)
    if issued:
        # One line whatever its length, so that it can be copied whole.
        out.print(f"client_secret: {issued}", markup=False, highlight=False, soft_wrap=True)
    elif metadata.get("token_endpoint_auth_method") == "private_key_jwt":
        out.print("No secret: the client signs its assertions with its keys (private_key_jwt).")
    else:
        out.print("public client (no secret)")


def _load_clients_file() -> dict[str, Client]:
    try:
        return load_clients(IdPSettings().clients_file)
    except (ValueError, OSError) as exc:
        raise CliError(str(exc)) from None


def _refuse_beside_from_json(ctx: typer.Context) -> None:
    """``--from-json`` is the whole client: a value given beside it would say it twice."""
    for param in ctx.command.params:
        if param.name in (None, "from_json"):
            continue
        source = ctx.get_parameter_source(param.name)
        if source is not None and source.name != "DEFAULT":
            option = param.param_type_name == "option"
            given = param.opts[0] if option else param.name.upper()
            raise typer.BadParameter(
                f"it takes the whole client; leave out {given}.", ctx, param_hint="--from-json"
            )


def _client_of_document(document: Any) -> tuple[str, str | None, dict[str, Any]]:
    """The client_id, the plain client_secret (or None) and the metadata of a --from-json document."""
    if not isinstance(document, dict):
        raise CliError("--from-json: the document must be a JSON object")
    metadata = dict(document)
    client_id, secret = metadata.pop("client_id", None), metadata.pop("client_secret", None)
    if not isinstance(client_id, str):
        raise CliError("--from-json: client_id (a string) is required")
    if secret is not None and not isinstance(secret, str):
        raise CliError("--from-json: client_secret must be a string")
    if "client_secret_hash" in metadata:
        raise CliError("--from-json: give client_secret in plain, not client_secret_hash")
    return client_id, secret, metadata


def _json_document(source: str, option: str) -> Any:
    """The JSON document in the file ``source`` (``-``: standard input), given to ``option``."""
    try:
        if source == "-":
            raw = typer.get_binary_stream("stdin").read()
        else:
            raw = Path(source).read_bytes()
        return json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise CliError(f"{option}: cannot read {source}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested beyond reason
        raise CliError(f"{option}: {source} is not a JSON document: {exc}") from None


if __name__ == "__main__":
    main()
