"""A dataset's four record lists, and writing them only once the loader accepts them."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel

from matcher import load_dataset
from matcher.io import read_applications
from matcher.model import Application, Call, Institution, Office, Profile

FILES = ("institutions", "offices", "profiles", "calls")


@dataclass
class World:
    """The four record lists of a dataset, and the applications of a competition (written to
    ``applications.jsonl`` when there are any)."""

    institutions: list[Institution]
    offices: list[Office]
    profiles: list[Profile]
    calls: list[Call]
    applications: list[Application] = field(default_factory=list)

    def records(self) -> dict[str, Sequence[BaseModel]]:
        """The record lists by file name, in the order the files are written."""
        return {name: getattr(self, name) for name in FILES}

    @cached_property
    def profile_index(self) -> dict[str, Profile]:
        """Profiles by id (the checks and the README look collaborators up)."""
        return {p.id: p for p in self.profiles}

    @cached_property
    def institution_index(self) -> dict[str, Institution]:
        """Institutions by id."""
        return {i.id: i for i in self.institutions}


def to_json_line(record: BaseModel) -> str:
    """One record as a JSON line: non-ASCII kept readable, ``None`` fields left out."""
    return json.dumps(record.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


def write_world(world: World, out_dir: Path) -> list[Path]:
    """Write the four JSON Lines files (``\\n`` line ends, UTF-8), and the applications when
    there are any, and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    files: dict[str, Sequence[BaseModel]] = dict(world.records())
    if world.applications:
        files["applications"] = world.applications
    for name, records in files.items():
        path = out_dir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(to_json_line(record) + "\n")
        paths.append(path)
    return paths


def write_validated(world: World, out_dir: Path) -> list[Path]:
    """Write the four files into ``out_dir`` once :func:`matcher.load_dataset` accepts them.

    The loader owns the reference rules (unique ids, known institutions, office partners,
    agreements, collaborators and coauthors), so a generator bug surfaces as the loader's
    error naming file, line and field. The files are staged next to their targets and moved
    over them only when they load: a rejected world leaves ``out_dir`` as it was.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".staging-") as staging:
        paths = {path.stem: path for path in write_world(world, Path(staging))}
        dataset = load_dataset(
            paths["profiles"],
            paths["calls"],
            institutions=paths["institutions"],
            offices=paths["offices"],
        )
        if "applications" in paths:
            read_applications(paths["applications"], dataset=dataset)
        return [path.replace(out_dir / path.name) for path in paths.values()]
