"""The bundled demo dataset and the small test fixture: they parse, they hang together, every
call can be staffed through the routes of the data, and the generator is deterministic,
reproduces the committed files byte for byte from its data files, and has what it writes
checked by the public loader."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from matcher.datasets import DEMO_DIR, demo_paths
from matcher.errors import InputError
from matcher.model import Application, Call, Institution, Office, Profile

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "small"
SCRIPT = ROOT / "scripts" / "generate_demo_data.py"
WORLD_TABLES = ROOT / "scripts" / "demo_world"
MODELS: dict[str, type[BaseModel]] = {
    "institutions": Institution,
    "offices": Office,
    "profiles": Profile,
    "calls": Call,
}
HOME = "RU"
# Calls that only become feasible when a negotiating office opens.
WHAT_IF = {
    "demo": {"c-ru-by-materials": "off-kuzbass-by"},
    "small": {"c-by-materials": "off-kuzbass-by"},
}
DIRS = {"demo": DEMO_DIR, "small": FIXTURE_DIR}
CYRILLIC = re.compile("[\u0400-\u04ff]")
HAN = re.compile("[\u4e00-\u9fff]")
LATIN = re.compile("[A-Za-z]")


class World:
    """The four files of a dataset folder, parsed line by line into the models."""

    def __init__(self, folder: Path) -> None:
        self.raw: dict[str, list[dict[str, Any]]] = {}
        parsed: dict[str, list[Any]] = {}
        for name, model in MODELS.items():
            lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            self.raw[name] = [json.loads(line) for line in lines]
            parsed[name] = [model(**obj) for obj in self.raw[name]]
        self.institutions: list[Institution] = parsed["institutions"]
        self.offices: list[Office] = parsed["offices"]
        self.profiles: list[Profile] = parsed["profiles"]
        self.calls: list[Call] = parsed["calls"]
        self.institution = {i.id: i for i in self.institutions}
        self.profile = {p.id: p for p in self.profiles}
        self.call = {c.id: c for c in self.calls}

    def open_offices(self, also: Iterable[str] = ()) -> set[str]:
        return {o.id for o in self.offices if o.status == "open"} | set(also)

    def route(self, profile: Profile, open_offices: set[str]) -> str | None:
        """The best route from Russia; ``office`` means only an open office in the country."""
        if profile.country == HOME:
            return "domestic"
        if any(self.profile[c].country == HOME for c in profile.collaborators):
            return "collaboration"
        opened = [o for o in self.offices if o.id in open_offices]
        if any(profile.institution in o.partner_institutions for o in opened):
            return "office_partner"
        inst = self.institution[profile.institution or ""]
        if any(self.institution[a].country == HOME for a in inst.agreements):
            return "agreement"
        if any(o.country == profile.country for o in opened):
            return "office"
        return None


@pytest.fixture(scope="module", params=sorted(DIRS))
def world(request: pytest.FixtureRequest) -> tuple[str, World]:
    return request.param, World(DIRS[request.param])


@pytest.fixture(scope="module")
def demo() -> World:
    return World(DEMO_DIR)


@pytest.fixture(scope="module")
def small() -> World:
    return World(FIXTURE_DIR)


def load_script() -> ModuleType:
    """The documented entry point, ``scripts/generate_demo_data.py``, loaded by path."""
    spec = importlib.util.spec_from_file_location("generate_demo_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_generator(name: str) -> ModuleType:
    """A module of the package behind the script, ``scripts/demo_generator`` (not installed)."""
    if str(SCRIPT.parent) not in sys.path:
        sys.path.insert(0, str(SCRIPT.parent))
    return importlib.import_module(f"demo_generator.{name}")


# ------------------------------------------------------------------------------------------
# Parsing and identity
# ------------------------------------------------------------------------------------------


def test_demo_paths_name_the_five_bundled_files() -> None:
    paths = demo_paths()
    assert set(paths) == {"profiles", "calls", "institutions", "offices", "applications"}
    for kind, path in paths.items():
        assert path == DEMO_DIR / f"{kind}.jsonl"
        assert path.is_file()
    assert (DEMO_DIR / "README.md").is_file()


def test_every_line_is_a_model_written_through_model_dump(world: tuple[str, World]) -> None:
    _, w = world
    for name, model in MODELS.items():
        assert w.raw[name], f"{name} is empty"
        for obj in w.raw[name]:
            record = model(**obj)
            # written with model_dump(mode="json", exclude_none=True): the round trip is exact
            assert record.model_dump(mode="json", exclude_none=True) == obj


def test_ids_are_unique_per_kind(world: tuple[str, World]) -> None:
    _, w = world
    for name in MODELS:
        ids = [obj["id"] for obj in w.raw[name]]
        assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


# ------------------------------------------------------------------------------------------
# References
# ------------------------------------------------------------------------------------------


def test_profiles_belong_to_described_institutions_of_their_country(
    world: tuple[str, World],
) -> None:
    _, w = world
    for p in w.profiles:
        assert p.institution in w.institution, p.id
        assert w.institution[p.institution].country == p.country, p.id


def test_offices_are_abroad_with_partners_in_their_host_country(world: tuple[str, World]) -> None:
    _, w = world
    for office in w.offices:
        assert office.home_country == HOME
        assert office.country != HOME
        assert office.partner_institutions, office.id
        for partner in office.partner_institutions:
            assert w.institution[partner].country == office.country, (office.id, partner)


def test_agreements_exist_and_are_symmetric(world: tuple[str, World]) -> None:
    _, w = world
    pairs = 0
    for inst in w.institutions:
        assert inst.id not in inst.agreements
        for other in inst.agreements:
            assert inst.id in w.institution[other].agreements, (inst.id, other)
            pairs += 1
    assert pairs >= 2 * 3


def test_joint_publications_are_the_same_on_every_coauthor(world: tuple[str, World]) -> None:
    _, w = world
    joint = 0
    for p in w.profiles:
        for pub in p.publications:
            for other in pub.coauthors:
                assert other != p.id and other in w.profile, (p.id, other)
                twins = [q for q in w.profile[other].publications if q.title == pub.title]
                assert len(twins) == 1, (p.id, other, pub.title)
                twin = twins[0]
                assert (twin.abstract, twin.year) == (pub.abstract, pub.year)
                assert sorted(twin.coauthors) == sorted({p.id, *pub.coauthors} - {other})
                joint += 1
    assert joint > 0


def test_collaborations_are_symmetric_and_cover_coauthors(world: tuple[str, World]) -> None:
    _, w = world
    for p in w.profiles:
        counts = Counter(p.collaborators)
        for other, n in counts.items():
            assert other in w.profile and other != p.id, (p.id, other)
            assert Counter(w.profile[other].collaborators)[p.id] == n, (p.id, other)
        coauthored = Counter(c for pub in p.publications for c in pub.coauthors)
        for other, n in coauthored.items():
            assert counts[other] >= n, (p.id, other)


# ------------------------------------------------------------------------------------------
# Calls can be staffed through the routes of the data
# ------------------------------------------------------------------------------------------

STRICT = {"domestic", "collaboration", "office_partner", "agreement"}


def topical_pool(w: World, call: Call, open_offices: set[str]) -> list[Profile]:
    """Profiles on the call's topic that its rules admit and a strict route reaches."""
    rules = call.rules
    topics = set((call.model_extra or {})["topics"])
    return [
        p
        for p in w.profiles
        if p.kind in rules.member_kinds
        and rules.country_is_eligible(p.country)
        and topics & set((p.model_extra or {})["topics"])
        and w.route(p, open_offices) in STRICT
    ]


