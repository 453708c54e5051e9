"""The rules of a staff account's fields, as pydantic models: the staff console's account API
validates its bodies with them and ``create_account`` (the CLI's path too) checks the same rules."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import ConfigDict, Field, StrictBool, model_validator

from kefu.bodies import BodyModel, ResponseModel

Role = Literal["agent", "team_lead", "supervisor", "editor", "admin", "qa"]
Username = Field(pattern=r"^[A-Za-z0-9_.-]{2,64}$", description="2-64 letters, digits or _.-")
Password = Field(min_length=8, max_length=1024)

_CODES = {
    "username": "invalid_username",
    "password": "weak_password",
    "new_password": "weak_password",
    "roles": "invalid_roles",
    "skill_groups": "invalid_skill_groups",
    "capacity": "invalid_capacity",
}


class NewAccount(BodyModel):
    error_codes = _CODES

    username: str = Username
    password: str = Password
    roles: list[Role] = Field(default=["agent"], min_length=1, description="default: agent")
    skill_groups: list[str] = Field(default=[], max_length=32, description="e.g. presale")
    capacity: int = Field(default=3, ge=0, le=50, description="chats at once (default 3)")
    display_name: str = Field(default="", max_length=128)


class AccountChange(BodyModel):
    """Some of: active, roles, skill groups, capacity."""

    error_codes = _CODES

    active: StrictBool | None = None
    roles: list[Role] | None = Field(default=None, min_length=1)
    skill_groups: list[str] | None = Field(default=None, max_length=32)
    capacity: int | None = Field(default=None, ge=0, le=50)

    @model_validator(mode="after")
    def something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give some of: active, capacity, roles, skill_groups")
        return self


class Login(BodyModel):
    # Unknown or malformed names are a failed login (401, counted), not a 400: only the types here.
    model_config = ConfigDict(extra="ignore", strict=True, hide_input_in_errors=True)

    username: str
    password: str


class PasswordChange(BodyModel):
    error_codes = _CODES

    old_password: str = Field(max_length=1024)
    new_password: str = Password


class Account(ResponseModel):
    id: int
    username: str
    display_name: str
    roles: list[Role]
    skill_groups: list[str]
    capacity: int
    active: bool


class LoginResult(ResponseModel):
    token: str
    account: Account


class TokenResult(ResponseModel):
    token: str
