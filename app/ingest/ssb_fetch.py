"""Straight from SSB: ask Statistics Norway's PxWebApi v2 for what a table the dashboard reads needs, then
check and import the answers as ``fjernarbeid import ssb`` does (``ssb_import.import_ssb``).

``fjernarbeid fetch ssb TABLE [--from YEAR] [--municipalities all|region SLUG] [--dry-run]`` and the
admin page's «Oppdater fra SSB» both call ``fetch_ssb``. What is asked, per table (``QUERIES``):

* the variables and value codes the importer needs (07459: both sexes, every single year of age, the
  persons; the others: every statistics variable, ``*``, of which the importer keeps the ones it knows);
* the periods: the newest (``top(1)``) without ``--from``, else ``from(YEAR)``;
* the municipalities: all (``*``; for 07459 SSB's grouping ``agg_KommSummer``, today's municipalities
  with the figures of those merged into them summed) or a region's members (for the other tables with
  the numbers those municipalities had in the years asked, which the importer translates and sums).

Requests are GET ``{base}/tables/{id}/data?lang=no&outputFormat=json-stat2&valueCodes[VAR]=…`` (SSB's
PxWebApi v2 documentation; ``FJERNARBEID_SSB_API`` is the base). SSB answers at most 800 000 cells per
request (``CELL_LIMIT``), 30 requests a minute (a longer plan pauses between them) and a URL of about
2 000 characters: a request that could be larger is split by years (``[range(a,b)]`` pages and a last
``from(c)``), never by municipality, so a merger's parts are always in the same answer. Where a value list is ``*`` its length is not known before asking; ``QUERIES`` says
the upper estimate used for the split.

Every answer is downloaded before anything is written, so a lost connection changes nothing
(``SsbUnreachable``, exit code 3); then all answers are imported in the caller's one transaction: all or
nothing. Progress: ``report("download", k, n)`` per request, then the importer's own steps.

Not exercised live: the machine this was written on had no internet. The request shape follows SSB's
PxWebApi v2 documentation; the variable codes other than 07459's (``Bokommuen``, ``ArbstedKomm``,
``Nivaa``) are those of SSB's downloads, and the tests replay answers SSB gave to other clients.
"""

from __future__ import annotations

import datetime
import http.client
import re
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import SETTINGS
from app.db.models import Municipality, Region, RegionMember
from app.errors import N_, FjernarbeidError, ImportValidationError
from app.ingest.municipal_changes import Divisions
from app.ingest.progress import Progress, no_progress
from app.ingest.ssb_files import read_ssb_file
from app.ingest.ssb_import import TABLES, SsbImportResult, import_ssb, not_read

DEFAULT_API = next(s.default for s in SETTINGS if s.name == "FJERNARBEID_SSB_API") or ""
CELL_LIMIT = 800_000  # SSB's PxWebApi v2: maxDataCells of its /config answer
URL_LIMIT = 2_000  # SSB: "about 2 100 characters"; a longer GET is answered 404
TIMEOUT = 60  # seconds to wait for SSB's answer to one request
CALLS_PER_MINUTE = 30  # SSB's limit: more are answered 429
PAUSE = 2.1  # seconds between two requests of a plan longer than SSB's limit allows in one minute
MAX_ANSWER_BYTES = 200 * 1024 * 1024  # one answer of 800 000 cells as json-stat2 is far below this
ALL = "*"


class SsbUnreachable(FjernarbeidError):
    """SSB's API did not answer: no network, a name that does not resolve, a refused connection, a timeout."""

    exit_code = 3


class SsbRefused(FjernarbeidError):
    """SSB answered with an error status (a query it does not accept, too many cells or requests)."""


@dataclass(frozen=True)
class Variable:
    """One variable of a table's query: SSB's code and the value codes asked (``*``: all, of which there
    are at most ``estimate``, the number used to split a request)."""

    code: str
    values: tuple[str, ...] = (ALL,)
    estimate: int = 1

    @property
    def count(self) -> int:
        return self.estimate if self.values == (ALL,) else len(self.values)


@dataclass(frozen=True)
class TableQuery:
    """What the dashboard asks SSB for one table."""

    table: str
    areas: tuple[str, ...]  # the variables holding municipalities
    others: tuple[Variable, ...]  # every other variable but the time
    area_estimate: int  # the municipalities (and the country, counties …) of ``*``
    codelist: str | None = None  # the grouping of the area variables, as SSB names it
    area_prefix: str = ""  # how the grouping writes a municipality number ("K-4622")