def unmet_rules(call: Call, pool: list[Profile]) -> list[str]:
    """Rules that country, stage and institution counts of ``pool`` cannot meet."""
    rules = call.rules
    cap = rules.max_per_institution or len(pool)
    by_country: dict[str | None, Counter[str | None]] = defaultdict(Counter)
    for p in pool:
        by_country[p.country][p.institution] += 1
    available = {c: sum(min(n, cap) for n in insts.values()) for c, insts in by_country.items()}
    unmet = [
        f"{country} >= {need}"
        for country, need in rules.required_countries.items()
        if available.get(country, 0) < need
    ]
    stages = Counter(p.career_stage for p in pool)
    unmet += [f"{s} >= {k}" for s, k in rules.min_career_stage_counts.items() if stages[s] < k]
    if sum(available.values()) < rules.min_team_size:
        unmet.append(f"size >= {rules.min_team_size}")
    leads = [
        p
        for p in pool
        if (rules.lead_countries is None or p.country in rules.lead_countries)
        and (rules.lead_career_stages is None or p.career_stage in rules.lead_career_stages)
    ]
    if not leads:
        unmet.append("lead")
    return unmet


def test_every_call_can_be_staffed_except_the_what_if(world: tuple[str, World]) -> None:
    name, w = world
    what_if = WHAT_IF[name]
    for call in w.calls:
        unmet = unmet_rules(call, topical_pool(w, call, w.open_offices()))
        if call.id in what_if:
            assert unmet, f"{call.id} should need {what_if[call.id]}"
        else:
            assert not unmet, (call.id, unmet)


