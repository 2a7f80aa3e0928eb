"""Figures the demo force is generated from. Each says where it comes from.

Sources: the real US CAD export in shared/data/us_ecc_cad_2025 (hour-of-week shape, share of
officer-generated work, the heavy right tail of time on task); ../shared/DOMAIN.md (workforce
facts for England and Wales); and stated assumptions where no open data exists (UK category mix
and grade mix). docs/demo-force.md tabulates these figures against what the generator produces.
"""

from __future__ import annotations

from dataclasses import dataclass

from forceplan.standard import Channel, Grade, IncidentCategory, PartnerAgency

#: "about 600 officers, about 250,000 incidents" a force-year (foundation issue).
INCIDENTS_PER_OFFICER_YEAR = 250_000 / 600
#: Residents per officer: chosen so that the demo force records ~520 incidents per 1,000
#: residents a year, in the range UK forces publish (E&W average is ~410 residents per officer).
RESIDENTS_PER_OFFICER = 800
#: Annual seasonality: demand peaks in mid-July, +/- this fraction.
SEASONAL_AMPLITUDE = 0.08
SEASONAL_PEAK_DAY_OF_YEAR = 196
#: Year-on-year growth of demand.
ANNUAL_GROWTH = 0.02
#: Share of demand that officers generate themselves (us_ecc: 1,665 of 11,923 police calls).
OFFICER_GENERATED_SHARE = 0.14


@dataclass(frozen=True)
class CategoryProfile:
    """How one category of demand behaves in the demo force."""

    share: float  # of all incidents
    grades: tuple[float, float, float, float]  # P(grade 1..4)
    time_on_task_median_minutes: float  # on scene, per officer
    extra_officer_probability: float  # P(a second officer); a third with half that
    attributed: tuple[tuple[PartnerAgency, float], ...] = ()  # displaced demand by agency
    partner_source_share: float = 0.0  # of attributed incidents, share passed by the agency
    is_crime: bool = False
    case_complexity: float = 1.0


A = PartnerAgency
C = IncidentCategory
#: UK-informed category mix (assumption: no open UK incident-level data has categories).
CATEGORIES: dict[IncidentCategory, CategoryProfile] = {
    C.ANTI_SOCIAL_BEHAVIOUR: CategoryProfile(0.09, (0.02, 0.30, 0.30, 0.38), 15, 0.35),
    C.CONCERN_FOR_WELFARE: CategoryProfile(
        0.09,
        (0.12, 0.50, 0.13, 0.25),
        38,
        0.45,
        ((A.SOCIAL_CARE, 0.2), (A.MENTAL_HEALTH, 0.12), (A.AMBULANCE, 0.08)),
        0.3,
    ),
    C.MENTAL_HEALTH: CategoryProfile(
        0.05, (0.18, 0.55, 0.12, 0.15), 90, 0.6, ((A.MENTAL_HEALTH, 1.0),), 0.2
    ),
    C.MISSING_PERSON: CategoryProfile(
        0.04,
        (0.12, 0.55, 0.23, 0.10),
        75,
        0.3,
        ((A.HOSPITAL, 0.2), (A.SOCIAL_CARE, 0.25)),
        0.8,
    ),
    C.AMBULANCE_ASSIST: CategoryProfile(
        0.025, (0.30, 0.55, 0.10, 0.05), 60, 0.4, ((A.AMBULANCE, 1.0),), 0.6
    ),
    C.SUDDEN_DEATH: CategoryProfile(0.008, (0.10, 0.80, 0.10, 0.0), 120, 0.5),
    C.DOMESTIC_ABUSE: CategoryProfile(
        0.09, (0.18, 0.55, 0.20, 0.07), 60, 0.75, is_crime=True, case_complexity=2.0
    ),
    C.VIOLENCE: CategoryProfile(
        0.08, (0.22, 0.48, 0.20, 0.10), 45, 0.55, is_crime=True, case_complexity=1.5
    ),
    C.SEXUAL_OFFENCE: CategoryProfile(
        0.015, (0.12, 0.45, 0.35, 0.08), 75, 0.5, is_crime=True, case_complexity=4.0
    ),
    C.ROBBERY: CategoryProfile(
        0.008, (0.40, 0.45, 0.10, 0.05), 45, 0.6, is_crime=True, case_complexity=2.0
    ),
    C.BURGLARY: CategoryProfile(
        0.035, (0.08, 0.37, 0.40, 0.15), 30, 0.3, is_crime=True, case_complexity=1.2
    ),
    C.THEFT: CategoryProfile(0.08, (0.02, 0.20, 0.33, 0.45), 18, 0.2, is_crime=True),
    C.VEHICLE_CRIME: CategoryProfile(0.025, (0.02, 0.15, 0.33, 0.50), 18, 0.2, is_crime=True),
    C.CRIMINAL_DAMAGE: CategoryProfile(0.035, (0.03, 0.25, 0.32, 0.40), 18, 0.25, is_crime=True),
    C.DRUGS: CategoryProfile(0.015, (0.05, 0.40, 0.35, 0.20), 30, 0.5, is_crime=True),
    C.WEAPONS: CategoryProfile(
        0.008, (0.55, 0.35, 0.10, 0.0), 38, 0.8, is_crime=True, case_complexity=2.0
    ),
    C.FRAUD: CategoryProfile(0.03, (0.0, 0.03, 0.30, 0.67), 18, 0.05, is_crime=True),
    C.PUBLIC_ORDER: CategoryProfile(0.03, (0.18, 0.52, 0.15, 0.15), 22, 0.6, is_crime=True),
    C.ROAD_TRAFFIC_COLLISION: CategoryProfile(0.035, (0.32, 0.48, 0.10, 0.10), 38, 0.45),
    C.TRAFFIC: CategoryProfile(0.035, (0.05, 0.40, 0.20, 0.35), 12, 0.2),
    C.SUSPICIOUS_ACTIVITY: CategoryProfile(0.07, (0.08, 0.50, 0.17, 0.25), 12, 0.35),
    C.ALARM: CategoryProfile(0.035, (0.08, 0.57, 0.15, 0.20), 10, 0.3),
    C.CHILD_PROTECTION: CategoryProfile(
        0.015,
        (0.10, 0.50, 0.33, 0.07),
        60,
        0.5,
        ((A.SOCIAL_CARE, 0.5),),
        0.6,
        is_crime=True,
        case_complexity=3.0,
    ),
    C.PUBLIC_SAFETY: CategoryProfile(0.03, (0.12, 0.50, 0.13, 0.25), 22, 0.3),
    C.ADMINISTRATIVE: CategoryProfile(0.03, (0.0, 0.08, 0.27, 0.65), 12, 0.05),
    C.OTHER: CategoryProfile(0.027, (0.04, 0.32, 0.29, 0.35), 12, 0.2),
}
#: Spread (log-scale sigma) of time on task around each category's median. The us_ecc export's
#: overall sigma is 1.6 (a mix of categories plus recording noise); within a category 0.8.
TIME_ON_TASK_SIGMA = 0.8

