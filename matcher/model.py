"""The domain model: profiles, institutions, foreign offices, calls with rules, teams.

Every model validates on construction; a bad value raises ``pydantic.ValidationError``,
which the loaders in :mod:`matcher.io` turn into an :class:`~matcher.errors.InputError`
naming file, line and field. Field names follow the interchange format of DESIGN.md.
Unknown extra fields are kept (``model_extra``) so that outside tools can round-trip them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from matcher.call_text import research_text
from matcher.countries import accepted_spellings, normalize_country


class _CountryCodeSchema:
    """Lists the accepted codes in the JSON schema, so that an API schema (and a client
    generating input from it) knows the values, not only that they are strings."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["enum"] = accepted_spellings()
        return schema


CountryCode = Annotated[str, AfterValidator(normalize_country), _CountryCodeSchema()]
"""An ISO 3166-1 alpha-2 code, upper-cased on input (``UK``/``EL`` are mapped to ``GB``/``GR``);
a country name as people write it (``Россия``, ``Kazakhstan``, ``中国``) is read as its code
(:func:`matcher.countries.normalize_country`). The schema lists the codes."""


def _date_not_number(value: object) -> object:
    # Lax validation reads a number as a Unix timestamp: a deadline of 0 would be 1970.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("expected a date (YYYY-MM-DD), got a number")
    return value


def _int_not_bool(value: object) -> object:
    # Lax validation reads true and false as 1 and 0: a capacity of false is a mistake.
    if isinstance(value, bool):
        raise ValueError("expected an integer, got a boolean")
    return value


Count = Annotated[int, BeforeValidator(_int_not_bool)]
"""An integer, from a number or numeric text (never a boolean)."""

Date = Annotated[dt.date, BeforeValidator(_date_not_number)]
"""A calendar date, from a date or ``YYYY-MM-DD`` text (never a number)."""


def _float_not_bool(value: object) -> object:
    # Lax validation reads true and false as 1.0 and 0.0: a score of false is a mistake.
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


def _bool_not_number(value: object) -> object:
    # Lax validation reads 0 and 1 as false and true: an expert flag of 0 is a mistake.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("expected true or false, got a number")
    return value


Number = Annotated[float, BeforeValidator(_float_not_bool)]
"""A number, from a number or numeric text (never a boolean)."""

Flag = Annotated[bool, BeforeValidator(_bool_not_number)]
"""True or false, from a boolean or its text (never a number)."""

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

ProfileKind = Literal["researcher", "organization"]
CareerStage = Literal["doctoral", "early", "mid", "senior"]
InstitutionKind = Literal["university", "research_centre", "company", "agency", "other"]
OfficeStatus = Literal["open", "negotiating", "closed"]
OfficeService = Literal["expert_advice", "information_support", "logistics", "introductions"]
Role = Literal["lead", "member"]