def test_the_what_if_call_is_staffed_once_its_office_opens(world: tuple[str, World]) -> None:
    name, w = world
    for call_id, office_id in WHAT_IF[name].items():
        office = next(o for o in w.offices if o.id == office_id)
        assert office.status == "negotiating"
        call = w.call[call_id]
        closed = topical_pool(w, call, w.open_offices())
        assert not [p for p in closed if p.country == office.country]
        opened = topical_pool(w, call, w.open_offices([office_id]))
        assert not unmet_rules(call, opened)
        assert {w.route(p, w.open_offices([office_id])) for p in opened if p.country != HOME} == {
            "office_partner"
        }


def test_belarus_is_reached_only_through_the_negotiating_office(demo: World) -> None:
    belarus = [p for p in demo.profiles if p.country == "BY"]
    assert len(belarus) >= 10
    assert all(demo.route(p, demo.open_offices()) is None for p in belarus)
    for inst in demo.institutions:
        if inst.country == "BY":
            assert all(demo.institution[a].country != HOME for a in inst.agreements)
    for p in belarus:
        assert all(demo.profile[c].country != HOME for c in p.collaborators)


# ------------------------------------------------------------------------------------------
# What the demo world contains
# ------------------------------------------------------------------------------------------


def title_language(title: str) -> str:
    """``zh`` with Chinese characters, ``ru`` with Cyrillic (even beside "CO2"), else ``en``."""
    if HAN.search(title):
        return "zh"
    return "ru" if CYRILLIC.search(title) else "en"


def publication_language(profile: Profile) -> str:
    """``en``/``ru``/``zh`` when all titles share that language, otherwise ``mixed``."""
    languages = {title_language(pub.title) for pub in profile.publications}
    return languages.pop() if len(languages) == 1 else "mixed"


def test_demo_consortium_offices_and_routes(demo: World) -> None:
    members = [i for i in demo.institutions if "REC Kuzbass" in i.consortia]
    assert Counter(i.kind for i in members) == {"university": 6, "research_centre": 2}
    assert {i.country for i in members} == {"RU"}
    assert any(
        i.country == "RU" and not i.consortia and i.kind == "university" for i in demo.institutions
    )
    status = {(o.operator, o.country): o.status for o in demo.offices}
    assert status[("REC Kuzbass", "CN")] == "open"
    assert status[("REC Kuzbass", "MN")] == "open"
    assert status[("REC Kuzbass", "BY")] == "negotiating"
    agency = [o for o in demo.offices if o.operator == "Rossotrudnichestvo"]
    assert {o.country for o in agency} >= {"KZ", "UZ", "KG", "AM"}
    assert all(o.status == "open" and "introductions" in o.services for o in agency)
    assert all(o.capacity is not None and 5 <= o.capacity <= 20 for o in demo.offices)
    routes = Counter(demo.route(p, demo.open_offices()) for p in demo.profiles)
    for kind in ("domestic", "collaboration", "office_partner", "agreement", "office", None):
        assert routes[kind] > 0, kind


