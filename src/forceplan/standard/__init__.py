"""The Open Police Resourcing Standard: typed, validated records for demand, people, rosters
and absences. Pure data: no I/O beyond writing schemas, and it imports nothing else of ours
except the errors module.
"""

from forceplan.standard.base import Record
from forceplan.standard.demand import (
    DEFAULT_ATTENDANCE_TARGET_MINUTES,
    Case,
    Deployment,
    Incident,
    default_attendance_target_minutes,
)
from forceplan.standard.duty import Absence, RosterAssignment, ShiftDefinition
from forceplan.standard.enums import (
    AbsenceKind,
    AbsenceStatus,
    AssignmentStatus,
    Channel,
    Grade,
    IncidentCategory,
    PartnerAgency,
    PersonKind,
    Rank,
    RestrictionKind,
    Role,
    UnitKind,
)
from forceplan.standard.organisation import (
    FULL_TIME_HOURS_PER_WEEK,
    Force,
    Person,
    Restriction,
    Skill,
    Unit,
)
from forceplan.standard.schema import STANDARD_VERSION, json_schema, write_json_schemas
from forceplan.standard.validation import RECORD_TYPES, parse_record, parse_records, record_type

__all__ = [
    "DEFAULT_ATTENDANCE_TARGET_MINUTES",
    "FULL_TIME_HOURS_PER_WEEK",
    "RECORD_TYPES",
    "STANDARD_VERSION",
    "Absence",
    "AbsenceKind",
    "AbsenceStatus",
    "AssignmentStatus",
    "Case",
    "Channel",
    "Deployment",
    "Force",
    "Grade",
    "Incident",
    "IncidentCategory",
    "PartnerAgency",
    "Person",
    "PersonKind",
    "Rank",
    "Record",
    "Restriction",
    "RestrictionKind",
    "Role",
    "RosterAssignment",
    "ShiftDefinition",
    "Skill",
    "Unit",
    "UnitKind",
    "default_attendance_target_minutes",
    "json_schema",
    "parse_record",
    "parse_records",
    "record_type",
    "write_json_schemas",
]