AGES = 106  # 0–104 and "105+"
QUERIES = {
    q.table: q
    for q in (
        TableQuery(
            "07459",
            ("Region",),
            (Variable("Kjonn", ("1", "2")), Variable("Alder", estimate=AGES), Variable("ContentsCode", ("Personer1",))),
            area_estimate=400,
            codelist="agg_KommSummer",
            area_prefix="K-",
        ),
        TableQuery("03321", ("Bokommuen", "ArbstedKomm"), (Variable("ContentsCode", estimate=2),), area_estimate=450),
        TableQuery("11616", ("Region",), (Variable("ContentsCode", estimate=8),), area_estimate=1000),
        TableQuery("11618", ("Region",), (Variable("ContentsCode", estimate=8),), area_estimate=1000),
        TableQuery("06913", ("Region",), (Variable("ContentsCode", estimate=16),), area_estimate=1000),
        TableQuery(
            "09429",
            ("Region",),
            (Variable("Nivaa", estimate=10), Variable("ContentsCode", estimate=2)),
            area_estimate=1000,
        ),
    )
}
assert set(QUERIES) == set(TABLES), "every table the importer reads can be fetched"


@dataclass(frozen=True)
class Request:
    """One GET of the plan: its address and the most cells its answer can have."""

    url: str
    cells: int
    years: str  # the time selection, for the summary


@dataclass
class FetchResult:
    table: str
    requests: list[Request]
    imports: list[SsbImportResult] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(sum(result.written.values()) for result in self.imports)

    @property
    def changed(self) -> int:
        return sum(result.changed for result in self.imports)

    def summary(self) -> str:
        parts = [f"SSB {self.table}: {len(self.requests)} answer(s) from SSB's API imported."]
        parts += [result.summary() for result in self.imports]
        return "\n".join(parts)


# --- the plan -------------------------------------------------------------------------------------------


def check_table(table: str) -> str:
    """A table number as SSB writes it (five digits).

    Raises:
        FjernarbeidError: not five digits.
    """
    table = table.strip()
    if not re.fullmatch(r"\d{5}", table):
        raise FjernarbeidError(
            message_id=N_("{table} is not an SSB table number (five digits, e.g. 07459)."), table=table
        )
    return table


def plan(
    table: str,
    base: str = DEFAULT_API,
    first_year: int | None = None,
    members: Iterable[str] | None = None,
    divisions: Divisions | None = None,
    this_year: int | None = None,
) -> list[Request]:
    """The requests that together ask SSB for ``table``: periods from ``first_year`` (None: the newest), the
    municipalities ``members`` (today's numbers; None: all). ``divisions`` adds the numbers the members had
    in the years asked (tables without a grouping that sums them).

    Raises:
        FjernarbeidError: a region too large for one request's address.
    """
    query = QUERIES[table]
    this_year = this_year or datetime.date.today().year
    areas = _area_selection(query, members, divisions, first_year, this_year)
    variants = _area_variants(query, areas)
    requests: list[Request] = []
    for selection in variants:
        per_year = _cells(query, selection)
        for years in _time_pages(first_year, this_year, per_year):
            url = _url(base, query, selection, years)
            if len(url) > URL_LIMIT:
                raise FjernarbeidError(
                    message_id=N_(
                        "The region has too many municipalities for one request to SSB ({length} characters, at "
                        "most {limit}); fetch all municipalities instead (--municipalities all)."
                    ),
                    length=len(url),
                    limit=URL_LIMIT,
                )
            count = 1 if years == "top(1)" else _years_in(years, this_year)
            requests.append(Request(url, per_year * count, years))
    return requests


def _area_selection(
    query: TableQuery,
    members: Iterable[str] | None,
    divisions: Divisions | None,
    first_year: int | None,
    this_year: int,
) -> tuple[str, ...]:
    if members is None:
        return (ALL,)
    today = sorted(set(members))
    if query.codelist:  # SSB's grouping sums the former municipalities into today's
        return tuple(f"{query.area_prefix}{code}" for code in today)
    codes = set(today)
    if divisions is not None and first_year is not None:
        wanted = set(today)
        for year in range(max(first_year, min(divisions.years)), this_year + 1):
            for code in divisions.division(year):
                if wanted & set(divisions.translate(code, year).codes):
                    codes.add(code)
    return tuple(sorted(codes))


