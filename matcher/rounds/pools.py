"""Which profiles each call of a round keeps for staffing, and its exact member threshold.

A call's team is chosen from its *pool*: the eligible profiles reachable by a route
(:meth:`matcher.teams.TeamAssembler.candidates`). Building that pool for every call from a
dense relevance row costs ``calls x profiles`` Python steps and memory; a round instead keeps,
while scoring each chunk of profiles, only what team assembly can use:

* the call's best eligible, reachable profiles: at least ``pool_size`` (the shortlist of
  :class:`~matcher.teams.TeamObjective`);
* the best eligible profiles (reachable or not), as many as the member threshold needs (it
  is a quantile of relevance over every eligible profile, see
  :meth:`~matcher.teams.TeamAssembler.call_threshold`), so the threshold is exact;
* the best ``per_group_pool`` of every group a rule counts (each required country, each
  required career stage, the profiles allowed to lead), as the shortlist takes them.

The shortlist built from this pool equals the one built from the whole pool (ties aside).
Masks are computed per distinct eligibility signature of the calls, from per-value
lookups, so that 1,000 calls x 100,000 profiles costs array operations, not Python loops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.evidence import IntArray
from matcher.model import Call, Route
from matcher.routes import RouteFinder
from matcher.teams import TeamObjective
from matcher.teams.pool import lead_stage_groups

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class KeepSpec:
    """For call ``call``: keep the ``depth`` best profiles where ``mask`` is set."""

    call: int
    mask: int
    depth: int


@dataclass(frozen=True)
class PoolPlan:
    """Masks over all profiles and what every call keeps from each.

    Attributes
    ----------
    masks : ndarray of bool, shape (n_masks, n_profiles)
        Eligible-and-reachable masks (per call signature) and their rule groups.
    specs : list of KeepSpec
        What each call keeps.
    eligible_sizes : ndarray of int
        Per call, how many profiles are eligible (reachable or not).
    threshold_specs : dict of int to int
        Per call, the spec holding the top eligible values its member threshold needs
        (eligible but unreachable profiles included: they are not candidates).
    """

    masks: BoolArray
    specs: list[KeepSpec]
    eligible_sizes: IntArray
    threshold_specs: dict[int, int]


def profile_routes(dataset: Dataset, routes: RouteFinder) -> list[Route | None]:
    """Each profile's best route (``None``: unreachable), computed once per round."""
    return [routes.route(profile) for profile in dataset.profiles]


def _lookup(values: list[str | None], ok: dict[str | None, bool]) -> BoolArray:
    return np.fromiter((ok[v] for v in values), dtype=bool, count=len(values))


def _eligible_mask(call: Call, dataset: Dataset, reachable: BoolArray) -> BoolArray:
    """:func:`matcher.teams.eligibility_problem` is ``None``, for every profile at once."""
    rules = call.rules
    profiles = dataset.profiles
    kinds = [p.kind for p in profiles]
    countries = [p.country for p in profiles]
    mask = reachable & np.isin(np.asarray(kinds, dtype=object), rules.member_kinds)
    mask &= np.fromiter((p.capacity >= 1 for p in profiles), dtype=bool, count=len(profiles))
    mask &= _lookup(countries, {c: rules.country_is_eligible(c) for c in set(countries)})
    if rules.eligible_consortia is not None:
        wanted = set(rules.eligible_consortia)
        institutions = [p.institution for p in profiles]
        ok: dict[str | None, bool] = {}
        for institution_id in set(institutions):
            institution = dataset.institution(institution_id) if institution_id else None
            ok[institution_id] = bool(institution and set(institution.consortia) & wanted)
        mask &= _lookup(institutions, ok)
    return mask


def _lead_mask(call: Call, dataset: Dataset) -> BoolArray:
    rules = call.rules
    mask = np.ones(len(dataset.profiles), dtype=bool)
    if rules.lead_countries is not None:
        mask &= np.isin(
            np.asarray([p.country or "" for p in dataset.profiles]), rules.lead_countries
        )
    if rules.lead_career_stages is not None:
        mask &= np.isin(
            np.asarray([p.career_stage or "" for p in dataset.profiles]),
            rules.lead_career_stages,
        )
    return mask


