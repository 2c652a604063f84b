"""Conversions from the engine's answers to the API's schemas, and how answers are served:
from one engine, cached serialised per (data version, endpoint, parameters), with the data
version in headers.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict

from anyio import CapacityLimiter, to_thread
from fastapi import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.http.engine import Fitted, MatcherCache
from api.http.schemas.answers import (
    CandidatePublic,
    EligibilityPublic,
    Evidence,
    Outcome,
    PartnerPublic,
    ProfileSummary,
    RelaxationPublic,
    TeamsPublic,
    WhatIfCall,
    WhatIfPublic,
)
from matcher.dataset import Dataset
from matcher.partners import PartnerSuggestion
from matcher.teams import Candidate, TeamResult
from matcher.whatif import WhatIfReport


def summary(dataset: Dataset, profile_id: str) -> ProfileSummary:
    """The public identity of a profile (no contact data)."""
    profile = dataset.profile(profile_id)
    return ProfileSummary(
        id=profile.id,
        name=profile.name,
        kind=profile.kind,
        country=profile.country,
        institution=profile.institution,
    )


def evidence(fitted: Fitted, call_id: str, profile_id: str, side: str | None = None) -> Evidence:
    """The explanation of one score (``Matcher.explain`` from ``side``, cached per data
    version)."""
    explanation = fitted.explanation(call_id, profile_id, side)
    eligibility = explanation.eligibility
    return Evidence(
        score=explanation.score,
        parts=dict(explanation.parts),
        publications=[asdict(p) for p in explanation.publications],
        matched_keywords=list(explanation.matched_keywords),
        is_match=explanation.is_match,
        reaches_threshold=explanation.reaches_threshold,
        eligibility=None
        if eligibility is None
        else EligibilityPublic(
            eligible=eligibility.eligible,
            reachable=eligibility.reachable,
            may_join=eligibility.may_join,
            rule=eligibility.rule,
            reason=eligibility.reason,
        ),
        match_threshold=explanation.match_threshold,
        call_parts=[asdict(part) for part in explanation.call_parts],
        part_coverage=[float(c) for c in explanation.part_coverage],
    )


def candidate_public(
    fitted: Fitted,
    call_id: str,
    candidate: Candidate,
    rank: int,
    explain: bool,
    side: str | None = None,
) -> CandidatePublic:
    """One candidate, with its evidence (from ``side``) when asked for."""
    return CandidatePublic(
        rank=rank,
        profile=summary(fitted.dataset, candidate.profile.id),
        relevance=candidate.relevance,
        route=candidate.route,
        evidence=evidence(fitted, call_id, candidate.profile.id, side) if explain else None,
    )


def partner_public(dataset: Dataset, suggestion: PartnerSuggestion, rank: int) -> PartnerPublic:
    """One partner suggestion."""
    return PartnerPublic(
        rank=rank,
        profile=summary(dataset, suggestion.profile_id),
        score=suggestion.score,
        relevance=suggestion.relevance,
        joint_works=suggestion.joint_works,
        fills_country=suggestion.fills_country,
        route=suggestion.route,
        joint_titles=list(suggestion.joint_titles),
    )


def teams_public(result: TeamResult) -> TeamsPublic:
    """A team result: the best team, alternatives, or the reasons and relaxations."""
    return TeamsPublic(
        call_id=result.call_id,
        feasible=result.feasible,
        team=result.team,
        alternatives=list(result.alternatives),
        reasons=list(result.reasons),
        relaxations=[
            RelaxationPublic(
                description=r.description, steps=r.steps, objective=r.objective, team=r.team
            )
            for r in result.relaxations
        ],
    )


def whatif_public(report: WhatIfReport) -> WhatIfPublic:
    """A what-if report, per call before and after."""
    return WhatIfPublic(
        change=report.change,
        viable_before=report.viable_before,
        viable_after=report.viable_after,
        gained=report.gained,
        lost=report.lost,
        improved=report.improved,
        total_improvement=report.total_improvement,
        calls=[
            WhatIfCall(
                call_id=row.call_id,
                before=Outcome(**asdict(row.before)),
                after=Outcome(**asdict(row.after)),
                gained=row.gained,
                lost=row.lost,
                improvement=row.improvement,
            )
            for row in report.rows
        ],
    )


def side_of(fitted: Fitted, side: str | None) -> str | None:
    """The point of view an answer is computed from: ``side``, or the engine's default.
    Answer cache keys hold it, so that every side has its own answers."""
    return side if side is not None else fitted.matcher.side


def version_headers(engine: MatcherCache, fitted: Fitted) -> dict[str, str]:
    """``X-Data-Version`` (what the answer reflects), ``X-Data-Version-Latest`` (the
    newest version the engine watcher has seen) and, while a fit runs, ``X-Engine-Fitting``
    (the version being fitted)."""
    status = engine.status()
    latest = max(fitted.version, status.latest_version or 0)
    headers = {"X-Data-Version": str(fitted.version), "X-Data-Version-Latest": str(latest)}
    if status.fitting is not None:
        headers["X-Engine-Fitting"] = str(status.fitting)
    return headers


async def current_engine(engine: MatcherCache) -> Fitted:
    """The engine to answer from; only while there is none yet is the wait for the first
    fit moved off the event loop."""
    fitted = engine.served
    if fitted is not None:
        return fitted
    return await run_in_threadpool(engine.current)


ANSWER_THREADS = 4
"""Threads that compute answers at once. The work holds the GIL: more threads than this
only fight over it (fifty clients asking for fifty different partner lists ran slower
on forty threads), while the rest wait on the event loop at no cost."""

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _limiter() -> CapacityLimiter:
    """The answer threads' limiter of the running event loop (a limiter belongs to one)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(ANSWER_THREADS)
    return limiter


