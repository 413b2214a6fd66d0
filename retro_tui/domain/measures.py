"""Actions that prove themselves: numbers, verdicts, data thresholds and readiness.

An action item may be *measured*: a metric, the value now (baseline), a target and the
direction that counts as better. At the team's next retro the facilitator enters the
actual value and the verdict follows from the numbers alone, so two people reading the
same figures never disagree about whether an action worked. A *decision waiting for
data* uses the same fields: its target is the threshold its number must reach before
the decision is due.

Pure values and functions: no I/O and no clock; dates arrive as ISO strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.formats import RetroFormat

NUMBER_LIMIT = 1e15  # larger magnitudes are typos, and lose precision as floats
NUMBERS_MAX = 60  # rows in one retro's table of numbers
UNIT_MAX = 20
PERIOD_MAX = 40
NUMBER_NAME_MAX = 60
READINESS_MAX = 20  # checks in one checklist


_NUMBER_SHAPE = re.compile(r"[-+]?[\d.,]*\d[\d.,]*(e[-+]?\d+)?", re.IGNORECASE)


class Direction(StrEnum):
    """Which way a number has to move to be better."""

    UP = "up"
    DOWN = "down"


class Verdict(StrEnum):
    """What a measured action achieved, judged from its numbers."""

    REACHED = "reached"
    PARTLY = "partly"
    MISSED = "missed"
    NO_ACTUAL = "no actual yet"
    NOT_MEASURED = "not measured"


class Readiness(StrEnum):
    """Where a decision waiting for data stands."""

    WAITING = "waiting"
    READY = "ready"
    NO_DATA = "no data yet"


@dataclass(frozen=True)
class Measurement:
    """An actual value of an action's metric, as entered at one retro's review."""

    value: float
    on: str  # ISO date of the retro
    session_id: str
    retro: str = ""  # that retro's title


@dataclass(frozen=True)
class TeamNumber:
    """One row of the team's numbers: this retro's value and the last retro's."""

    name: str
    value: float | None = None  # None: not entered yet in this retro
    unit: str = ""
    period: str = ""
    previous: float | None = None  # the value at the team's last retro

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class ReadinessCheck:
    """One item of a format's readiness checklist and whether it was true before the work
    started (None: nobody has said yet)."""

    text: str
    ready: bool | None = None


# --- numbers ---------------------------------------------------------------------------
def check_number(value: object, what: str) -> float:
    """A finite number within sensible bounds, or a refusal naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(f"{what} must be a number.")
    number = float(value)
    if not math.isfinite(number) or abs(number) > NUMBER_LIMIT:
        raise Refused(f"{what} must be a finite number below {NUMBER_LIMIT:.0e} in size.")
    return number


def parse_number(text: str, what: str) -> float:
    """A number typed by a person or read from a CSV cell: `1234.5`, `-3`, `12%`.

    A decimal comma (`12,5`) is refused rather than guessed: in the files analytics
    tools export it can mean 12.5 or 125, and a wrong guess would judge an action on a
    number ten times off.
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if raw.endswith("%"):
        raw = raw[:-1]
    if not raw:
        raise Refused(f"{what} is empty; write a number such as 12.5.")
    if _NUMBER_SHAPE.fullmatch(raw) is None:
        raise Refused(f"{what} {text.strip()[:30]!r} is not a number.")
    if "," in raw:
        raise Refused(
            f"{what} {text.strip()[:30]!r} has a comma; write the number with a decimal "
            "point and no thousands separator, such as 1234.5."
        )
    try:
        number = float(raw)
    except ValueError:
        raise Refused(f"{what} {text.strip()[:30]!r} is not a number.") from None
    return check_number(number, what)


def format_number(value: float | None) -> str:
    """A number for people: no float noise, at most two decimals, rounded half up."""
    if value is None:
        return "–"
    rounded = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_change(change: float | None) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "±0"
    return ("+" if change > 0 else "") + format_number(change)


def number_key(name: str) -> str:
    """Numbers are matched by name without regard to case, spacing or invisible characters."""
    return " ".join(t.without_invisible(name).casefold().split())


def clean_number_name(value: object, what: str) -> str:
    """A number's name checked like typed text, without invisible characters: two names
    that look the same must be one number, or the table would hold twins."""
    if isinstance(value, str) and len(value) <= NUMBER_NAME_MAX * 4:
        value = t.without_invisible(value)
    return t.clean_text(value, what, NUMBER_NAME_MAX)