def threshold_depth(pool_size: int, quantile: float) -> int:
    """How many of the best values ``np.quantile(pool, quantile)`` depends on."""
    if pool_size == 0:
        return 0
    return pool_size - math.floor((pool_size - 1) * quantile)


def quantile_from_top(top: npt.NDArray[np.float64], pool_size: int, quantile: float) -> float:
    """``np.quantile`` (linear) of a pool of ``pool_size`` values from its best ``top``
    values, sorted best first (at least :func:`threshold_depth` of them)."""
    if pool_size == 0:
        return 0.0
    position = (pool_size - 1) * quantile
    low = math.floor(position)
    high = min(low + 1, pool_size - 1)
    # Ascending position i is position pool_size - 1 - i from the top.
    low_value = float(top[pool_size - 1 - low])
    high_value = float(top[pool_size - 1 - high])
    return (
        float(np.quantile([low_value, high_value], position - low)) if high != low else (low_value)
    )


def plan_pools(
    dataset: Dataset,
    routes: list[Route | None],
    objective: TeamObjective,
    pool_depth: int,
    score_depth: int = 0,
) -> PoolPlan:
    """Masks and keep specs for every call of ``dataset`` (see the module docstring).

    ``score_depth``: keep at least this many of each call's pool (its ``top_k`` when the
    round's scores list only the profiles that may join).
    """
    reachable = np.asarray([route is not None for route in routes], dtype=bool)
    masks: list[BoolArray] = []
    mask_ids: dict[bytes, int] = {}

    def mask_id(mask: BoolArray) -> int:
        key = np.packbits(mask).tobytes()
        if key not in mask_ids:
            mask_ids[key] = len(masks)
            masks.append(mask)
        return mask_ids[key]

    signatures: dict[str, BoolArray] = {}
    specs: list[KeepSpec] = []
    eligible_sizes = np.zeros(len(dataset.calls), dtype=np.int64)
    threshold_specs: dict[int, int] = {}
    countries = np.asarray([p.country or "" for p in dataset.profiles])
    stages = np.asarray([p.career_stage or "" for p in dataset.profiles])
    everyone = np.ones(len(dataset.profiles), dtype=bool)
    for number, call in enumerate(dataset.calls):
        rules = call.rules
        signature = repr((rules.member_kinds, rules.eligible_countries, rules.eligible_consortia))
        if signature not in signatures:
            signatures[signature] = _eligible_mask(call, dataset, everyone)
        eligible = signatures[signature]
        size = int(eligible.sum())
        eligible_sizes[number] = size
        if objective.member_threshold is None and size:
            # The threshold is a quantile over every eligible profile, reachable or not
            # (TeamAssembler.call_threshold): keep the top values it depends on.
            threshold_specs[number] = len(specs)
            depth = threshold_depth(size, objective.threshold_quantile)
            specs.append(KeepSpec(number, mask_id(eligible), depth))
        pool = eligible & reachable
        depth = min(max(pool_depth, objective.pool_size, score_depth), int(pool.sum()))
        if depth:
            specs.append(KeepSpec(number, mask_id(pool), depth))
        groups = [pool & (countries == country) for country in rules.required_countries]
        groups += [pool & (stages == stage) for stage in rules.min_career_stage_counts]
        leads = pool & _lead_mask(call, dataset)
        groups.append(leads)
        groups += [leads & (stages == stage) for stage in lead_stage_groups(call, objective)]
        for group in groups:
            kept = min(objective.per_group_pool, int(group.sum()))
            if kept:
                specs.append(KeepSpec(number, mask_id(group), kept))
    stacked = np.stack(masks) if masks else np.zeros((0, len(dataset.profiles)), dtype=bool)
    return PoolPlan(stacked, specs, eligible_sizes, threshold_specs)