async def served(
    engine: MatcherCache,
    fitted: Fitted,
    key: tuple[object, ...],
    build: Callable[[], BaseModel],
) -> Response:
    """The answer ``build()`` gives on ``fitted``, serialised once per engine and ``key``.

    ``key`` must hold the endpoint and every parameter the answer depends on, and nothing
    about the caller: the cache is shared by every caller (answers carry no contact data,
    and role checks run before this). Errors raised by ``build`` are not cached. A cached
    answer is sent from the event loop (answer endpoints are ``async`` so that a hit costs
    no thread hop); a new one is computed in one of :data:`ANSWER_THREADS` threads, or on
    the loop when this endpoint's answers typically take under :data:`INLINE_SECONDS`.
    """
    body = fitted.answers.peek(key)
    if body is None:
        endpoint = str(key[0])
        if _typical_seconds.get(endpoint, math.inf) < INLINE_SECONDS:
            body = _compute(fitted, key, build, endpoint)
        else:
            body = await to_thread.run_sync(
                _compute, fitted, key, build, endpoint, limiter=_limiter()
            )
    return Response(body, media_type="application/json", headers=version_headers(engine, fitted))


INLINE_SECONDS = 0.002
"""An endpoint whose answers typically take less than this is computed on the event loop:
the hop to a thread and back costs about as much as such an answer (a partner list, 0.3 ms
at 50,000 profiles: 1,100 -> 1,490 req/s under 50 clients when computed on the loop), and
the loop is held no longer than the hop would have held it. An endpoint's first answer
always goes to a thread, so a slow kind is never run on the loop before it is measured."""

_typical_seconds: dict[str, float] = {}
"""Per endpoint, a moving average of how long computing an answer took."""


def _compute(
    fitted: Fitted, key: tuple[object, ...], build: Callable[[], BaseModel], endpoint: str
) -> bytes:
    started = time.perf_counter()
    body = fitted.answers.get(key, lambda: build().model_dump_json().encode())
    took = time.perf_counter() - started
    _typical_seconds[endpoint] = 0.8 * _typical_seconds.get(endpoint, took) + 0.2 * took
    return body
