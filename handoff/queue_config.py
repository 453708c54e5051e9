"""What the queue is configured with (``QueueConfig``: skill groups, aging, business hours per
group, SLA targets, maximum waits, …, read from a service's settings) and the one business-hours
test (``in_business_hours``) that decides whether a group is open now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kefu.config import DEFAULT_MAX_WAIT_S


@dataclass(frozen=True)
class QueueConfig:
    """The queue-relevant part of the staff settings (defaults for other services)."""

    skill_groups: list[str] = field(
        default_factory=lambda: ["presale", "aftersales", "logistics", "complaints"]
    )
    claim_groups: list[str] = field(default_factory=list)
    aging_step_s: float = 60.0
    default_handle_s: float = 180.0
    business_hours: str = "00:00-24:00"
    timezone: str = "Asia/Shanghai"
    group_hours: dict[str, str] = field(default_factory=dict)
    group_timezones: dict[str, str] = field(default_factory=dict)
    language_groups: dict[str, dict[str, str]] = field(default_factory=dict)
    default_skill_group: str = "aftersales"
    ticket_due_hours: float = 24.0
    sla_first_response_s: dict[str, float] = field(default_factory=dict)
    sla_big_sale_presale_s: float = 60.0
    big_sale: bool = False
    max_wait_s: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MAX_WAIT_S))
    idle_close_s: float = 600.0
    retention_s: float = 7 * 86400.0

    @classmethod
    def from_settings(cls, settings: Any) -> QueueConfig:
        defaults = cls()
        values = {
            name: getattr(settings, name, getattr(defaults, name))
            for name in cls.__dataclass_fields__
        }
        return cls(**values)


def in_business_hours(spec: str, tz: str, now: datetime | None = None) -> bool:
    start_s, _, end_s = spec.partition("-")
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz))
    minutes = local.hour * 60 + local.minute

    def parse(value: str) -> int:
        hours, _, mins = value.strip().partition(":")
        return int(hours) * 60 + int(mins or 0)

    start, end = parse(start_s), parse(end_s)
    if start <= end:
        return start <= minutes < end
    return minutes >= start or minutes < end  # overnight, e.g. 20:00-02:00