def test_demo_profiles(demo: World) -> None:
    researchers = [p for p in demo.profiles if p.kind == "researcher"]
    assert 300 <= len(researchers) <= 400
    assert any(p.kind == "organization" for p in demo.profiles)
    countries = Counter(p.country for p in researchers)
    assert countries.most_common(1)[0][0] == "RU"
    assert all(countries[c] >= 15 for c in ("CN", "KZ", "MN", "BY"))
    assert {"UZ", "KG", "AM", "DE", "IN"} <= set(countries)
    assert {p.career_stage for p in researchers} == {"doctoral", "early", "mid", "senior"}
    assert all(1 <= p.capacity <= 3 for p in researchers)
    assert all(re.fullmatch(r"r-\d{4}", p.id) for p in researchers)
    pubs = [pub for p in researchers for pub in p.publications]
    assert all(2 <= len(p.publications) <= 8 for p in researchers)
    assert all(2012 <= pub.year <= 2025 for pub in pubs if pub.year is not None)
    assert any(pub.year is None for pub in pubs)
    assert any(not pub.abstract for pub in pubs)
    assert all(p.summary and p.keywords and p.contact and p.contact.phone for p in researchers)
    emails = [p.contact.email for p in researchers if p.contact and p.contact.email]
    assert len(emails) == len(set(emails)) > 200
    institutions = {p.id: demo.institution[p.institution or ""] for p in researchers}
    for p in researchers:
        if p.contact and p.contact.email:
            assert p.contact.email.endswith("@" + (institutions[p.id].model_extra or {})["domain"])
    assert sum(len((p.model_extra or {})["topics"]) == 2 for p in researchers) >= 20


def test_demo_publication_languages(demo: World) -> None:
    researchers = [p for p in demo.profiles if p.kind == "researcher"]
    russians = [p for p in researchers if p.country == "RU"]
    languages = Counter(publication_language(p) for p in russians)
    assert 0.10 <= languages["ru"] / len(russians) <= 0.20  # about 15% Russian only
    assert languages["en"] > len(russians) / 2  # most publish in English
    for p in russians:
        if publication_language(p) == "ru":
            assert "en" not in p.languages
            assert all(CYRILLIC.search(pub.abstract) for pub in p.publications if pub.abstract)
    chinese = [p for p in researchers if p.country == "CN"]
    assert 3 <= sum(publication_language(p) == "zh" for p in chinese) < len(chinese) / 2
    for country in ("KZ", "MN"):
        here = Counter(publication_language(p) for p in researchers if p.country == country)
        assert here["en"] > sum(here.values()) / 2
        assert here["mixed"] + here["ru"] > 0


def test_demo_titles_are_not_repeated_outside_joint_work(demo: World) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for p in demo.profiles:
        for pub in p.publications:
            owners[pub.title].add(p.id)
    for p in demo.profiles:
        for pub in p.publications:
            assert owners[pub.title] == {p.id, *pub.coauthors}, pub.title


def test_demo_calls(demo: World) -> None:
    assert 8 <= len(demo.calls) <= 14
    for call in demo.calls:
        assert call.deadline is not None and call.deadline.year == 2027
        assert call.funder and len(call.keywords) >= 4
        assert 3 <= call.description.count(". ") + 1 <= 8
        assert call.rules.required_countries, call.id
    required = [set(c.rules.required_countries) for c in demo.calls]
    for pair in ({"RU", "CN"}, {"RU", "KZ"}, {"RU", "MN"}, {"RU", "BY"}):
        assert pair in required
    assert {"RU"} in required  # domestic REC Kuzbass calls
    assert any(c.rules.lead_career_stages == ["senior"] for c in demo.calls)
    assert any(c.rules.min_career_stage_counts for c in demo.calls)
    assert any(len(c.rules.eligible_countries or []) > 4 for c in demo.calls)


