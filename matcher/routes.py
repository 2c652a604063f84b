"""Routes to foreign partners: how a profile abroad is reached from one side.

Routes are computed from a point of view, the *side*: a country (a Russian coordinator's,
a Kazakh university's). The same data answers every side. A profile in the side's country
needs no route (``domestic``). A profile abroad is reached, from the best route to the
worst, through

1. ``collaboration``: past joint work with someone on the side (a team member when a
   team is given); recorded outcomes count as joint work (an accepted introduction, an
   application or a funded grant together: :func:`outcome_ties`), declined ones do not;
2. ``office_partner``: its institution is a partner institution of an open office run
   from the side (an office's ``home_country``, its operator's country);
3. ``agreement``: its institution and an institution of the side signed a cooperation
   agreement (an agreement binds both parties, whichever of them lists it);
4. ``office``: an open office run from the side in its country, with no closer tie.

An office serves only its operator's side: an office run from Kazakhstan is a route for
the Kazakh side and not for the Russian one. A side with no offices still reaches partners
through agreements and past collaboration. Offices in negotiation are not routes, unless a
what-if opens them (``assume_open``). When the data has no offices and no side is given
there is no side at all, every profile counts as reachable and the route is ``open``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.model import Institution, Office, Outcome, Profile, Route


@dataclass(frozen=True)
class RouteCosts:
    """Cost of each kind of route (0 best); used in team objectives and partner scores."""

    domestic: float = 0.0
    collaboration: float = 0.1
    office_partner: float = 0.2
    agreement: float = 0.3
    office: float = 0.5
    open: float = 0.0


def tie_outcomes(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """The outcomes that are evidence of collaboration, each team and call once (the
    earliest: applied, then funded, is one collaboration from the application on)."""
    first: dict[tuple[str | None, frozenset[str]], Outcome] = {}
    for outcome in sorted(outcomes, key=lambda o: o.date):
        key = (outcome.call_id, frozenset(outcome.members))
        if outcome.is_tie and key not in first:
            first[key] = outcome
    return list(first.values())


def outcome_ties(outcomes: Iterable[Outcome]) -> dict[str, Counter[str]]:
    """Per profile id, how many recorded outcomes tie it to each other profile id.

    An accepted introduction, an application or a funded grant ties every pair of its
    members once (:data:`matcher.model.TIE_OUTCOMES`); declined outcomes tie nobody. The
    same team recorded twice for one call (applied, then funded) counts once.
    """
    ties: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome in tie_outcomes(outcomes):
        for one in outcome.members:
            for other in outcome.members:
                if other != one:
                    ties[one][other] += 1
    return ties


def joint_work_counts(
    profiles: Iterable[Profile], outcomes: Iterable[Outcome] = ()
) -> dict[str, Counter[str]]:
    """Per profile id, how many joint works it has with each other profile id.

    Both optional sources count: ``collaborators`` (an id once per joint work) and the
    ``coauthors`` of publications. Data may record a tie on one side only, so each pair
    takes the larger of its two sides' counts. Recorded ``outcomes`` add their ties
    (:func:`outcome_ties`) on top.
    """
    one_sided: dict[str, Counter[str]] = defaultdict(Counter)
    for profile in profiles:
        counts = Counter(profile.collaborators)
        coauthored = Counter(c for pub in profile.publications for c in set(pub.coauthors))
        for other in set(counts) | set(coauthored):
            if other != profile.id:
                one_sided[profile.id][other] = max(counts[other], coauthored[other])
    symmetric: dict[str, Counter[str]] = defaultdict(Counter)
    for source, counter in one_sided.items():
        for target, count in counter.items():
            pair_count = max(count, one_sided.get(target, Counter())[source])
            symmetric[source][target] = pair_count
            symmetric[target][source] = pair_count
    for source, counter in outcome_ties(outcomes).items():
        symmetric[source].update(counter)
    return symmetric


def infer_home_country(offices: Sequence[Office]) -> str | None:
    """The country most offices are operated from (``None`` when there are no offices):
    the default side."""
    if not offices:
        return None
    return Counter(office.home_country for office in offices).most_common(1)[0][0]


def home_countries(offices: Iterable[Office]) -> Counter[str]:
    """How many offices are run from each country (their operators' countries)."""
    return Counter(office.home_country for office in offices)


def signed_agreements(institutions: Iterable[Institution]) -> dict[str, frozenset[str]]:
    """Per institution id, the institutions it has an agreement with, in both directions.

    The data may list an agreement on one party only (``agreements`` of either
    institution); an agreement binds both, so each listing counts for both parties.
    """
    pairs: dict[str, set[str]] = defaultdict(set)
    for institution in institutions:
        for other in institution.agreements:
            if other != institution.id:
                pairs[institution.id].add(other)
                pairs[other].add(institution.id)
    return {institution: frozenset(others) for institution, others in pairs.items()}


class RouteFinder:
    """Finds the best route to each profile from one side (point of view).

    Parameters
    ----------
    dataset : Dataset
        Profiles, institutions (with agreements) and offices.
    home_country : str, optional
        The side: the country teams are built from and routes start from. Only offices
        run from it (``Office.home_country``) are routes. Inferred from the offices (the
        most common home country) when omitted.
    costs : RouteCosts
        Cost per kind of route.
    assume_open : collection of str
        Ids of offices to treat as open (what-if), whatever their status.
    assume_closed : collection of str
        Ids of offices to treat as closed (what-if: how much does this office matter?).
    """

    def __init__(
        self,
        dataset: Dataset,
        home_country: str | None = None,
        costs: RouteCosts | None = None,
        assume_open: Collection[str] = (),
        assume_closed: Collection[str] = (),
    ) -> None:
        self.dataset = dataset
        self.home_country = home_country or infer_home_country(dataset.offices)
        self.costs = costs or RouteCosts()
        self.assume_open = frozenset(assume_open)
        self.assume_closed = frozenset(assume_closed)
        for office_id in self.assume_open | self.assume_closed:
            dataset.office(office_id)  # raises UnknownIdError for a typo
        self._joint_works = joint_work_counts(dataset.profiles, dataset.outcomes)
        self._outcome_ties = outcome_ties(dataset.outcomes)
        self._offices_by_country: dict[str, list[Office]] = defaultdict(list)
        for office in dataset.offices:
            if self.office_is_open(office) and self.serves_side(office):
                self._offices_by_country[office.country].append(office)
        self._home_institutions = {
            inst.id for inst in dataset.institutions if inst.country == self.home_country
        }
        self._agreements = signed_agreements(dataset.institutions)
        # Routes from the home side at large, by profile id: asked for every profile by the
        # candidate pools, the team pools and the partner scores of every call, and fixed
        # for a dataset. (Concurrent misses compute equal values.)
        self._alone: dict[str, Route | None] = {}

    @property
    def side(self) -> str | None:
        """The point of view routes are computed from (``home_country``)."""
        return self.home_country

    def serves_side(self, office: Office) -> bool:
        """Whether the office is run from this side (only then is it a route)."""
        return office.home_country == self.home_country

    def office_is_open(self, office: Office) -> bool:
        """Open, or opened by the what-if (and not closed by it)."""
        if office.id in self.assume_closed:
            return False
        return office.status == "open" or office.id in self.assume_open

    def joint_works(self, profile_id: str) -> Counter[str]:
        """Joint-work counts of a profile with every other profile."""
        return self._joint_works.get(profile_id, Counter())

    def route(self, profile: Profile, team: Sequence[Profile] = ()) -> Route | None:
        """The best route to ``profile`` (``None`` when it cannot be reached).

        With a ``team``, collaboration and agreements count only with its home-side
        members; without one, with anyone on the home side.
        """
        if not team:
            if profile.id not in self._alone:
                self._alone[profile.id] = self._route(profile, ())
            return self._alone[profile.id]
        return self._route(profile, team)

    def _route(self, profile: Profile, team: Sequence[Profile]) -> Route | None:
        if self.home_country is None:
            return Route(kind="open", cost=self.costs.open, description="no office network")
        if profile.country == self.home_country:
            return Route(kind="domestic", cost=self.costs.domestic, description="home country")
        if profile.country is None:
            return None
        for find in (self._by_collaboration, self._by_office_partner, self._by_agreement):
            found = find(profile, team)
            if found is not None:
                return found
        return self._by_office(profile)

    def _home_side(self, team: Sequence[Profile]) -> list[Profile]:
        return [member for member in team if member.country == self.home_country]

    def _by_collaboration(self, profile: Profile, team: Sequence[Profile]) -> Route | None:
        joint = self.joint_works(profile.id)
        if team:
            partners = [(joint[m.id], m) for m in self._home_side(team) if joint[m.id] > 0]
        else:
            partners = [
                (count, self.dataset.profile(other))
                for other, count in joint.items()
                if self.dataset.has_profile(other)
                and self.dataset.profile(other).country == self.home_country
            ]
        if not partners:
            return None
        count, partner = max(partners, key=lambda pair: (pair[0], pair[1].id))
        return Route(
            kind="collaboration",
            via=partner.id,
            cost=self.costs.collaboration,
            description=self._tie_description(profile.id, partner, count),
        )

    def _tie_description(self, profile_id: str, partner: Profile, count: int) -> str:
        """``3 joint works with X``; recorded outcomes among them are named as such."""
        works = "joint work" if count == 1 else "joint works"
        recorded = min(count, self._outcome_ties.get(profile_id, Counter())[partner.id])
        if not recorded:
            return f"{count} {works} with {partner.name}"
        if recorded == count:
            outcomes = "recorded outcome" if count == 1 else "recorded outcomes"
            return f"{count} {outcomes} with {partner.name} (accepted introduction or team)"
        return f"{count} {works} with {partner.name} ({recorded} from recorded outcomes)"

    def _by_office_partner(self, profile: Profile, _team: Sequence[Profile]) -> Route | None:
        if profile.institution is None:
            return None
        for office in self._offices_by_country.get(profile.country or "", []):
            if profile.institution in office.partner_institutions:
                institution = self.dataset.institution_name(profile.institution)
                return Route(
                    kind="office_partner",
                    via=office.id,
                    cost=self.costs.office_partner,
                    description=f"{office.name} (partner institution: {institution})",
                )
        return None

    def _by_agreement(self, profile: Profile, team: Sequence[Profile]) -> Route | None:
        if profile.institution is None:
            return None
        institution = self.dataset.institution(profile.institution)
        if institution is None:
            return None
        if team:
            home = {m.institution for m in self._home_side(team) if m.institution}
        else:
            home = self._home_institutions
        signed = sorted(self._agreements.get(institution.id, frozenset()) & home)
        if not signed:
            return None
        partner = signed[0]
        return Route(
            kind="agreement",
            via=partner,
            cost=self.costs.agreement,
            description=(
                f"agreement between {institution.name} and {self.dataset.institution_name(partner)}"
            ),
        )

    def _by_office(self, profile: Profile) -> Route | None:
        offices = self._offices_by_country.get(profile.country or "", [])
        if not offices:
            return None
        office = min(offices, key=lambda o: o.id)
        return Route(
            kind="office",
            via=office.id,
            cost=self.costs.office,
            description=f"{office.name} ({office.operator}, {country_name(office.country)})",
        )

    def uses_office(self, route: Route) -> str | None:
        """The office an introduction along this route goes through, if any."""
        return route.via if route.kind in ("office", "office_partner") else None