#: Response time (received → first arrival) by grade: lognormal median and sigma, in minutes.
#: Grade 1: ~90% within the 15-minute urban target (DOMAIN.md); the us_ecc export's priority 1
#: median is 4.9 min (US travel distances are shorter). Scaled up in busy hours (see incidents.py).
RESPONSE_MINUTES: dict[Grade, tuple[float, float]] = {
    Grade.EMERGENCY: (9.0, 0.40),
    Grade.PRIORITY: (38.0, 0.75),
    Grade.SCHEDULED: (8 * 60.0, 0.9),
}
#: How strongly response times stretch with load: time x (demand / mean demand) ** this.
RESPONSE_LOAD_ELASTICITY = 0.35

#: Channel mix by grade (the officer-generated share is matched to us_ecc overall).
CHANNELS: dict[Grade, dict[Channel, float]] = {
    Grade.EMERGENCY: {
        Channel.EMERGENCY_999: 0.84,
        Channel.NON_EMERGENCY_101: 0.04,
        Channel.OFFICER_GENERATED: 0.11,
        Channel.OTHER: 0.01,
    },
    Grade.PRIORITY: {
        Channel.EMERGENCY_999: 0.36,
        Channel.NON_EMERGENCY_101: 0.40,
        Channel.ONLINE: 0.03,
        Channel.OFFICER_GENERATED: 0.19,
        Channel.OTHER: 0.02,
    },
    Grade.SCHEDULED: {
        Channel.EMERGENCY_999: 0.06,
        Channel.NON_EMERGENCY_101: 0.55,
        Channel.ONLINE: 0.20,
        Channel.OFFICER_GENERATED: 0.17,
        Channel.OTHER: 0.02,
    },
    Grade.NO_DEPLOYMENT: {
        Channel.EMERGENCY_999: 0.05,
        Channel.NON_EMERGENCY_101: 0.52,
        Channel.ONLINE: 0.33,
        Channel.OFFICER_GENERATED: 0.08,
        Channel.OTHER: 0.02,
    },
}

#: Share of crime incidents (grades 1-3) that become an allocated investigation, and how long
#: they stay open (lognormal median days, sigma).
CASE_SHARE = 0.12
CASE_DAYS = (30.0, 1.0)