def test_demo_readme_documents_command_and_attribution() -> None:
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    assert "python scripts/generate_demo_data.py --seed 2026" in readme
    assert "world-universities" in readme and "MIT" in readme
    assert "CSL" in readme and "Apache-2.0" in readme
    assert "c-ru-by-materials" in readme and "off-kuzbass-by" in readme


# ------------------------------------------------------------------------------------------
# The small fixture's documented expectations
# ------------------------------------------------------------------------------------------


def test_small_fixture_routes(small: World) -> None:
    now = small.open_offices()
    with_by = small.open_offices(["off-kuzbass-by"])
    expected = {
        "s-cn-agreement": ("agreement", "agreement"),
        "s-cn-zh": ("agreement", "agreement"),
        "s-cn-partner": ("office_partner", "office_partner"),
        "s-cn-office-only": ("office", "office"),
        "s-kz-reclaim": ("agreement", "agreement"),
        "s-kz-soil": ("office_partner", "office_partner"),
        "s-kz-water": ("office", "office"),
        "s-by-metal": (None, "office_partner"),
        "s-by-metal2": (None, "office_partner"),
        "s-by-edu": (None, "office"),
        "s-de-collab": ("collaboration", "collaboration"),
        "s-de-none": (None, None),
    }
    for profile_id, routes in expected.items():
        p = small.profile[profile_id]
        assert (small.route(p, now), small.route(p, with_by)) == routes, profile_id
    assert 25 <= len(small.profiles) <= 35 and len(small.calls) == 3


def test_small_fixture_languages_and_pairs(small: World) -> None:
    ruonly = small.profile["s-ru-ruonly"]
    assert ruonly.languages == ["ru"]
    texts = [ruonly.summary, *ruonly.keywords] + [
        part for pub in ruonly.publications for part in (pub.title, pub.abstract)
    ]
    assert all(CYRILLIC.search(t) and not LATIN.search(t) for t in texts)
    assert all(HAN.search(pub.title) for pub in small.profile["s-cn-zh"].publications)
    for a, b in (
        ("s-ru-methane", "s-ru-ventilation"),
        ("s-ru-reclaim", "s-de-collab"),
        ("s-by-metal", "s-by-metal2"),
    ):
        shared = {pub.title for pub in small.profile[a].publications} & {
            pub.title for pub in small.profile[b].publications
        }
        assert len(shared) == 1, (a, b)
    assert small.profile["s-ru-metal"].collaborators == ["s-ru-metal-junior"]