class _Record(BaseModel):
    """Shared configuration: extra fields kept, assignment validated; numeric strings are
    accepted as numbers (CSV cells need it)."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, strict=False)


class Publication(_Record):
    """One piece of evidence of expertise: a paper, or for an organisation a past project."""

    title: NonEmptyText
    abstract: str = ""
    year: Count | None = Field(default=None, ge=1900, le=2100)
    coauthors: list[Identifier] = Field(
        default_factory=list,
        description="Other profiles in the data set who share this publication or project.",
    )

    @property
    def text(self) -> str:
        """Title and abstract, the text that is embedded."""
        return f"{self.title}. {self.abstract}".strip() if self.abstract else self.title


class Contact(_Record):
    """Private contact data: shown only to roles allowed to see it."""

    email: str | None = None
    phone: str | None = None


class Profile(_Record):
    """A researcher or an organisation that can join a team."""

    id: Identifier
    name: NonEmptyText
    kind: ProfileKind = "researcher"
    country: CountryCode | None = None
    institution: Identifier | None = None
    languages: list[str] = Field(default_factory=list)
    keywords: list[NonEmptyText] = Field(default_factory=list)
    summary: str = ""
    publications: list[Publication] = Field(default_factory=list)
    collaborators: list[Identifier] = Field(
        default_factory=list,
        description="Past collaborators, an id repeated once per joint work.",
    )
    conflicts: list[Identifier] = Field(
        default_factory=list,
        description="Profiles this one declares a conflict of interest with: never in one team.",
    )
    career_stage: CareerStage | None = None
    capacity: Count = Field(default=1, ge=0, description="How many teams per round.")
    contact: Contact | None = None
    expert: Flag = Field(
        default=False,
        description="In the expert pool of grant competitions (reviews applications).",
    )


class Institution(_Record):
    """A university, research centre, company or agency that profiles belong to."""

    id: Identifier
    name: NonEmptyText
    country: CountryCode
    kind: InstitutionKind = "university"
    consortia: list[NonEmptyText] = Field(default_factory=list)
    agreements: list[Identifier] = Field(
        default_factory=list,
        description="Ids of institutions this one has signed a cooperation agreement with.",
    )


class Office(_Record):
    """A foreign representative office: the door to partners in its host country."""

    id: Identifier
    name: NonEmptyText
    operator: NonEmptyText = Field(description="The consortium or agency that runs the office.")
    home_country: CountryCode = Field(description="The operator's country.")
    country: CountryCode = Field(description="The host country.")
    status: OfficeStatus = "open"
    partner_institutions: list[Identifier] = Field(default_factory=list)
    services: list[OfficeService] = Field(default_factory=list)
    capacity: Count | None = Field(default=None, ge=0, description="Introductions per round.")

    @field_validator("country")
    @classmethod
    def _hosted_abroad(cls, country: str, info: ValidationInfo) -> str:
        if country == info.data.get("home_country"):
            raise ValueError(
                f"an office's host country must differ from its home country ({country})"
            )
        return country


def _researchers_only() -> list[ProfileKind]:
    return ["researcher"]


class CallRules(_Record):
    """A call's eligibility rules. All are hard constraints on a team."""

    min_team_size: Count = Field(default=2, ge=1)
    max_team_size: Count = Field(default=6, ge=1)
    required_countries: dict[CountryCode, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict,
        description="Minimum number of members per country, e.g. {'RU': 1, 'CN': 1}.",
    )
    eligible_countries: list[CountryCode] | None = Field(
        default=None, description="Countries members may come from; null means any."
    )
    max_per_institution: Count | None = Field(default=None, ge=1)
    lead_countries: list[CountryCode] | None = Field(
        default=None, description="Countries the lead may come from; null means any eligible."
    )
    lead_career_stages: list[CareerStage] | None = None
    min_career_stage_counts: dict[CareerStage, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict,
        description="Minimum number of members per career stage, e.g. {'early': 1}.",
    )
    member_kinds: list[ProfileKind] = Field(default_factory=_researchers_only)
    eligible_consortia: list[NonEmptyText] | None = Field(
        default=None,
        description="Members must belong to an institution of one of these consortia; null: any.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> CallRules:
        if self.min_team_size > self.max_team_size:
            raise ValueError(
                f"min_team_size ({self.min_team_size}) is above max_team_size "
                f"({self.max_team_size})"
            )
        required = sum(self.required_countries.values())
        if required > self.max_team_size:
            raise ValueError(
                f"required_countries ask for {required} members, more than max_team_size "
                f"({self.max_team_size})"
            )
        staged = sum(self.min_career_stage_counts.values())
        if staged > self.max_team_size:
            raise ValueError(
                f"min_career_stage_counts ask for {staged} members, more than max_team_size "
                f"({self.max_team_size})"
            )
        if self.eligible_countries is not None:
            eligible = set(self.eligible_countries)
            outside = sorted(set(self.required_countries) - eligible)
            if outside:
                raise ValueError(
                    f"required_countries {outside} are not in eligible_countries {sorted(eligible)}"
                )
            if self.lead_countries is not None and not set(self.lead_countries) & eligible:
                raise ValueError("no lead country is among the eligible countries")
        if not self.member_kinds:
            raise ValueError("member_kinds must name at least one kind")
        return self

    def country_is_eligible(self, country: str | None) -> bool:
        """Whether a member from ``country`` may join (unknown country: only if any is allowed)."""
        if self.eligible_countries is None:
            return True
        return country is not None and country in self.eligible_countries


ReviewObjective = Literal["total", "fair"]


class ReviewSettings(_Record):
    """How a call's applications are reviewed: how many experts, their load, diversity."""

    reviewers_per_application: Count = Field(default=3, ge=1, description="k, per application.")
    min_load: Count = Field(default=0, ge=0, description="Fewest applications per reviewer.")
    max_load: Count = Field(default=6, ge=1, description="Most applications per reviewer.")
    one_per_institution: Flag = Field(
        default=True, description="At most one reviewer per institution on an application."
    )
    one_per_country: Flag = Field(
        default=False, description="At most one reviewer per country on an application."
    )
    outside_reviewer: Flag = Field(
        default=False,
        description="At least one reviewer from outside the applicants' countries.",
    )
    experts_only: Flag = Field(
        default=True,
        description="Draw reviewers from profiles marked expert; false: from everyone.",
    )
    objective: ReviewObjective = Field(
        default="total",
        description="'total': most total expertise; 'fair': best worst-served application.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ReviewSettings:
        if self.min_load > self.max_load:
            raise ValueError(f"min_load ({self.min_load}) is above max_load ({self.max_load})")
        return self


class Call(_Record):
    """A grant competition."""

    id: Identifier
    title: NonEmptyText
    description: str = ""
    keywords: list[NonEmptyText] = Field(default_factory=list)
    funder: str | None = None
    deadline: Date | None = None
    rules: CallRules = Field(default_factory=CallRules)
    review: ReviewSettings = Field(default_factory=ReviewSettings)

    @property
    def text(self) -> str:
        """The text a call is embedded from: title, the research content of the
        description (administrative sentences, :func:`matcher.call_text.is_administrative`,
        left out: a call's rules are not its topic) and keywords."""
        parts = [self.title, research_text(self.description)]
        if self.keywords:
            parts.append("Keywords: " + ", ".join(self.keywords))
        return ". ".join(part.strip().rstrip(".") for part in parts if part.strip())


class BudgetLine(_Record):
    """One line of an application's budget."""

    item: NonEmptyText
    amount: Number = Field(ge=0)
    currency: str | None = None


class Application(_Record):
    """A proposal submitted to a call by a team: checked against the call's rules, then
    reviewed by experts assigned under conflicts of interest and load."""

    id: Identifier
    call_id: Identifier
    title: NonEmptyText
    abstract: str = ""
    keywords: list[NonEmptyText] = Field(default_factory=list)
    team: list[Identifier] = Field(min_length=1, description="Profile ids of the proposed team.")
    lead: Identifier = Field(description="The profile id of the lead, one of the team.")
    budget: list[BudgetLine] = Field(default_factory=list)
    conflicts: list[Identifier] = Field(
        default_factory=list,
        description="Profile ids declared in conflict with this application: never its reviewers.",
    )
    submitted: Date | None = None

    # Field validators rather than a model validator, so that a loader's error names the
    # field (``team``, ``lead``) and not only the line.
    @field_validator("team")
    @classmethod
    def _no_repeats(cls, team: list[str]) -> list[str]:
        repeated = sorted({m for m in team if team.count(m) > 1})
        if repeated:
            raise ValueError(f"team repeats {repeated}")
        return team

    @field_validator("lead")
    @classmethod
    def _lead_in_team(cls, lead: str, info: ValidationInfo) -> str:
        team = info.data.get("team")
        if team is not None and lead not in team:
            raise ValueError(f"lead {lead!r} is not in the team")
        return lead

    @property
    def text(self) -> str:
        """Title, abstract and keywords: the text reviewers' expertise is scored against."""
        parts = [self.title, self.abstract]
        if self.keywords:
            parts.append("Keywords: " + ", ".join(self.keywords))
        return ". ".join(part.strip().rstrip(".") for part in parts if part.strip())


class Review(_Record):
    """A reviewer's score of an application (higher is better)."""

    application_id: Identifier
    reviewer_id: Identifier
    score: Number
    confidence: Number | None = Field(default=None, gt=0)
    comment: str = ""


class PartnerQuery(_Record):
    """One line of a ``grantmatch partners --queries`` file: a partial team for a call."""

    id: Identifier
    call_id: Identifier
    team: list[Identifier] = Field(default_factory=list)


OutcomeKind = Literal[
    "introduction_accepted", "introduction_declined", "applied", "funded", "declined"
]
#: Outcomes that are evidence of collaboration: they become routes and past teams.
TIE_OUTCOMES: frozenset[str] = frozenset({"introduction_accepted", "applied", "funded"})
#: Outcomes of a team for a call (the call id is required); the others are introductions.
TEAM_OUTCOMES: frozenset[str] = frozenset({"applied", "funded", "declined"})


class Outcome(_Record):
    """What happened to an introduction or a team: evidence fed back into the engine.

    ``introduction_accepted`` / ``introduction_declined``: the partner accepted or declined
    an introduction (``members``: the requester, then the partner; ``call_id`` optional).
    ``applied`` / ``funded``: the team applied for, or won, the call (``members``: the team).
    ``declined``: the team did not go ahead. Accepted introductions, applications and funded
    grants are past collaboration (:data:`TIE_OUTCOMES`): routes between their members and,
    for teams, past teams the learned partner model trains on, from their ``date`` on.
    Declined ones are kept as a record and change nothing.
    """

    id: Identifier
    kind: OutcomeKind
    call_id: Identifier | None = None
    members: list[Identifier] = Field(
        min_length=2, description="Profile ids: the team, or the requester then the partner."
    )
    date: Date = Field(description="When it happened (YYYY-MM-DD).")
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if self.kind in TEAM_OUTCOMES and self.call_id is None:
            raise ValueError(f"a {self.kind!r} outcome names its call (call_id)")
        if self.kind.startswith("introduction_") and len(self.members) != 2:
            raise ValueError(
                "an introduction outcome names exactly two members: the requester and the partner"
            )
        repeated = sorted({m for m in self.members if self.members.count(m) > 1})
        if repeated:
            raise ValueError(f"members repeat {repeated}")
        return self

    @property
    def is_tie(self) -> bool:
        """Whether this outcome is evidence of collaboration (a route, a past team)."""
        return self.kind in TIE_OUTCOMES


class Route(BaseModel):
    """How a member is reached from the team's home side.

    ``kind`` is ``domestic`` for members from the home country; otherwise the channel
    (``collaboration``, ``office_partner``, ``agreement``, ``office``) and ``via`` the id
    of the profile, institution or office it goes through. Lower ``cost`` is better.
    """

    kind: Literal["domestic", "collaboration", "office_partner", "agreement", "office", "open"]
    via: str | None = None
    cost: float = 0.0
    description: str = ""


class TeamMember(BaseModel):
    """A profile in a suggested team, with its role, relevance and route."""

    profile_id: str
    role: Role
    relevance: float
    country: str | None
    institution: str | None
    route: Route
    covers: list[str] = Field(
        default_factory=list, description="Parts of the call this member covers best."
    )


class Team(BaseModel):
    """A suggested team for a call: members, the objective and its parts, the rules it meets."""

    call_id: str
    members: list[TeamMember]
    objective: float
    parts: dict[str, float]
    rules_satisfied: list[str]
    solver: str
    notes: list[str] = Field(
        default_factory=list, description="How this team differs from the other suggestions."
    )

    @property
    def lead(self) -> TeamMember:
        return next(member for member in self.members if member.role == "lead")
