"""National default rates for the workforce model, each with its source.

Used where a force's own records cannot support a rate (there are no role histories in the store,
so promotion and specialist draw always come from here; leaving rates come from here when the
records hold too few leavers). Every figure is a default: forces should replace it with their own.

Sources:

- DOMAIN.md (Home Office Police Workforce, England and Wales, March 2025): 146,442 FTE officers
  (147,746 a year before); turnover about 6.2% a year; of 8,987 leavers in 2024/25, 10.3% had
  under 1 year's service and 11.2% 1–2 years; 38% of officers had under 5 years' service.
- ../shared/data/uk_police_workforce/officer_fte_by_force_2015_2019.csv (Home Office tables, OGL
  v3): territorial forces' officer FTE 126,818 (2015) and 123,171 (2019), i.e. the 43 forces
  without British Transport Police, Central Service Secondments and the row labelled "West
  Midlands" that is the West Midlands *region* subtotal (the file repeats the name). A
  5,000-officer force is the size of West Yorkshire (5,137 FTE in 2019).
- College of Policing, Policing Education Qualifications Framework: PCDA 3 years, DHEP 2 years,
  PCEP (from 2024) 2 years; detective entry via DHEP into investigation.
- Police Regulations 2003 Annex F pay scales (September 2024) uplifted by the 4.2% award of
  September 2025, rounded; employer pension contribution 35.3% (Home Office evidence to the
  PRRB 2024/25) plus employer National Insurance.
- "forceplan assumption": a stated figure where no open national figure exists; chosen so that
  the demo force's role shares stay roughly stable under them. Replace with local figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forceplan.workforce import groups as g

NATIONAL = "national default"
ASSUMPTION = "forceplan assumption"
DOMAIN = "Home Office Police Workforce E&W 2024/25 (DOMAIN.md)"

#: Officer FTE, England and Wales territorial forces, at 31 March (sources above).
NATIONAL_OFFICER_FTE: dict[int, float] = {
    2015: 126_818.0,
    2019: 123_171.0,
    2024: 147_746.0,
    2025: 146_442.0,
}
#: The government's aim of extra neighbourhood officers, PCSOs and specials (DOMAIN.md).
NEIGHBOURHOOD_GUARANTEE_OFFICERS = 13_000
#: Candidates needed per recruit (DOMAIN.md funnel: 43% drop out before assessment; of those
#: assessed 16% do not attend and 34% fail): 1 / (0.57 × 0.84 × 0.66) ≈ 3.16.
CANDIDATES_PER_RECRUIT = 1.0 / ((1 - 0.43) * (1 - 0.16) * (1 - 0.34))

#: Annual probability of leaving by service band, officers. Bands 0 and 1 from the 2024/25
#: leavers (926 with under 1 year, 1,007 with 1–2 years) over the officers then in those years of
#: service (about 9,000 and 12,500 after the uplift intakes); later bands fall with service to
#: match the 6.2% overall turnover, then retirement (1987 scheme after 30 years; 2015 scheme at
#: pension age 60, about 34 years after a typical joining age of 26).
OFFICER_LEAVING: dict[str, float] = {
    "0": 0.10,
    "1": 0.08,
    "2-4": 0.055,
    "5-9": 0.04,
    "10-19": 0.025,
    "20-24": 0.025,
    "25-29": 0.07,
    "30-34": 0.30,
    "35-39": 0.50,
    "40+": 1.0,
}
#: Police staff and PCSOs (forceplan assumption: staff turnover above officers', PCSOs highest).
STAFF_LEAVING: dict[str, float] = {
    "0": 0.14,
    "1": 0.12,
    "2-4": 0.09,
    "5-9": 0.07,
    "10-19": 0.05,
    "20-24": 0.05,
    "25-29": 0.08,
    "30-34": 0.25,
    "35-39": 0.50,
    "40+": 1.0,
}
PCSO_LEAVING: dict[str, float] = {
    "0": 0.20,
    "1": 0.18,
    "2-4": 0.14,
    "5-9": 0.10,
    "10-19": 0.07,
    "20-24": 0.07,
    "25-29": 0.10,
    "30-34": 0.25,
    "35-39": 0.50,
    "40+": 1.0,
}
#: Service year from which leaving is mostly retirement: a change of pension age moves the
#: curve from here on (scenarios.py).
RETIREMENT_FROM_SERVICE_YEARS = 25


@dataclass(frozen=True)
class RouteDefault:
    name: str
    programme_years: int
    pass_rate: float
    destinations: dict[str, float]
    share: float  # of officer recruits (0 for routes used only by scenarios)
    entry_service_years: int = 0
    tutored: bool = True
    source: str = ASSUMPTION


FRONTLINE_SPLIT = {g.RESPONSE: 0.8, g.NEIGHBOURHOOD: 0.2}
#: Entry routes. Programme lengths: College of Policing PEQF. Shares and pass rates (share of
#: those reaching the end of the programme who are confirmed; resignations on the way are in
#: the leaving rates): forceplan assumption.
ROUTES: tuple[RouteDefault, ...] = (
    RouteDefault("pcda", 3, 0.93, FRONTLINE_SPLIT, 0.35),
    RouteDefault("dhep", 2, 0.95, FRONTLINE_SPLIT, 0.42),
    RouteDefault("pcep", 2, 0.95, FRONTLINE_SPLIT, 0.15),
    RouteDefault("detective", 2, 0.90, {g.INVESTIGATION: 1.0}, 0.08),
    RouteDefault("transferee", 0, 1.0, {g.RESPONSE: 1.0}, 0.0, entry_service_years=6,
                 tutored=False),
    RouteDefault("rejoiner", 0, 1.0, {g.RESPONSE: 1.0}, 0.0, entry_service_years=8,
                 tutored=False),
    RouteDefault(g.POLICE_STAFF, 0, 1.0, {g.POLICE_STAFF: 1.0}, 0.0, tutored=False),
    RouteDefault(g.PCSO, 0, 1.0, {g.PCSO: 1.0}, 0.0, tutored=False),
)
#: Route that today's student officers are placed on (the records do not say).
CURRENT_STUDENT_ROUTE = "pcda"
STAFF_ROUTES = {g.POLICE_STAFF: g.POLICE_STAFF, g.PCSO: g.PCSO}

PROMOTION = "promotion"
SPECIALIST_DRAW = "specialist draw"
LATERAL = "lateral move"


@dataclass(frozen=True)
class MoveDefault:
    from_group: str
    to_group: str
    rate: float  # annual probability for an eligible person who stays
    min_service_years: int
    kind: str
    source: str = ASSUMPTION


def _moves() -> tuple[MoveDefault, ...]:
    """Careers start on the frontline; experienced officers move to investigation and specialist
    units (DOMAIN.md). Rates: forceplan assumption, set so that the demo force's role shares stay
    near today's over 60 years (about 1 sergeant to 6–7 constables and 1 inspector or above to 3
    sergeants, as in England and Wales) and officer turnover settles near 6% a year."""
    m = MoveDefault
    spec, lat, pro = SPECIALIST_DRAW, LATERAL, PROMOTION
    moves = [
        m(g.RESPONSE, g.NEIGHBOURHOOD, 0.05, 2, lat),
        m(g.RESPONSE, g.INVESTIGATION, 0.035, 2, spec),
        m(g.RESPONSE, g.PUBLIC_PROTECTION, 0.02, 2, spec),
        m(g.RESPONSE, g.FIREARMS, 0.016, 3, spec),
        m(g.RESPONSE, g.ROADS_POLICING, 0.012, 3, spec),
        m(g.RESPONSE, g.PUBLIC_ORDER, 0.008, 2, spec),
        m(g.RESPONSE, g.OPERATIONAL_SUPPORT, 0.022, 2, spec),
        m(g.NEIGHBOURHOOD, g.RESPONSE, 0.04, 2, lat),
        m(g.NEIGHBOURHOOD, g.INVESTIGATION, 0.02, 2, spec),
        m(g.NEIGHBOURHOOD, g.PUBLIC_PROTECTION, 0.015, 2, spec),
        m(g.NEIGHBOURHOOD, g.OPERATIONAL_SUPPORT, 0.02, 2, spec),
        m(g.INVESTIGATION, g.PUBLIC_PROTECTION, 0.015, 2, spec),
        m(g.INVESTIGATION, g.RESPONSE, 0.03, 2, lat),
        m(g.PUBLIC_PROTECTION, g.INVESTIGATION, 0.02, 2, lat),
        m(g.PUBLIC_PROTECTION, g.RESPONSE, 0.02, 2, lat),
        m(g.FIREARMS, g.RESPONSE, 0.015, 2, lat),
        m(g.FIREARMS, g.ROADS_POLICING, 0.01, 2, lat),
        m(g.ROADS_POLICING, g.RESPONSE, 0.02, 2, lat),
        m(g.PUBLIC_ORDER, g.RESPONSE, 0.03, 2, lat),
        m(g.OPERATIONAL_SUPPORT, g.RESPONSE, 0.03, 2, lat),
        m(g.SERGEANT, g.INSPECTOR_AND_ABOVE, 0.04, 8, pro),
    ]
    for group in g.CONSTABLE_GROUPS:
        rate = 0.025 if group in (g.RESPONSE, g.NEIGHBOURHOOD, g.INVESTIGATION) else 0.018
        moves.append(m(group, g.SERGEANT, rate, 4, pro))
    return tuple(moves)


MOVES = _moves()

#: Tutor constables: share of eligible response and neighbourhood constables who tutor, the
#: service they need, and the students one tutor can take at once (forceplan assumption).
TUTOR_SHARE = 0.25
TUTOR_MIN_SERVICE_YEARS = 2
STUDENTS_PER_TUTOR = 1.0
TUTOR_GROUPS = (g.RESPONSE, g.NEIGHBOURHOOD)


@dataclass(frozen=True)
class PayScale:
    """Annual pay (£, 2025/26, rounded approximations of Annex F scales) and on-costs.

    ``constable_by_service_gbp``: constables' pay by completed years of service (the last value
    holds from then on; student officers are on it too). Ranks without a scale here cost as
    ``default_gbp``. ``on_cost_share``: employer pension (35.3%) plus National Insurance (about
    10% of pay): cost = pay × (1 + on_cost_share) per FTE.
    """

    constable_by_service_gbp: tuple[float, ...] = (
        31_200.0, 34_400.0, 37_600.0, 40_800.0, 44_000.0, 47_200.0, 50_300.0
    )
    annual_pay_by_rank_gbp: dict[str, float] = field(
        default_factory=lambda: {
            "sergeant": 55_000.0,
            "inspector": 65_000.0,
            "chief_inspector": 70_500.0,
            "superintendent": 92_000.0,
            "chief_superintendent": 108_000.0,
            "assistant_chief_constable": 140_000.0,
            "deputy_chief_constable": 160_000.0,
            "chief_constable": 190_000.0,
        }
    )
    police_staff_gbp: float = 36_000.0  # forceplan assumption: a mid-grade staff post
    pcso_gbp: float = 31_000.0  # forceplan assumption
    default_gbp: float = 50_300.0
    on_cost_share: float = 0.45

    def __post_init__(self) -> None:
        values = [*self.constable_by_service_gbp, *self.annual_pay_by_rank_gbp.values(),
                  self.police_staff_gbp, self.pcso_gbp, self.default_gbp]
        if not self.constable_by_service_gbp or any(v < 0 for v in values):
            raise ValueError("pay: give a constable scale and no negative pay")
        if self.on_cost_share < 0:
            raise ValueError("on_cost_share: must be 0 or more")

    def constable_gbp(self, service_year: int) -> float:
        scale = self.constable_by_service_gbp
        return scale[min(service_year, len(scale) - 1)]

    def rank_gbp(self, rank: str) -> float:
        return self.annual_pay_by_rank_gbp.get(rank, self.default_gbp)


DEFAULT_PAY = PayScale()
#: Rank mix of inspectors and above, used for their pay where the records do not give it
#: (forceplan assumption, close to England and Wales).
INSPECTOR_RANK_MIX = {
    "inspector": 0.68,
    "chief_inspector": 0.20,
    "superintendent": 0.07,
    "chief_superintendent": 0.03,
    "assistant_chief_constable": 0.015,
    "deputy_chief_constable": 0.0025,
    "chief_constable": 0.0025,
}