def test_small_fixture_methane_expert_wins_a_lexical_ranking(small: World) -> None:
    """The fixture's first expectation holds even for plain TF-IDF over publications."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [(p.id, pub.text) for p in small.profiles for pub in p.publications]
    call = small.call["c-methane"]
    vectorizer = TfidfVectorizer(sublinear_tf=True).fit([t for _, t in texts] + [call.text])
    matrix = vectorizer.transform([t for _, t in texts])
    scores = (matrix @ vectorizer.transform([call.text]).T).toarray().ravel()
    best: dict[str, float] = defaultdict(float)
    for (profile_id, _), score in zip(texts, scores, strict=True):
        best[profile_id] = max(best[profile_id], float(score))
    ranking = sorted(best, key=lambda k: -best[k])
    assert ranking[0] == "s-ru-methane"
    for distractor in ("s-ru-coalchem", "s-ru-food", "s-ru-edu", "s-ru-ruonly"):
        assert ranking.index(distractor) > ranking.index("s-ru-ventilation")


# ------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    script = load_script()
    out, fixture = tmp_path / "demo", tmp_path / "small"
    assert script.main(["--out", str(out), "--fixture-out", str(fixture), "--quiet"]) == 0
    for name in MODELS:
        assert (out / f"{name}.jsonl").read_bytes() == (DEMO_DIR / f"{name}.jsonl").read_bytes()
        assert (fixture / f"{name}.jsonl").read_bytes() == (
            FIXTURE_DIR / f"{name}.jsonl"
        ).read_bytes()
    applications = "applications.jsonl"
    assert (out / applications).read_bytes() == (DEMO_DIR / applications).read_bytes()
    assert not (fixture / applications).exists()  # the small fixture has no competition
    assert (out / "README.md").read_bytes() == (DEMO_DIR / "README.md").read_bytes()


def test_generator_depends_on_its_seed_only(tmp_path: Path) -> None:
    world, dataset = load_generator("world"), load_generator("dataset")
    seven, default = world.generate(7), world.generate()
    first = [dataset.to_json_line(p) for p in [*seven.profiles, *seven.applications]]
    again = [
        dataset.to_json_line(p)
        for p in [*world.generate(7).profiles, *world.generate(7).applications]
    ]
    other = [dataset.to_json_line(p) for p in [*default.profiles, *default.applications]]
    assert first == again
    assert first != other


def test_an_application_breaking_other_rules_than_meant_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    competition, world = load_generator("competition"), load_generator("world")
    spec = competition.SPECS[0]
    wrong = dataclasses.replace(spec, breaks=("max_team_size",))
    monkeypatch.setattr(competition, "SPECS", (wrong, *competition.SPECS[1:]))

    with pytest.raises(competition.CompetitionError, match="app-methane-01: meant to break"):
        world.generate()


def test_world_tables_are_readable_utf8_json() -> None:
    """Hand-editable: real Cyrillic and Chinese text, never ``\\u`` escapes."""
    texts = {path.name: path.read_text(encoding="utf-8") for path in WORLD_TABLES.glob("*.json")}
    assert {"institutions.json", "topics.json", "calls.json", "small_fixture.json"} <= set(texts)
    for name, text in texts.items():
        assert isinstance(json.loads(text), dict), name
        assert "\\u" not in text, name
    assert CYRILLIC.search(texts["topics.json"]) and HAN.search(texts["chinese_papers.json"])


def test_a_broken_reference_is_reported_by_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A generator bug surfaces as the loader's located error, and nothing is written."""
    cli = load_generator("cli")
    world = load_generator("fixture").small_fixture()
    first = world.profiles[0].model_copy(update={"collaborators": ["s-nobody"]})
    broken = dataclasses.replace(world, profiles=[first, *world.profiles[1:]])
    with pytest.raises(InputError) as raised:
        load_generator("dataset").write_validated(broken, tmp_path / "direct")
    assert (Path(raised.value.path or "").name, raised.value.line) == ("profiles.jsonl", 1)
    assert raised.value.field == "collaborators.0" and "s-nobody" in raised.value.reason
    assert not list((tmp_path / "direct").iterdir())

    monkeypatch.setattr(cli, "generate", lambda seed: broken)  # the name main() looks up
    out = tmp_path / "demo"
    assert cli.main(["--out", str(out), "--skip-fixture", "--quiet"]) == 1
    assert "profiles.jsonl:1: field 'collaborators.0'" in capsys.readouterr().err
    assert not list(out.iterdir())


# ------------------------------------------------------------------------------------------
# The demo's grant competition
# ------------------------------------------------------------------------------------------


def _documented_failures() -> dict[str, set[str]]:
    """Application id -> the rules the demo README's table says it breaks."""
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Grant competition", 1)[1].split("| application |", 1)[1]
    found: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("| `app-"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        found[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[4]))
    return found


@pytest.fixture(scope="module")
def demo_competition() -> tuple[Any, list[Application]]:
    from matcher import Matcher, load_demo, read_applications
    from tests.conftest import KeywordEncoder

    dataset = load_demo()
    applications = read_applications(demo_paths()["applications"], dataset=dataset)
    return Matcher(KeywordEncoder(), cache_path=None).fit(dataset), applications


