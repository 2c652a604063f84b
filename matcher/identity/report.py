"""What identity resolution did: the merges with their confidence and evidence, and the
pairs left for a person to review."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

from matcher.io.atomic import write_text_atomic
from matcher.io.sources import PathArg

Kind = Literal["institution", "profile"]

REVIEW_COLUMNS: Final = (
    "kind",
    "first_id",
    "first_name",
    "second_id",
    "second_name",
    "confidence",
    "evidence",
)


@dataclass(frozen=True)
class Merge:
    """Records merged into one.

    Attributes
    ----------
    kind : {"institution", "profile"}
    kept : str
        The id the merged record keeps (the first in input order).
    merged : tuple of str
        The ids merged into it (they no longer exist; references to them now name ``kept``).
    names : tuple of str
        Every name of the group, ``kept``'s first.
    confidence : float
        The lowest confidence of the links that joined the group.
    evidence : tuple of str
        Why, link by link.
    """

    kind: Kind
    kept: str
    merged: tuple[str, ...]
    names: tuple[str, ...]
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ReviewItem:
    """Two records that may be one, not merged: below the threshold, or in conflict."""

    kind: Kind
    first_id: str
    first_name: str
    second_id: str
    second_name: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass
class IdentityReport:
    """The outcome of :func:`~matcher.identity.pipeline.resolve_identities`.

    Attributes
    ----------
    merges : list of Merge
    review : list of ReviewItem
    institution_ids, profile_ids : dict of str to str
        Every id that changed, to the id it became.
    reference_links : dict of str to str
        Institution ids (after merging) to the reference entry they resolved to
        (``world-universities:kemsu.ru``, a ROR id).
    counts : dict of str to int
        Records in and out, per kind.
    notes : list of str
        What a user should know about how far the comparison went (very common names).
    """

    merges: list[Merge] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    institution_ids: dict[str, str] = field(default_factory=dict)
    profile_ids: dict[str, str] = field(default_factory=dict)
    reference_links: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what went in, what came out, how many merges and review pairs."""
        parts = [
            f"{kind}: {self.counts.get(f'{kind}_in', 0)} -> {self.counts.get(f'{kind}_out', 0)}"
            for kind in ("institutions", "profiles")
        ]
        return (
            f"{'; '.join(parts)}; {len(self.merges)} merges, {len(self.review)} pairs to review, "
            f"{len(self.reference_links)} institutions linked to the reference"
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    def review_csv(self) -> str:
        """The review list as CSV (header :data:`REVIEW_COLUMNS`, evidence joined by ``; ``)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for item in self.review:
            writer.writerow(
                [
                    item.kind,
                    item.first_id,
                    item.first_name,
                    item.second_id,
                    item.second_name,
                    f"{item.confidence:.3f}",
                    "; ".join(item.evidence),
                ]
            )
        return buffer.getvalue()

    def write_review(self, path: PathArg) -> None:
        """Write :meth:`review_csv` to ``path`` atomically."""
        write_text_atomic(self.review_csv(), path)
