"""Use case: an account looks at welfare data. The welfare access rules decide what it sees
(``welfare/access.py``), and every view (and every refused attempt) is written to the
audit log with the officers whose data was shown."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from forceplan.errors import AccessDeniedError, NotFoundError
from forceplan.services.access import require, welfare_viewer
from forceplan.services.accounts import Account
from forceplan.services.audit import record_event
from forceplan.services.welfare_summary import WelfareReport, welfare_summary
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.welfare.access import PERSONAL_ROLES


def _refuse(
    database: Database, account: Account, object_type: str, object_id: str | None, message: str
) -> AccessDeniedError:
    record_event(
        database,
        account.actor,
        "welfare.denied",
        object_type,
        object_id,
        {"role": account.role, "reason": message},
    )
    return AccessDeniedError(
        message, hint="welfare data is shown only as the access rules allow (docs/welfare.md)"
    )


def view_welfare(
    database: Database,
    account: Account,
    unit: str | None = None,
    as_of: dt.date | None = None,
    months: int = 12,
) -> WelfareReport:
    """The welfare summary this account may see (officers and/or team totals); audited."""
    require(account, "welfare")
    viewer = welfare_viewer(database, account)
    if unit and account.role == "supervisor" and unit not in viewer.unit_ids:
        raise _refuse(database, account, "unit", unit, f"unit {unit!r} is not one you supervise")
    report = welfare_summary(database, viewer, account.force_id, unit, as_of, months)
    record_event(
        database,
        account.actor,
        "welfare.view",
        "welfare_summary",
        unit or account.force_id,
        {
            "role": account.role,
            "unit": unit,
            "as_of": report.as_of.isoformat(),
            "officers_shown": report.officers["person_id"].to_list(),
            "teams_shown": report.teams.height,
        },
    )
    return report


def _person_unit(database: Database, force_id: str, person_id: str) -> tuple[bool, str | None]:
    p = t.people
    with database.read() as c:
        row = c.execute(
            select(p.c.unit_id).where(p.c.force_id == force_id, p.c.id == person_id)
        ).first()
    return (row is not None, row.unit_id if row else None)


def view_officer_welfare(
    database: Database,
    account: Account,
    person_id: str,
    as_of: dt.date | None = None,
    months: int = 12,
) -> WelfareReport:
    """One officer's welfare summary: their own (officer), their unit's (supervisor) or
    anyone's in the force (occupational health); refused otherwise. Audited either way."""
    require(account, "welfare")
    if account.role not in PERSONAL_ROLES:
        raise _refuse(
            database,
            account,
            "officer",
            person_id,
            f"the {account.role} role sees team totals, not individual officers",
        )
    if account.role == "officer" and person_id != account.person_id:
        raise _refuse(
            database, account, "officer", person_id, "officers see only their own welfare data"
        )
    viewer = welfare_viewer(database, account)
    exists, unit = _person_unit(database, account.force_id, person_id)
    if account.role == "supervisor" and (not exists or unit not in viewer.unit_ids):
        raise _refuse(
            database, account, "officer", person_id, "this officer is not in a unit you supervise"
        )
    if not exists:
        raise NotFoundError(
            f"no officer {person_id!r} in {account.force_id}", hint="check the person id"
        )
    report = welfare_summary(database, viewer, account.force_id, unit, as_of, months)
    report.officers = report.officers.filter(report.officers["person_id"] == person_id)
    report.teams = report.teams.clear()
    record_event(
        database,
        account.actor,
        "welfare.view",
        "officer",
        person_id,
        {
            "role": account.role,
            "as_of": report.as_of.isoformat(),
            "officers_shown": report.officers["person_id"].to_list(),
        },
    )
    return report