def test_demo_applications_fail_exactly_the_rules_their_readme_documents(
    demo_competition: tuple[Any, list[Application]],
) -> None:
    from matcher.competitions import check_competition

    matcher, applications = demo_competition
    documented = _documented_failures()

    report = check_competition(matcher, applications, fixes=False)

    assert {check.application_id: set(check.rules) for check in report.checks} == documented
    assert len(applications) >= 12 and len({a.call_id for a in applications}) == 3
    assert sum(check.ok for check in report.checks) >= 5  # eligible teams too
    failing = {rule for check in report.failing for rule in check.rules}
    assert {r.partition(":")[0] for r in failing} >= {
        "required_countries",
        "lead_countries",
        "lead_career_stages",
        "max_per_institution",
        "eligible_countries",
        "min_team_size",
        "max_team_size",
        "min_career_stage_counts",
        "member_kinds",
        "unreachable",
    }


def test_demo_applications_are_written_from_their_calls_field(demo: World) -> None:
    lines = (DEMO_DIR / "applications.jsonl").read_text(encoding="utf-8").splitlines()
    applications = [Application(**json.loads(line)) for line in lines]
    vocabulary = json.loads((WORLD_TABLES / "topics.json").read_text(encoding="utf-8"))["topics"]
    for application in applications:
        topic = demo.call[application.call_id].model_extra["topics"][0]  # type: ignore[index]
        assert set(application.keywords) <= set(vocabulary[topic]["keywords"])
        assert application.abstract and application.budget
        assert application.lead == application.team[0]
        deadline = demo.call[application.call_id].deadline
        assert application.submitted is not None and deadline is not None
        assert application.submitted < deadline
        # Every template slot is filled (a finding's numbers were once left as "{p}%").
        assert "{" not in application.title + application.abstract, application.id


def test_demo_experts_are_senior_or_experienced_researchers(demo: World) -> None:
    experts = [p for p in demo.profiles if p.expert]
    assert all(p.kind == "researcher" for p in experts)
    for profile in demo.profiles:
        experienced = profile.career_stage == "mid" and len(profile.publications) >= 6
        expected = profile.kind == "researcher" and (
            profile.career_stage == "senior" or experienced
        )
        assert profile.expert == expected, profile.id
    assert len({p.country for p in experts}) >= 8


def test_every_demo_application_has_k_conflict_free_experts_of_distinct_institutions(
    demo: World,
) -> None:
    """Enough reviewers for k on every application: not a member, not of a member's
    institution, no joint work with a member, not declared in conflict."""
    lines = (DEMO_DIR / "applications.jsonl").read_text(encoding="utf-8").splitlines()
    applications = [Application(**json.loads(line)) for line in lines]
    experts = [p for p in demo.profiles if p.expert]
    for application in applications:
        team = [demo.profile[m] for m in application.team]
        institutions = {p.institution for p in team}
        linked = {c for p in team for c in p.collaborators} | {
            c for p in team for pub in p.publications for c in pub.coauthors
        }
        free = [
            e
            for e in experts
            if e.id not in application.team
            and e.institution not in institutions
            and e.id not in linked
            and e.id not in application.conflicts
        ]
        k = demo.call[application.call_id].review.reviewers_per_application
        assert len({e.institution for e in free}) >= k, application.id
    # The pool's load (every expert at the lowest max_load) covers every review slot.
    slots = sum(demo.call[a.call_id].review.reviewers_per_application for a in applications)
    lowest = min(demo.call[a.call_id].review.max_load for a in applications)
    assert len(experts) * lowest >= slots


def test_demo_competition_calls_have_review_settings(demo: World) -> None:
    competition = {
        json.loads(line)["call_id"]
        for line in (DEMO_DIR / "applications.jsonl").read_text(encoding="utf-8").splitlines()
    }
    for call_id in competition:
        review = demo.call[call_id].review
        assert review.reviewers_per_application == 3 and review.max_load < 6
    assert demo.call["c-rsf-lung-health"].review.objective == "fair"
    assert demo.call["c-rsf-nsfc-methane"].review.outside_reviewer
    assert demo.call["c-cis-education"].review.one_per_country
