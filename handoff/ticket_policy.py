"""The editable ticket settings: due time by type (working days or plain hours), how long a
ticket waiting for the customer stays open in silence, when the follow-up call (回访) is due.

Defaults are the platform's rules (complaint 1 working day, after-sales review 24 hours, invoice
2 working days, left message 1 working day, auto-close after 7 days, follow-up the next working
day); an admin's edits are rows of ``ticket_settings`` and win over them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.ticket_models import TicketSetting
from handoff.ticket_states import TYPES
from handoff.workdays import DAY_S, Calendar
from kefu.errors import ApiError

# "due.<type>": [amount, "working_days" | "hours"]
DEFAULTS: dict[str, Any] = {
    "due.complaint": [1, "working_days"],
    "due.after_sales": [24, "hours"],
    "due.invoice": [2, "working_days"],
    "due.left_message": [1, "working_days"],
    "due.other": [2, "working_days"],
    "auto_close_days": 7,
    "followup_working_days": 1,
    # an overdue ticket goes to the group's team lead at once, to a supervisor this much later
    "supervisor_after_hours": 4,
}
UNITS = ("working_days", "hours")


@dataclass
class Policy:
    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))

    def due_rule(self, kind: str) -> tuple[float, str]:
        amount, unit = self.values.get(f"due.{kind}") or self.values["due.other"]
        return float(amount), str(unit)

    def clock_seconds(self, kind: str) -> tuple[float, bool]:
        """The type's clock: (seconds, counted in working days or not)."""
        amount, unit = self.due_rule(kind)
        return (amount * DAY_S, True) if unit == "working_days" else (amount * 3600.0, False)

    def due_at(self, kind: str, start: datetime, calendar: Calendar) -> datetime:
        return self.resume(kind, start, self.clock_seconds(kind)[0], calendar)

    def resume(self, kind: str, start: datetime, seconds: float, calendar: Calendar) -> datetime:
        """When a clock with ``seconds`` left, started (again) at ``start``, runs out."""
        if self.clock_seconds(kind)[1]:
            return calendar.add_working_seconds(start, seconds)
        return start + timedelta(seconds=max(0.0, seconds))

    def left_at(self, kind: str, due: datetime, now: datetime, calendar: Calendar) -> float:
        """The clock's time left at ``now`` (what a paused ticket keeps)."""
        if self.clock_seconds(kind)[1]:
            return calendar.working_seconds_between(now, due)
        return max(0.0, (due - now).total_seconds())

    @property
    def auto_close_s(self) -> float:
        return float(self.values["auto_close_days"]) * DAY_S

    @property
    def supervisor_after_s(self) -> float:
        return float(self.values["supervisor_after_hours"]) * 3600.0

    @property
    def followup_working_days(self) -> float:
        return float(self.values["followup_working_days"])


async def load_policy(engine: AsyncEngine) -> Policy:
    values = dict(DEFAULTS)
    async with AsyncSession(engine) as session:
        for row in (await session.scalars(select(TicketSetting))).all():
            if row.key in DEFAULTS:
                values[row.key] = row.value
    return Policy(values)


def check_setting(key: str, value: Any) -> Any:
    """A valid value for ``key`` or a 400 naming what is wrong."""
    if key.startswith("due.") and key[4:] in TYPES:
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], int | float)
            and not isinstance(value[0], bool)
            and 0 < value[0] <= 60 * (24 if value[1] == "hours" else 1)
            and value[1] in UNITS
        )
        if not ok:
            raise ApiError(
                400,
                "invalid_setting",
                f"{key} must be [amount, 'working_days' | 'hours'] with a positive amount "
                "of at most 60 days",
            )
        return [value[0], value[1]]
    if key == "supervisor_after_hours":
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 720:
            raise ApiError(400, "invalid_setting", f"{key} must be a number of hours, 0 to 720")
        return value
    if key in ("auto_close_days", "followup_working_days"):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 90:
            raise ApiError(400, "invalid_setting", f"{key} must be a number of days, 0 to 90")
        return value
    raise ApiError(400, "unknown_setting", f"no ticket setting {key}", known=sorted(DEFAULTS))


async def save_settings(engine: AsyncEngine, changes: dict[str, Any], who: str) -> Policy:
    checked = {key: check_setting(key, value) for key, value in changes.items()}
    async with AsyncSession(engine) as session:
        for key, value in checked.items():
            row = await session.get(TicketSetting, key)
            if row is None:
                row = TicketSetting(key=key)
                session.add(row)
            row.value, row.updated_by = value, who
            row.updated_at = datetime.now().astimezone()
        await session.commit()
    return await load_policy(engine)