def find_number(numbers: Iterable[TeamNumber], name: str) -> TeamNumber | None:
    key = number_key(name)
    if not key:
        return None
    return next((n for n in numbers if number_key(n.name) == key), None)


# --- verdicts ----------------------------------------------------------------------------
def better(direction: Direction, a: float, b: float) -> bool:
    """Whether `a` is strictly better than `b`."""
    return a > b if direction is Direction.UP else a < b


def reached(direction: Direction, value: float, target: float) -> bool:
    """Whether `value` is at the target or beyond it, the good way."""
    return value >= target if direction is Direction.UP else value <= target


def judge(
    *,
    baseline: float | None,
    target: float | None,
    direction: Direction,
    actual: float | None,
) -> Verdict:
    """The verdict on a measured action.

    - reached: the actual is at the target or beyond it in the better direction;
    - partly: the actual moved the better way from the baseline but stopped short of
      the target (so an action without a baseline, or whose target equals its
      baseline, is never "partly": there is no way part of it);
    - missed: anything else — no movement, or movement the wrong way;
    - no actual yet: a target but no actual value entered;
    - not measured: no target, so nothing to judge against.
    """
    if target is None:
        return Verdict.NOT_MEASURED
    if actual is None:
        return Verdict.NO_ACTUAL
    if reached(direction, actual, target):
        return Verdict.REACHED
    moved = baseline is not None and better(direction, actual, baseline)
    if moved and baseline is not None and better(direction, target, baseline):
        return Verdict.PARTLY
    return Verdict.MISSED


def readiness(direction: Direction, threshold: float | None, latest: float | None) -> Readiness:
    """A decision waiting for data is ready once its number reaches the threshold."""
    if threshold is None or latest is None:
        return Readiness.NO_DATA
    return Readiness.READY if reached(direction, latest, threshold) else Readiness.WAITING


def progress(baseline: float | None, target: float | None, actual: float | None) -> float | None:
    """How far from baseline to target the actual got (1.0 = all the way), or None."""
    if baseline is None or target is None or actual is None or target == baseline:
        return None
    return (actual - baseline) / (target - baseline)


def with_measurement(
    history: tuple[Measurement, ...], measurement: Measurement
) -> tuple[Measurement, ...]:
    """The history with this retro's value replaced (one actual per retro), oldest first."""
    kept = tuple(m for m in history if m.session_id != measurement.session_id)
    return (*kept, measurement)


def half_up(value: float, places: int = 2) -> str:
    """`value` rounded half up to `places` decimals, as text: 2.625 gives "2.63".

    Python's `round` and `format` round half to even on the float's binary value, which
    prints a ROTI of 2.625 as 2.62; people expect 2.63.
    """
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP):f}"


def measure_fields(
    baseline: object, target: object, direction: object, decision: object
) -> dict[str, object]:
    """The measure of an action checked: numbers finite, a known direction, and a target
    that is not worse than the baseline (equal is fine: "hold the line")."""
    try:
        way = Direction(str(direction))
    except ValueError:
        raise Refused("The direction of a metric is up or down.") from None
    base = None if baseline is None else check_number(baseline, "The baseline")
    goal = None if target is None else check_number(target, "The target")
    if not isinstance(decision, bool):
        raise Refused("Whether an action is a decision is yes or no.")
    if base is not None and goal is not None and better(way, base, goal):
        worse = "below" if way is Direction.UP else "above"
        raise Refused(
            f"The target {format_number(goal)} is {worse} the baseline {format_number(base)}; "
            f"with {way.value} as better it would be a step back. Change the direction or the "
            "target."
        )
    if decision and goal is None:
        raise Refused("A decision waiting for data needs the threshold its number must reach.")
    return {"baseline": base, "target": goal, "direction": way, "decision": decision}


@dataclass(frozen=True)
class Opening:
    """What a new session starts with besides the board."""

    numbers: tuple[TeamNumber, ...]
    readiness: tuple[ReadinessCheck, ...]
    data_step: bool


def carried_numbers(fmt: RetroFormat, previous: tuple[TeamNumber, ...]) -> Opening:
    """Last retro's numbers as this retro's rows (their values become "last retro"; this
    retro's value and period are still to come), the format's readiness checklist, and
    the Data step on when either exists or the format asks for it."""
    checks = tuple(ReadinessCheck(text) for text in fmt.readiness)
    numbers = tuple(TeamNumber(name=n.name, unit=n.unit, previous=n.value) for n in previous)
    return Opening(numbers, checks, bool(fmt.data_step or checks or numbers))
