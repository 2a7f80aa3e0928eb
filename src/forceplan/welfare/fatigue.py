"""The Three-Process Model of alertness (Åkerstedt & Folkard 1997), with the parameters of
Ingre et al. (2014, PLoS ONE 9(10):e108679) as given in DOMAIN.md, implemented from the
published equations.

Process S (homeostatic): awake, S = la + (Sw − la)·e^(d·t); asleep, S rises linearly at
g·(bl − ha) an hour until it reaches bl, then S = ha − (ha − bl)·e^(g·(t − bt)).
Process C (circadian): C = Cm + Ca·cos(2π(tod − p)/24), with an ultradian term
U = Um + Ua·cos(2π(tod − p − 3)/12). Process W (sleep inertia): W = Wc·e^(Wd·t_awake).
Sleepiness on the Karolinska scale: KSS = 10.6 − 0.6·(S + C + U + W); KSS ≥ 7 is sleepy,
≥ 8 a risk level.

Time advances in fixed steps for many officers at once (NumPy arrays across officers), so a
year of shifts for thousands of officers is a few seconds of work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ThreeProcessParameters:
    la: float = 2.4
    ha: float = 14.3
    d: float = -0.0353
    g: float = math.log((14.3 - 14.0) / (14.3 - 7.96)) / 8
    bl: float = 12.2
    cm: float = 0.0
    ca: float = 2.5
    p: float = 16.8
    um: float = -0.5
    ua: float = 0.5
    wc: float = -5.72
    wd: float = -1.51
    s0: float = 7.96


PARAMETERS = ThreeProcessParameters()
SLEEPY_KSS = 7.0
RISK_KSS = 8.0


def s_awake(s_wake: np.ndarray | float, hours_awake: np.ndarray | float,
            p: ThreeProcessParameters = PARAMETERS) -> np.ndarray | float:
    """Process S after ``hours_awake`` from ``s_wake`` at waking."""
    return p.la + (s_wake - p.la) * np.exp(p.d * hours_awake)


def s_sleep_step(s: np.ndarray, hours: np.ndarray | float,
                 p: ThreeProcessParameters = PARAMETERS) -> np.ndarray:
    """Process S after ``hours`` more sleep (one value, or one per officer): linear recovery
    below bl, then the exponential approach to ha (part of the time in each phase when it
    crosses bl)."""
    rate = p.g * (p.bl - p.ha)  # > 0: g and (bl − ha) are both negative
    linear = s + rate * hours
    out = np.where(s < p.bl, linear, p.ha - (p.ha - s) * np.exp(p.g * hours))
    crossed = (s < p.bl) & (linear > p.bl)
    if crossed.any():
        rest = (linear[crossed] - p.bl) / rate  # hours left after reaching bl
        out[crossed] = p.ha - (p.ha - p.bl) * np.exp(p.g * rest)
    return out


def c_process(time_of_day: np.ndarray | float, p: ThreeProcessParameters = PARAMETERS):
    return p.cm + p.ca * np.cos(2 * np.pi * (time_of_day - p.p) / 24)


def u_process(time_of_day: np.ndarray | float, p: ThreeProcessParameters = PARAMETERS):
    return p.um + p.ua * np.cos(2 * np.pi * (time_of_day - p.p - 3) / 12)


def w_process(hours_awake: np.ndarray | float, p: ThreeProcessParameters = PARAMETERS):
    return p.wc * np.exp(p.wd * hours_awake)


def kss(s, time_of_day, hours_awake, p: ThreeProcessParameters = PARAMETERS):
    """Karolinska sleepiness from the three processes (clipped to the scale, 1-9)."""
    alertness = s + c_process(time_of_day, p) + u_process(time_of_day, p) + w_process(
        hours_awake, p)
    return np.clip(10.6 - 0.6 * alertness, 1.0, 9.0)


def simulate(asleep: np.ndarray, start_hour_of_day: float, step_hours: float,
             p: ThreeProcessParameters = PARAMETERS, s_start: float | None = None,
             record: np.ndarray | None = None) -> np.ndarray:
    """KSS for each officer (rows) at each step (columns) given who sleeps when.

    ``asleep`` is a boolean matrix [officers × steps]; the first step begins at
    ``start_hour_of_day`` (local clock hours). KSS is reported for waking steps (only where
    ``record`` is true, when given) and NaN elsewhere. Each step uses the closed forms of the
    model over the step, so the result does not depend on the step length.
    """
    officers, steps = asleep.shape
    s = np.full(officers, p.s0 if s_start is None else s_start, dtype=float)
    awake_for = np.zeros(officers)
    out = np.full((officers, steps), np.nan, dtype=np.float32)
    for k in range(steps):
        sleeping = asleep[:, k]
        tod = (start_hour_of_day + k * step_hours) % 24
        wanted = ~sleeping if record is None else (~sleeping & record[:, k])
        if wanted.any():
            index = np.flatnonzero(wanted)
            out[index, k] = kss(s[index], tod, awake_for[index], p)
        s = np.where(sleeping, s_sleep_step(s, step_hours, p), s_awake(s, step_hours, p))
        awake_for = np.where(sleeping, 0.0, awake_for + step_hours)
    return out
