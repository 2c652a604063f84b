"""Who leads the demo's suggested teams, with and without the lead-seniority weight.

For each weight, every demo call's best team (exact solver, ``tfidf`` backend so that no model
is needed): how many teams are led by someone less senior (by career stage) than one of their
members, the leads' stages, and how far below the team's most relevant member the lead is.

Usage (from the repository root)::

    python benchmarks/lead_seniority.py
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher import Matcher, load_demo
from matcher.teams import TeamObjective

ORDER = {"doctoral": 0, "early": 1, "mid": 2, "senior": 3, None: -1}


def main() -> None:
    dataset = load_demo()
    for weight in (0.0, 0.3):
        objective = TeamObjective(lead_seniority_weight=weight)
        matcher = Matcher("tfidf", cache_path=None, team_objective=objective).fit(dataset)
        junior, staffed, stages, gaps = 0, 0, [], []
        for call in dataset.calls:
            team = matcher.team(call.id, relax=False).team
            if team is None:
                continue
            staffed += 1
            lead = dataset.profile(team.lead.profile_id)
            stages.append(lead.career_stage or "?")
            most_senior = max(
                ORDER[dataset.profile(m.profile_id).career_stage] for m in team.members
            )
            junior += ORDER[lead.career_stage] < most_senior
            gaps.append(max(m.relevance for m in team.members) - team.lead.relevance)
        print(
            f"lead_seniority_weight {weight}: {staffed} teams, {junior} led by someone less "
            f"senior than a member; leads {', '.join(stages)}; lead relevance below the best "
            f"member, mean {sum(gaps) / max(1, len(gaps)):.3f}"
        )


if __name__ == "__main__":
    main()
