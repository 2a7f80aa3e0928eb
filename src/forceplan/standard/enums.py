"""Controlled vocabularies of the Open Police Resourcing Standard.

Values are lower-case snake_case strings so that files stay readable and stable across versions.
Adding a value is a minor version change; removing or renaming one is a major change.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class PersonKind(StrEnum):
    """Which part of the workforce a person belongs to (Home Office workforce categories)."""

    OFFICER = "officer"
    STAFF = "staff"
    PCSO = "pcso"
    SPECIAL = "special"


class Rank(StrEnum):
    """Police ranks of England and Wales, lowest first."""

    CONSTABLE = "constable"
    SERGEANT = "sergeant"
    INSPECTOR = "inspector"
    CHIEF_INSPECTOR = "chief_inspector"
    SUPERINTENDENT = "superintendent"
    CHIEF_SUPERINTENDENT = "chief_superintendent"
    ASSISTANT_CHIEF_CONSTABLE = "assistant_chief_constable"
    DEPUTY_CHIEF_CONSTABLE = "deputy_chief_constable"
    CHIEF_CONSTABLE = "chief_constable"


class Role(StrEnum):
    """The function a person performs (what they are deployed to do)."""

    RESPONSE = "response"
    NEIGHBOURHOOD = "neighbourhood"
    INVESTIGATION = "investigation"
    PUBLIC_PROTECTION = "public_protection"
    FIREARMS = "firearms"
    ROADS_POLICING = "roads_policing"
    PUBLIC_ORDER = "public_order"
    CONTROL_ROOM = "control_room"
    CUSTODY = "custody"
    INTELLIGENCE = "intelligence"
    TRAINING = "training"
    MANAGEMENT = "management"
    SUPPORT = "support"


class UnitKind(StrEnum):
    """Levels of a force's organisation."""

    BCU = "bcu"
    STATION = "station"
    TEAM = "team"
    DEPARTMENT = "department"


class RestrictionKind(StrEnum):
    """Duties limited on medical or welfare grounds."""

    RESTRICTED = "restricted"
    RECUPERATIVE = "recuperative"
    ADJUSTED = "adjusted"


class AssignmentStatus(StrEnum):
    """Where a roster line is in its life.

    planned: drafted, not yet shown to the officer; published: on the published duty roster;
    worked: the tour took place; cancelled: the tour did not take place (absence or change).
    """

    PLANNED = "planned"
    PUBLISHED = "published"
    WORKED = "worked"
    CANCELLED = "cancelled"


class AbsenceKind(StrEnum):
    """Abstractions: reasons an officer is not available for their rostered duty."""

    ANNUAL_LEAVE = "annual_leave"
    SICKNESS = "sickness"
    TRAINING = "training"
    RESTRICTED_DUTY = "restricted_duty"
    COURT = "court"
    OTHER = "other"


class AbsenceStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class Grade(IntEnum):
    """THRIVE-based response grade, decided from the information received (not the type).

    1 emergency (attend within 15 min urban / 20 rural); 2 priority (within 1 hour);
    3 scheduled (appointment or within 48 h); 4 resolved without deployment.
    """

    EMERGENCY = 1
    PRIORITY = 2
    SCHEDULED = 3
    NO_DEPLOYMENT = 4


class Channel(StrEnum):
    """How demand reached the police."""

    EMERGENCY_999 = "emergency_999"
    NON_EMERGENCY_101 = "non_emergency_101"
    ONLINE = "online"
    OFFICER_GENERATED = "officer_generated"
    PARTNER_AGENCY = "partner_agency"
    OTHER = "other"


class PartnerAgency(StrEnum):
    """Other public services whose demand reaches the police, or to which it is signposted."""

    MENTAL_HEALTH = "mental_health"
    AMBULANCE = "ambulance"
    HOSPITAL = "hospital"
    SOCIAL_CARE = "social_care"
    FIRE = "fire"
    EDUCATION = "education"
    HOUSING = "housing"
    LOCAL_AUTHORITY = "local_authority"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class IncidentCategory(StrEnum):
    """A comparable category of demand. Import profiles map each source's types onto these."""

    VIOLENCE = "violence"
    DOMESTIC_ABUSE = "domestic_abuse"
    SEXUAL_OFFENCE = "sexual_offence"
    ROBBERY = "robbery"
    BURGLARY = "burglary"
    THEFT = "theft"
    VEHICLE_CRIME = "vehicle_crime"
    CRIMINAL_DAMAGE = "criminal_damage"
    DRUGS = "drugs"
    WEAPONS = "weapons"
    FRAUD = "fraud"
    PUBLIC_ORDER = "public_order"
    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
    ROAD_TRAFFIC_COLLISION = "road_traffic_collision"
    TRAFFIC = "traffic"
    SUSPICIOUS_ACTIVITY = "suspicious_activity"
    ALARM = "alarm"
    CONCERN_FOR_WELFARE = "concern_for_welfare"
    MENTAL_HEALTH = "mental_health"
    MISSING_PERSON = "missing_person"
    SUDDEN_DEATH = "sudden_death"
    AMBULANCE_ASSIST = "ambulance_assist"
    CHILD_PROTECTION = "child_protection"
    PUBLIC_SAFETY = "public_safety"
    ADMINISTRATIVE = "administrative"
    OTHER = "other"
