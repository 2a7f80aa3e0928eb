"""Workforce planning: from recruit to specialist, the experience mix, and projections.

The flow: ``calibrate`` a model from the force's people (and skills) records, with national
defaults where the records cannot support a rate; build an ``IntakePlan`` (``Calibration.plan``);
project it with ``project_expected`` (deterministic) or ``project_monte_carlo`` (seeded, all runs
at once); apply scenarios read from TOML (``load_scenario`` / ``parse_scenario``,
``project_scenarios``); and turn projections into Force Management Statement tables
(``fms_tables``, ``scenario_comparison``). The core takes frames and arrays and returns them: it
never touches the store.
"""

from forceplan.workforce.calibration import Calibration, calibrate
from forceplan.workforce.defaults import DEFAULT_PAY, PayScale
from forceplan.workforce.model import (
    EntryRoute,
    HeadcountTarget,
    IntakePlan,
    Move,
    WorkforceModel,
    fixed_intake,
    maintain_headcount,
    no_intake,
)
from forceplan.workforce.planning import apply_scenario, project_scenarios
from forceplan.workforce.projection import Projection, project_expected, project_monte_carlo
from forceplan.workforce.report import (
    experience_mix,
    flows,
    fms_tables,
    four_year_projection,
    headcount_and_fte,
    pay_cost,
    recruitment,
    scenario_comparison,
    skills_coverage,
    tutor_ratio,
)
from forceplan.workforce.scenarios import (
    BASELINE,
    Scenario,
    ScenarioError,
    Surge,
    load_scenario,
    parse_scenario,
)

__all__ = [
    "BASELINE",
    "DEFAULT_PAY",
    "Calibration",
    "EntryRoute",
    "HeadcountTarget",
    "IntakePlan",
    "Move",
    "PayScale",
    "Projection",
    "Scenario",
    "ScenarioError",
    "Surge",
    "WorkforceModel",
    "apply_scenario",
    "calibrate",
    "experience_mix",
    "fixed_intake",
    "flows",
    "fms_tables",
    "four_year_projection",
    "headcount_and_fte",
    "load_scenario",
    "maintain_headcount",
    "no_intake",
    "parse_scenario",
    "pay_cost",
    "project_expected",
    "project_monte_carlo",
    "project_scenarios",
    "recruitment",
    "scenario_comparison",
    "skills_coverage",
    "tutor_ratio",
]