def _area_variants(query: TableQuery, areas: tuple[str, ...]) -> list[dict[str, tuple[str, ...]]]:
    """One selection of the area variables, or (a flow table for a region) one per variable: the region's
    municipalities on that side, all on the other (flows out of and into the region)."""
    if areas == (ALL,) or len(query.areas) == 1:
        return [{variable: areas for variable in query.areas}]
    return [{other: (areas if other == variable else (ALL,)) for other in query.areas} for variable in query.areas]


def _cells(query: TableQuery, areas: dict[str, tuple[str, ...]]) -> int:
    """The most cells one year of the selection can have."""
    cells = 1
    for values in areas.values():
        cells *= query.area_estimate if values == (ALL,) else len(values)
    for variable in query.others:
        cells *= variable.count
    return cells


def _time_pages(first_year: int | None, this_year: int, per_year: int) -> list[str]:
    """The time selections: the newest period, or every year from ``first_year`` in as few requests as the
    cell limit allows (``[range(a,b)]`` pages and a last ``from(c)`` that takes whatever SSB has since)."""
    if first_year is None:
        return ["top(1)"]
    years = list(range(first_year, this_year + 1)) or [first_year]
    size = max(1, CELL_LIMIT // max(per_year, 1))
    chunks = [years[k : k + size] for k in range(0, len(years), size)]
    pages = [str(chunk[0]) if len(chunk) == 1 else f"[range({chunk[0]},{chunk[-1]})]" for chunk in chunks[:-1]]
    return [*pages, f"from({chunks[-1][0]})"]


def _years_in(selection: str, this_year: int) -> int:
    numbers = [int(n) for n in re.findall(r"\d{4}", selection)]
    if selection.startswith("from("):
        return max(1, this_year - numbers[0] + 1)
    return numbers[-1] - numbers[0] + 1


def _url(base: str, query: TableQuery, areas: dict[str, tuple[str, ...]], years: str) -> str:
    params: list[tuple[str, str]] = [("lang", "no"), ("outputFormat", "json-stat2")]
    for variable in query.areas:
        params.append((f"valueCodes[{variable}]", ",".join(areas[variable])))
    for other in query.others:
        params.append((f"valueCodes[{other.code}]", ",".join(other.values)))
    params.append(("valueCodes[Tid]", years))
    if query.codelist:
        for variable in query.areas:
            params.append((f"codelist[{variable}]", query.codelist))
            params.append((f"outputValues[{variable}]", "aggregated"))
    encoded = "&".join(f"{key}={urllib.parse.quote(value, safe='*,()[]?-+')}" for key, value in params)
    return f"{base.rstrip('/')}/tables/{query.table}/data?{encoded}"


def title_request(base: str, table: str) -> str:
    """SSB's default selection of ``table`` (a few cells): asked only to name a table the dashboard does not
    read."""
    return f"{base.rstrip('/')}/tables/{table}/data?lang=no&outputFormat=json-stat2"


# --- the municipalities -----------------------------------------------------------------------------------


def region_members(session: Session, slug: str) -> list[str]:
    """Today's numbers of the region's municipalities.

    Raises:
        FjernarbeidError: no region has this slug (the message lists those there are).
    """
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        known = ", ".join(session.scalars(select(Region.slug).order_by(Region.slug))) or "none"
        raise FjernarbeidError(
            message_id=N_("No region is called {slug}; the regions are: {known}."), slug=slug, known=known
        )
    return list(
        session.scalars(
            select(RegionMember.kommunenummer)
            .where(RegionMember.region_id == region.id)
            .order_by(RegionMember.kommunenummer)
        )
    )


def divisions_of(session: Session) -> Divisions:
    return Divisions(dict(session.execute(select(Municipality.kommunenummer, Municipality.name)).all()))


# --- the download -----------------------------------------------------------------------------------------


def download(url: str, timeout: float = TIMEOUT) -> bytes:
    """SSB's answer to one GET (the standard library's urllib).

    Raises:
        SsbUnreachable: no answer at all (no network, the name does not resolve, refused, timed out).
        SsbRefused: an answer with an error status.
    """
    host = urllib.parse.urlsplit(url).netloc or url
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "fjernarbeid"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the configured API
            body = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise _refused(error.code, host) from None
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts and resets are OSErrors
        raise SsbUnreachable(
            message_id=N_(
                "SSB cannot be reached at {host} ({reason}); nothing was changed. Check the internet connection "
                "(or FJERNARBEID_SSB_API) and try again."
            ),
            host=host,
            reason=_reason(error),
        ) from None
    if len(body) > MAX_ANSWER_BYTES:
        raise SsbRefused(
            message_id=N_("SSB's answer from {host} is larger than {mb} MB; nothing was changed."),
            host=host,
            mb=MAX_ANSWER_BYTES // 2**20,
        )
    return body


def _reason(error: BaseException) -> str:
    """Why no answer came, in a few words (one line; the usual causes are message ids, translated where the
    message is shown)."""
    cause = getattr(error, "reason", error)
    if isinstance(cause, socket.gaierror):
        return N_("the name does not resolve")
    if isinstance(cause, ConnectionRefusedError):
        return N_("connection refused")
    if isinstance(cause, TimeoutError) or "timed out" in str(cause):
        return N_("no answer in time")
    text = " ".join(str(cause).split())
    return text[:120] or type(cause).__name__


def _refused(status: int, host: str) -> SsbRefused:
    if status == 403:
        message = N_(
            "SSB at {host} refused the request as too large (HTTP {status}, more than 800 000 cells); nothing was "
            "changed. Fetch fewer years (a later --from) or one region."
        )
    elif status == 429:
        message = N_(
            "SSB at {host} has had too many requests from here (HTTP {status}, at most 30 a minute); nothing was "
            "changed. Try again in a minute."
        )
    elif status >= 500:
        message = N_("SSB at {host} has a fault (HTTP {status}); nothing was changed. Try again later.")
    else:
        message = N_(
            "SSB at {host} did not accept the request (HTTP {status}); nothing was changed. The table may have "
            "changed at SSB: see --dry-run for the request and SSB's metadata for the table."
        )
    return SsbRefused(message_id=message, host=host, status=status)


# --- fetch and import -------------------------------------------------------------------------------------


def fetch_ssb(
    session: Session,
    table: str,
    base: str = DEFAULT_API,
    first_year: int | None = None,
    region: str | None = None,
    created_by: str | None = None,
    report: Progress = no_progress,
    timeout: float = TIMEOUT,
    this_year: int | None = None,
) -> FetchResult:
    """Download ``table`` from SSB (``plan``) and import every answer in ``session`` (the caller commits).

    Raises:
        SsbUnreachable: SSB could not be reached; nothing was written.
        SsbRefused: SSB answered with an error; nothing was written.
        ImportValidationError: a table the dashboard does not read (named, with its title from SSB when SSB
            answers), or an answer the importer refuses; nothing was written.
        FjernarbeidError: no such region.
    """
    table = check_table(table)
    if table not in QUERIES:
        raise ImportValidationError(_not_read_title(table, base, timeout))
    members = region_members(session, region) if region else None
    requests = plan(table, base, first_year, members, divisions_of(session) if members else None, this_year)
    result = FetchResult(table, requests)
    with tempfile.TemporaryDirectory(prefix="fjernarbeid-ssb-") as folder:
        paths = []
        for k, request in enumerate(requests, start=1):
            report("download", k, len(requests))
            if k > 1 and len(requests) > CALLS_PER_MINUTE - 5:
                time.sleep(PAUSE)
            path = Path(folder) / f"ssb-api_{table}_{k}-of-{len(requests)}.json"
            path.write_bytes(download(request.url, timeout))
            paths.append(path)
        for path in paths:  # everything is here: now check and write, all in the caller's transaction
            result.imports.append(
                import_ssb(session, path, table, created_by=created_by, progress=report, leave_out_split=True)
            )
    return result


def _not_read_title(table: str, base: str, timeout: float) -> str:
    """The refusal of a table the dashboard does not read, with its title when SSB gives it."""
    try:
        body = download(title_request(base, table), timeout)
    except FjernarbeidError:
        return not_read(table, None)
    with tempfile.TemporaryDirectory(prefix="fjernarbeid-ssb-") as folder:
        path = Path(folder) / f"{table}.json"
        path.write_bytes(body)
        try:
            title = read_ssb_file(path).title
        except ImportValidationError:
            title = None
    return not_read(table, title)
