"""Generate grantmatch's bundled demo dataset and the small test fixture.

The demo world: the regional research and education centre "REC Kuzbass" (six universities
and two research centres of the Kemerovo region) looks for foreign partners to staff grant
calls. It reaches them through its representative offices in China and Mongolia (open) and
Belarus (in negotiation), through the offices of Rossotrudnichestvo in Central Asia and the
Caucasus, through cooperation agreements signed at rectors' forums, and through past joint work.

Institutions are real (names and web domains mostly from the Hipo world-universities list);
the people, their publications, contacts, agreements, offices' partner lists and the calls are
invented for the demo. Some Chinese publication texts are real paper abstracts from the CSL
benchmark (Apache-2.0, see ``CSL_PAPERS``).

Everything is drawn from ``random.Random(seed)``: the same seed gives byte-identical files.
Every record is validated by constructing the pydantic models of :mod:`matcher.model` and
is written through ``model_dump(mode="json", exclude_none=True)``.

Usage (from the repository root)::

    python scripts/generate_demo_data.py                # demo dataset + small fixture
    python scripts/generate_demo_data.py --seed 7 --out /tmp/demo --skip-fixture

Writes ``matcher/datasets/demo/{institutions,offices,profiles,calls}.jsonl`` and its
``README.md``, and ``tests/fixtures/small/*.jsonl`` (the fixture's README is hand-written).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from matcher.model import Call, Institution, Office, Profile  # noqa: E402

DEFAULT_SEED = 2026
DEFAULT_OUT = REPO_ROOT / "matcher" / "datasets" / "demo"
DEFAULT_FIXTURE_OUT = REPO_ROOT / "tests" / "fixtures" / "small"
COMMAND = "python scripts/generate_demo_data.py --seed 2026"
CONSORTIUM = "REC Kuzbass"
FILES = ("institutions", "offices", "profiles", "calls")

# =============================================================================================
# Institutions
# =============================================================================================


@dataclass(frozen=True)
class InstitutionSpec:
    """One institution of the demo world and how many researchers it gets, on which topics.

    ``topics`` maps a topic slug to a weight; ``region``/``region_ru`` are used in generated
    texts ("in Kuzbass", "... Кузбасса" in the genitive). ``source`` says where the name
    comes from: ``world-universities`` (Hipo list, MIT) or ``curated`` (written here).
    """

    id: str
    name: str
    country: str
    kind: str
    city: str
    region: str
    region_ru: str
    n_researchers: int
    topics: dict[str, int]
    domain: str | None = None
    source: str = "world-universities"
    aliases: tuple[str, ...] = ()
    consortium: bool = False
    phone_prefix: str = ""


# fmt: off
INSTITUTIONS: tuple[InstitutionSpec, ...] = (
    # --- REC Kuzbass: six universities and two research centres ------------------------------
    InstitutionSpec(
        id="ru-kemsu", name="Kemerovo State University", country="RU", kind="university",
        city="Kemerovo", region="Kuzbass", region_ru="Кузбасса", n_researchers=30,
        topics={
            "education": 2, "water": 2, "food": 2, "air_quality": 2, "digital": 1, "reclamation": 1,
        },
        domain="kemsu.ru", consortium=True, phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-kuzstu", name="Kuzbass State Technical University", country="RU", kind="university",
        city="Kemerovo", region="Kuzbass", region_ru="Кузбасса", n_researchers=32,
        topics={"mine_safety": 4, "reclamation": 2, "digital": 2, "hydrogen": 2, "coal_chem": 1},
        domain="kuzstu.ac.ru", aliases=("T.F. Gorbachev Kuzbass State Technical University",),
        consortium=True, phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-sibsiu", name="Siberian State Industrial University", country="RU",
        kind="university", city="Novokuznetsk", region="Kuzbass", region_ru="Кузбасса",
        n_researchers=22, topics={"metallurgy": 4, "air_quality": 2, "hydrogen": 1, "digital": 1},
        domain="sibsiu.kemerovo.su", consortium=True, phone_prefix="+7 3843",
    ),
    InstitutionSpec(
        id="ru-kemsmu", name="Kemerovo State Medical University", country="RU", kind="university",
        city="Kemerovo", region="Kuzbass", region_ru="Кузбасса", n_researchers=16,
        topics={"occ_health": 5, "air_quality": 1}, domain="kemsmu.ru", source="curated",
        consortium=True, phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-ksaa", name="Kuzbass State Agricultural Academy", country="RU", kind="university",
        city="Kemerovo", region="Kuzbass", region_ru="Кузбасса", n_researchers=14,
        topics={"agri_soil": 4, "reclamation": 2, "food": 1}, domain="ksai.ru", source="curated",
        consortium=True, phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-kemtipp", name="Kemerovo Institute of Food Science and Technology", country="RU",
        kind="university", city="Kemerovo", region="Kuzbass", region_ru="Кузбасса",
        n_researchers=12, topics={"food": 5, "agri_soil": 1}, domain="kemtipp.ru", source="curated",
        consortium=True, phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-fccc", name="Federal Research Center of Coal and Coal Chemistry SB RAS",
        country="RU", kind="research_centre", city="Kemerovo", region="Kuzbass",
        region_ru="Кузбасса", n_researchers=12,
        topics={"coal_chem": 4, "hydrogen": 2, "mine_safety": 1}, source="curated", consortium=True,
        phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-ihe", name="Institute of Human Ecology SB RAS", country="RU", kind="research_centre",
        city="Kemerovo", region="Kuzbass", region_ru="Кузбасса", n_researchers=10,
        topics={"occ_health": 2, "reclamation": 2, "air_quality": 2}, source="curated",
        consortium=True, phone_prefix="+7 3842",
    ),
    # --- other Russian institutions, an (invented) company and an agency ---------------------
    InstitutionSpec(
        id="ru-tsu", name="Tomsk State University", country="RU", kind="university", city="Tomsk",
        region="Tomsk region", region_ru="Томской области", n_researchers=10,
        topics={"education": 2, "water": 1, "reclamation": 1, "digital": 1}, domain="tsu.ru",
        phone_prefix="+7 3822",
    ),
    InstitutionSpec(
        id="ru-tpu", name="Tomsk Polytechnic University", country="RU", kind="university",
        city="Tomsk", region="Tomsk region", region_ru="Томской области", n_researchers=9,
        topics={"hydrogen": 2, "coal_chem": 1, "digital": 1}, domain="tpu.ru",
        phone_prefix="+7 3822",
    ),
    InstitutionSpec(
        id="ru-nsu", name="Novosibirsk State University", country="RU", kind="university",
        city="Novosibirsk", region="Novosibirsk region", region_ru="Новосибирской области",
        n_researchers=8, topics={"digital": 2, "coal_chem": 1, "education": 1}, domain="nsu.ru",
        phone_prefix="+7 383",
    ),
    InstitutionSpec(
        id="ru-susu", name="South Ural State University", country="RU", kind="university",
        city="Chelyabinsk", region="the South Urals", region_ru="Южного Урала", n_researchers=9,
        topics={"metallurgy": 2, "digital": 1, "education": 1}, domain="susu.ru", source="curated",
        phone_prefix="+7 351",
    ),
    InstitutionSpec(
        id="ru-spmi", name="Empress Catherine II Saint Petersburg Mining University", country="RU",
        kind="university", city="Saint Petersburg", region="northern Russia",
        region_ru="Северо-Запада России", n_researchers=5,
        topics={"mine_safety": 2, "reclamation": 1}, domain="spmi.edu.ru",
        aliases=("St. Petersburg State Mining Institute (Technical University)",),
        phone_prefix="+7 812",
    ),
    InstitutionSpec(
        id="ru-ciced", name="Center for International Cooperation in Education Development",
        country="RU", kind="research_centre", city="Moscow", region="the CIS countries",
        region_ru="стран СНГ", n_researchers=5, topics={"education": 1}, source="curated",
        phone_prefix="+7 495",
    ),
    InstitutionSpec(
        id="ru-sibmine", name="Sibmine Digital LLC (fictional)", country="RU", kind="company",
        city="Kemerovo", region="Kuzbass", region_ru="Кузбасса", n_researchers=0, topics={},
        source="curated", phone_prefix="+7 3842",
    ),
    InstitutionSpec(
        id="ru-rossotrudnichestvo", name="Rossotrudnichestvo", country="RU", kind="agency",
        city="Moscow", region="Russia", region_ru="России", n_researchers=0, topics={},
        source="curated",
        aliases=(
            "Federal Agency for the Commonwealth of Independent States Affairs, Compatriots "
            "Living Abroad, and International Humanitarian Cooperation",
        ),
        phone_prefix="+7 495",
    ),
    # --- China ---------------------------------------------------------------------------------
    InstitutionSpec(
        id="cn-cumt", name="China University of Mining and Technology", country="CN",
        kind="university", city="Xuzhou", region="the Huainan coalfield", region_ru="Китая",
        n_researchers=10, topics={"mine_safety": 3, "reclamation": 1, "coal_chem": 1},
        domain="cumt.edu.cn", aliases=("China University of Mining Technology - Xuzhou",),
        phone_prefix="+86 516",
    ),
    InstitutionSpec(
        id="cn-lntu", name="Liaoning Technical University", country="CN", kind="university",
        city="Fuxin", region="Liaoning province", region_ru="Китая", n_researchers=6,
        topics={"mine_safety": 2, "reclamation": 1}, domain="lntu.edu.cn", phone_prefix="+86 418",
    ),
    InstitutionSpec(
        id="cn-tyut", name="Taiyuan University of Technology", country="CN", kind="university",
        city="Taiyuan", region="Shanxi province", region_ru="Китая", n_researchers=7,
        topics={"coal_chem": 2, "hydrogen": 1, "mine_safety": 1}, domain="tyut.edu.cn",
        phone_prefix="+86 351",
    ),
    InstitutionSpec(
        id="cn-hit", name="Harbin Institute of Technology", country="CN", kind="university",
        city="Harbin", region="Heilongjiang province", region_ru="Китая", n_researchers=8,
        topics={"digital": 2, "hydrogen": 1, "metallurgy": 1, "coal_chem": 1}, domain="hit.edu.cn",
        phone_prefix="+86 451",
    ),
    InstitutionSpec(
        id="cn-tsinghua", name="Tsinghua University", country="CN", kind="university",
        city="Beijing", region="northern China", region_ru="Китая", n_researchers=6,
        topics={"digital": 1, "hydrogen": 1, "air_quality": 1, "coal_chem": 1},
        domain="tsinghua.edu.cn", phone_prefix="+86 10",
    ),
    InstitutionSpec(
        id="cn-neu", name="Northeastern University", country="CN", kind="university",
        city="Shenyang", region="northeast China", region_ru="Китая", n_researchers=6,
        topics={"metallurgy": 2, "digital": 1}, domain="neu.edu.cn", phone_prefix="+86 24",
    ),
    InstitutionSpec(
        id="cn-imu", name="Inner Mongolia University", country="CN", kind="university",
        city="Hohhot", region="Inner Mongolia", region_ru="Китая", n_researchers=5,
        topics={"agri_soil": 1, "water": 1, "reclamation": 1}, domain="imu.edu.cn",
        phone_prefix="+86 471",
    ),
    InstitutionSpec(
        id="cn-cau", name="China Agricultural University", country="CN", kind="university",
        city="Beijing", region="the North China Plain", region_ru="Китая", n_researchers=5,
        topics={"agri_soil": 2, "food": 1}, domain="cau.edu.cn", phone_prefix="+86 10",
    ),
    InstitutionSpec(
        id="cn-lzu", name="Lanzhou University", country="CN", kind="university", city="Lanzhou",
        region="the Hexi Corridor", region_ru="Китая", n_researchers=5,
        topics={"water": 2, "reclamation": 1}, domain="lzu.edu.cn", phone_prefix="+86 931",
    ),
    InstitutionSpec(
        id="cn-hrbmu", name="Harbin Medical University", country="CN", kind="university",
        city="Harbin", region="Heilongjiang province", region_ru="Китая", n_researchers=3,
        topics={"occ_health": 1}, domain="hrbmu.edu.cn", phone_prefix="+86 451",
    ),
    # --- Mongolia ------------------------------------------------------------------------------
    InstitutionSpec(
        id="mn-num", name="National University of Mongolia", country="MN", kind="university",
        city="Ulaanbaatar", region="central Mongolia", region_ru="Монголии", n_researchers=7,
        topics={"water": 1, "education": 1, "reclamation": 1}, domain="num.edu.mn",
        aliases=("Mongolian National University",), phone_prefix="+976 11",
    ),
    InstitutionSpec(
        id="mn-must", name="Mongolian University of Science and Technology", country="MN",
        kind="university", city="Ulaanbaatar", region="the South Gobi", region_ru="Монголии",
        n_researchers=8, topics={"mine_safety": 2, "reclamation": 1, "metallurgy": 1},
        domain="must.edu.mn", phone_prefix="+976 11",
    ),
    InstitutionSpec(
        id="mn-msua", name="Mongolian State University of Agriculture", country="MN",
        kind="university", city="Ulaanbaatar", region="the Mongolian steppe", region_ru="Монголии",
        n_researchers=5, topics={"agri_soil": 3, "food": 1}, domain="msua.edu.mn",
        phone_prefix="+976 11",
    ),
    InstitutionSpec(
        id="mn-hsum", name="Health Sciences University of Mongolia", country="MN",
        kind="university", city="Ulaanbaatar", region="Mongolia", region_ru="Монголии",
        n_researchers=4, topics={"occ_health": 1}, domain="hsum-ac.mn",
        aliases=("Health sciences University of Mongolia",), phone_prefix="+976 11",
    ),
    InstitutionSpec(
        id="mn-msue", name="Mongolian State University of Education", country="MN",
        kind="university", city="Ulaanbaatar", region="Mongolia", region_ru="Монголии",
        n_researchers=3, topics={"education": 1}, domain="msue.edu.mn", phone_prefix="+976 11",
    ),
    # --- Kazakhstan ----------------------------------------------------------------------------
    InstitutionSpec(
        id="kz-kaznpu", name="Abai Kazakh National Pedagogical University", country="KZ",
        kind="university", city="Almaty", region="Kazakhstan", region_ru="Казахстана",
        n_researchers=6, topics={"education": 1}, domain="kaznpu.kz",
        aliases=("Abai State University",), phone_prefix="+7 727",
    ),
    InstitutionSpec(
        id="kz-kaznu", name="Al-Farabi Kazakh National University", country="KZ", kind="university",
        city="Almaty", region="the Ili river basin", region_ru="бассейна реки Или", n_researchers=8,
        topics={"water": 2, "reclamation": 1, "digital": 1}, domain="kaznu.kz",
        phone_prefix="+7 727",
    ),
    InstitutionSpec(
        id="kz-kstu", name="Karaganda State Technical University", country="KZ", kind="university",
        city="Karaganda", region="the Karaganda coal basin",
        region_ru="Карагандинского угольного бассейна", n_researchers=7,
        topics={"mine_safety": 2, "reclamation": 1, "metallurgy": 1}, domain="kstu.kz",
        aliases=("Abylkas Saginov Karaganda Technical University",), phone_prefix="+7 7212",
    ),
    InstitutionSpec(
        id="kz-enu", name="L.N. Gumilyov Eurasian National University", country="KZ",
        kind="university", city="Astana", region="Kazakhstan", region_ru="Казахстана",
        n_researchers=6, topics={"education": 1, "water": 1, "digital": 1}, domain="enu.kz",
        phone_prefix="+7 7172",
    ),
    InstitutionSpec(
        id="kz-ektu", name="D. Serikbayev East Kazakhstan Technical University", country="KZ",
        kind="university", city="Ust-Kamenogorsk", region="East Kazakhstan",
        region_ru="Восточного Казахстана", n_researchers=5,
        topics={"metallurgy": 2, "air_quality": 1}, domain="ektu.kz",
        aliases=("East Kazakstan State Technical University",), phone_prefix="+7 7232",
    ),
    InstitutionSpec(
        id="kz-ksu", name="Karaganda State Buketov University", country="KZ", kind="university",
        city="Karaganda", region="Central Kazakhstan", region_ru="Центрального Казахстана",
        n_researchers=4, topics={"education": 1, "coal_chem": 1}, domain="ksu.kz",
        phone_prefix="+7 7212",
    ),
    InstitutionSpec(
        id="kz-ssmu", name="Semey State Medical University", country="KZ", kind="university",
        city="Semey", region="the Semey region", region_ru="Семейского региона", n_researchers=3,
        topics={"occ_health": 1}, domain="sgma.kz", phone_prefix="+7 7222",
    ),
    InstitutionSpec(
        id="kz-satbayev", name="Satbayev University", country="KZ", kind="university",
        city="Almaty", region="Kazakhstan", region_ru="Казахстана", n_researchers=4,
        topics={"mine_safety": 1, "water": 1, "hydrogen": 1}, domain="kazntu.kz",
        aliases=("Kazak National Technical University",), phone_prefix="+7 727",
    ),
    # --- Belarus: reachable only once the REC Kuzbass office in Minsk opens ------------------
    InstitutionSpec(
        id="by-bsu", name="Belarusian State University", country="BY", kind="university",
        city="Minsk", region="Belarus", region_ru="Беларуси", n_researchers=6,
        topics={"education": 1, "digital": 1, "air_quality": 1}, domain="bsu.by",
        phone_prefix="+375 17",
    ),
    InstitutionSpec(
        id="by-bntu", name="Belarusian National Technical University", country="BY",
        kind="university", city="Minsk", region="Belarus", region_ru="Беларуси", n_researchers=6,
        topics={"metallurgy": 3, "hydrogen": 1}, domain="bntu.by", phone_prefix="+375 17",
    ),
    InstitutionSpec(
        id="by-bsmu", name="Belarusian State Medical University", country="BY", kind="university",
        city="Minsk", region="Belarus", region_ru="Беларуси", n_researchers=3,
        topics={"occ_health": 1}, domain="bsmu.by", phone_prefix="+375 17",
    ),
    InstitutionSpec(
        id="by-baa", name="Belarusian State Agricultural Academy", country="BY", kind="university",
        city="Gorki", region="Belarus", region_ru="Беларуси", n_researchers=3,
        topics={"agri_soil": 1}, domain="baa.by", phone_prefix="+375 2233",
    ),
    InstitutionSpec(
        id="by-iseu", name="International Sakharov Environmental University", country="BY",
        kind="university", city="Minsk", region="Belarus", region_ru="Беларуси", n_researchers=3,
        topics={"air_quality": 1, "reclamation": 1}, domain="iseu.by", phone_prefix="+375 17",
    ),
    # --- other CIS countries -------------------------------------------------------------------
    InstitutionSpec(
        id="uz-nuu", name="National University of Uzbekistan", country="UZ", kind="university",
        city="Tashkent", region="Uzbekistan", region_ru="Узбекистана", n_researchers=4,
        topics={"education": 1, "water": 1}, domain="nuu.uz", phone_prefix="+998 71",
    ),
    InstitutionSpec(
        id="uz-tiim", name="Tashkent Institute of Irrigation and Melioration", country="UZ",
        kind="university", city="Tashkent", region="the Amu Darya basin",
        region_ru="бассейна Амударьи", n_researchers=4, topics={"water": 1}, domain="tiim.uz",
        phone_prefix="+998 71",
    ),
    InstitutionSpec(
        id="kg-krsu", name="Kyrgyz Russian Slavic University", country="KG", kind="university",
        city="Bishkek", region="Kyrgyzstan", region_ru="Кыргызстана", n_researchers=4,
        topics={"education": 1, "water": 1}, domain="krsu.edu.kg", phone_prefix="+996 312",
    ),
    InstitutionSpec(
        id="kg-kstu", name="Kyrgyz State Technical University", country="KG", kind="university",
        city="Bishkek", region="Kyrgyzstan", region_ru="Кыргызстана", n_researchers=2,
        topics={"water": 1}, domain="kstu.kg", phone_prefix="+996 312",
    ),
    InstitutionSpec(
        id="am-ysu", name="Yerevan State University", country="AM", kind="university",
        city="Yerevan", region="Armenia", region_ru="Армении", n_researchers=3,
        topics={"education": 1, "digital": 1}, domain="ysu.am", phone_prefix="+374 10",
    ),
    InstitutionSpec(
        id="am-rau", name="Russian-Armenian University", country="AM", kind="university",
        city="Yerevan", region="Armenia", region_ru="Армении", n_researchers=2,
        topics={"education": 1}, domain="rau.am",
        aliases=("Russian-Armenian (Slavonic) State University",), phone_prefix="+374 10",
    ),
    InstitutionSpec(
        id="tj-tnu", name="Tajik National University", country="TJ", kind="university",
        city="Dushanbe", region="Tajikistan", region_ru="Таджикистана", n_researchers=3,
        topics={"education": 2, "water": 1}, domain="tgnu.tarena.tj", phone_prefix="+992 37",
    ),
    # --- outside the CIS, for contrast ----------------------------------------------------------
    InstitutionSpec(
        id="de-tubaf", name="Technische Universität Bergakademie Freiberg", country="DE",
        kind="university", city="Freiberg", region="Saxony", region_ru="Саксонии", n_researchers=3,
        topics={"mine_safety": 1, "coal_chem": 1, "metallurgy": 1}, domain="tu-freiberg.de",
        phone_prefix="+49 3731",
    ),
    InstitutionSpec(
        id="in-ism", name="Indian Institute of Technology (Indian School of Mines) Dhanbad",
        country="IN", kind="university", city="Dhanbad", region="the Jharia coalfield",
        region_ru="Индии", n_researchers=3, topics={"mine_safety": 1, "air_quality": 1},
        domain="ismdhanbad.ac.in", aliases=("Indian School of Mines (ISM)",),
        phone_prefix="+91 326",
    ),
)
# fmt: on

# Cooperation agreements (memoranda), recorded symmetrically on both institutions.
# No Russian institution has an agreement with a Belarusian one: Belarus is reached only
# through the REC Kuzbass office there, which is still being negotiated.
# fmt: off
AGREEMENTS: tuple[tuple[str, str], ...] = (
    # Russia-Kazakhstan rectors' forum: SUSU signed memoranda with six Kazakh universities.
    ("ru-susu", "kz-kaznpu"), ("ru-susu", "kz-kstu"), ("ru-susu", "kz-enu"), ("ru-susu", "kz-ektu"),
    ("ru-susu", "kz-ksu"), ("ru-susu", "kz-satbayev"),
    ("ru-kuzstu", "kz-kstu"), ("ru-kemsu", "kz-kaznu"), ("ru-kemsu", "kz-enu"),
    ("ru-kemsmu", "kz-ssmu"), ("ru-sibsiu", "kz-ektu"), ("ru-tpu", "kz-satbayev"),
    ("ru-tsu", "kz-kaznu"),
    # Russia-China
    ("ru-kuzstu", "cn-cumt"), ("ru-fccc", "cn-tyut"), ("ru-sibsiu", "cn-neu"),
    ("ru-ksaa", "cn-cau"), ("ru-tsu", "cn-lzu"),
    # Russia-Mongolia and Russia-Uzbekistan
    ("ru-kuzstu", "mn-must"), ("ru-kemsu", "mn-num"), ("ru-ksaa", "mn-msua"), ("ru-tsu", "uz-nuu"),
    # between foreign institutions: no route from Russia
    ("kz-kaznu", "cn-lzu"), ("mn-must", "cn-cumt"), ("by-bntu", "cn-hit"), ("by-bsu", "kz-kaznu"),
)
# fmt: on

# fmt: off
OFFICES: tuple[dict[str, Any], ...] = (
    {
        "id": "off-kuzbass-cn", "name": "REC Kuzbass representative office in China",
        "operator": "REC Kuzbass", "home_country": "RU", "country": "CN", "status": "open",
        "partner_institutions": ["cn-hit", "cn-lntu", "cn-cau"],
        "services": ["information_support", "logistics", "introductions"], "capacity": 12,
        "city": "Harbin",
    },
    {
        "id": "off-kuzbass-mn", "name": "REC Kuzbass representative office in Mongolia",
        "operator": "REC Kuzbass", "home_country": "RU", "country": "MN", "status": "open",
        "partner_institutions": ["mn-must", "mn-msua", "mn-hsum"],
        "services": ["information_support", "logistics", "introductions"], "capacity": 8,
        "city": "Ulaanbaatar",
    },
    {
        "id": "off-kuzbass-by", "name": "REC Kuzbass representative office in Belarus",
        "operator": "REC Kuzbass", "home_country": "RU", "country": "BY", "status": "negotiating",
        "partner_institutions": ["by-bsu", "by-bntu", "by-bsmu"],
        "services": ["information_support", "introductions"], "capacity": 6, "city": "Minsk",
    },
    {
        "id": "off-rs-kz", "name": "Rossotrudnichestvo representative office in Kazakhstan",
        "operator": "Rossotrudnichestvo", "home_country": "RU", "country": "KZ", "status": "open",
        "partner_institutions": ["kz-enu", "kz-kaznu", "kz-kaznpu"],
        "services": ["expert_advice", "information_support", "logistics", "introductions"],
        "capacity": 20, "city": "Astana",
    },
    {
        "id": "off-rs-uz", "name": "Rossotrudnichestvo representative office in Uzbekistan",
        "operator": "Rossotrudnichestvo", "home_country": "RU", "country": "UZ", "status": "open",
        "partner_institutions": ["uz-nuu", "uz-tiim"],
        "services": ["expert_advice", "information_support", "logistics", "introductions"],
        "capacity": 10, "city": "Tashkent",
    },
    {
        "id": "off-rs-kg", "name": "Rossotrudnichestvo representative office in Kyrgyzstan",
        "operator": "Rossotrudnichestvo", "home_country": "RU", "country": "KG", "status": "open",
        "partner_institutions": ["kg-krsu"],
        "services": ["expert_advice", "information_support", "logistics", "introductions"],
        "capacity": 8, "city": "Bishkek",
    },
    {
        "id": "off-rs-am", "name": "Rossotrudnichestvo representative office in Armenia",
        "operator": "Rossotrudnichestvo", "home_country": "RU", "country": "AM", "status": "open",
        "partner_institutions": ["am-rau"],
        "services": ["expert_advice", "information_support", "logistics", "introductions"],
        "capacity": 5, "city": "Yerevan",
    },
)
# fmt: on

# =============================================================================================
# People: names, languages, career stages
# =============================================================================================

# (male, female) given names and surnames per country, in the usual English transliteration.
# fmt: off
GIVEN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "RU": (
        (
            "Aleksei", "Andrei", "Dmitry", "Sergei", "Ivan", "Mikhail", "Nikolai", "Pavel",
            "Vladimir", "Yuri", "Igor", "Oleg", "Roman", "Artem", "Maxim", "Denis", "Evgeny",
            "Konstantin", "Viktor", "Anton", "Kirill", "Stanislav", "Vadim", "Boris", "Gennady",
            "Ilya", "Timur", "Fedor", "Valery", "Grigory",
        ),
        (
            "Anna", "Elena", "Olga", "Natalia", "Tatiana", "Irina", "Svetlana", "Marina",
            "Ekaterina", "Yulia", "Anastasia", "Daria", "Ksenia", "Maria", "Galina", "Lyudmila",
            "Valentina", "Victoria", "Alina", "Polina", "Sofia", "Vera", "Nadezhda", "Larisa",
            "Inna", "Oksana", "Evgenia", "Alexandra", "Lidia", "Zhanna",
        ),
    ),
    "CN": (
        (
            "Wei", "Lei", "Hao", "Tao", "Jun", "Qiang", "Peng", "Jian", "Yong", "Bo", "Chao", "Kai",
            "Rui", "Zhiqiang", "Jianguo", "Hongwei", "Guoqing", "Wenjie", "Shuai", "Yifan",
            "Xiaoming", "Haibo", "Lianjun", "Dongsheng",
        ),
        (
            "Jing", "Min", "Yan", "Lina", "Hui", "Fang", "Xin", "Ning", "Dan", "Haiyan", "Xiaoyu",
            "Ying", "Shuang", "Mengyao", "Lu", "Ruoxi", "Yuhan", "Qian", "Li", "Xue", "Ting",
            "Wenwen", "Jiayi", "Yating",
        ),
    ),
    "KZ": (
        (
            "Aidos", "Askar", "Daniyar", "Yerlan", "Nurlan", "Serik", "Bauyrzhan", "Yerzhan",
            "Marat", "Arman", "Almas", "Dauren", "Kanat", "Zhandos", "Olzhas", "Ruslan",
        ),
        (
            "Aigerim", "Aizhan", "Dana", "Gulnara", "Saule", "Madina", "Dinara", "Zhanar", "Aliya",
            "Asel", "Gulmira", "Kamila", "Akmaral", "Ainur", "Botagoz", "Assem",
        ),
    ),
    "MN": (
        (
            "Batbayar", "Bat-Erdene", "Ganbaatar", "Enkhbayar", "Munkhbat", "Tserendorj",
            "Altangerel", "Sukhbaatar", "Erdenebileg", "Temuulen", "Batjargal", "Gantulga",
        ),
        (
            "Oyunchimeg", "Sarantuya", "Enkhtuya", "Bolormaa", "Altantsetseg", "Nomin", "Uyanga",
            "Tsetsegmaa", "Khulan", "Anujin", "Munkhzaya", "Solongo",
        ),
    ),
    "BY": (
        (
            "Aliaksandr", "Siarhei", "Dzmitry", "Andrei", "Uladzimir", "Mikalai", "Pavel", "Yauhen",
            "Viktar", "Ihar", "Raman", "Artsiom",
        ),
        (
            "Volha", "Hanna", "Tatsiana", "Natallia", "Iryna", "Alena", "Maryia", "Yuliya",
            "Katsiaryna", "Sviatlana", "Darya", "Palina",
        ),
    ),
    "UZ": (
        ("Jasur", "Sardor", "Bekzod", "Otabek", "Rustam", "Aziz", "Sherzod", "Ulugbek"),
        ("Dilnoza", "Nilufar", "Gulnora", "Malika", "Shahnoza", "Feruza", "Kamola"),
    ),
    "KG": (
        ("Aibek", "Nurbek", "Azamat", "Bakyt", "Emil", "Talant"),
        ("Aizada", "Cholpon", "Gulzat", "Nazira", "Aida", "Begimai"),
    ),
    "AM": (
        ("Armen", "Tigran", "Hayk", "Davit", "Aram", "Gevorg"),
        ("Anna", "Lilit", "Mariam", "Ani", "Nune", "Gayane"),
    ),
    "TJ": (
        ("Farrukh", "Firuz", "Daler", "Jamshed", "Sino"),
        ("Nigina", "Zarina", "Malika", "Firuza", "Mehrangez"),
    ),
    "DE": (
        ("Thomas", "Jan", "Matthias", "Stefan", "Florian"),
        ("Katrin", "Sabine", "Julia", "Anja", "Miriam"),
    ),
    "IN": (
        ("Anil", "Rahul", "Arvind", "Deepak", "Sandeep"),
        ("Priya", "Sunita", "Kavita", "Neha", "Ananya"),
    ),
}
# fmt: on

# fmt: off
SURNAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "RU": (
        ("Smirnov", "Smirnova"), ("Ivanov", "Ivanova"), ("Kuznetsov", "Kuznetsova"),
        ("Popov", "Popova"), ("Vasiliev", "Vasilieva"), ("Petrov", "Petrova"),
        ("Sokolov", "Sokolova"), ("Mikhailov", "Mikhailova"), ("Novikov", "Novikova"),
        ("Fedorov", "Fedorova"), ("Morozov", "Morozova"), ("Volkov", "Volkova"),
        ("Alekseev", "Alekseeva"), ("Lebedev", "Lebedeva"), ("Semenov", "Semenova"),
        ("Egorov", "Egorova"), ("Pavlov", "Pavlova"), ("Kozlov", "Kozlova"),
        ("Stepanov", "Stepanova"), ("Nikolaev", "Nikolaeva"), ("Orlov", "Orlova"),
        ("Andreev", "Andreeva"), ("Makarov", "Makarova"), ("Nikitin", "Nikitina"),
        ("Zakharov", "Zakharova"), ("Zaitsev", "Zaitseva"), ("Soloviev", "Solovieva"),
        ("Borisov", "Borisova"), ("Yakovlev", "Yakovleva"), ("Grigoriev", "Grigorieva"),
        ("Romanov", "Romanova"), ("Vorobiev", "Vorobieva"), ("Sergeev", "Sergeeva"),
        ("Frolov", "Frolova"), ("Belov", "Belova"), ("Tarasov", "Tarasova"),
        ("Medvedev", "Medvedeva"), ("Ershov", "Ershova"), ("Kiselev", "Kiseleva"),
        ("Gusev", "Guseva"), ("Titov", "Titova"), ("Kuzmin", "Kuzmina"), ("Baranov", "Baranova"),
        ("Kulikov", "Kulikova"), ("Sharov", "Sharova"), ("Zhukov", "Zhukova"),
        ("Bogdanov", "Bogdanova"), ("Komarov", "Komarova"), ("Belyaev", "Belyaeva"),
        ("Polyakov", "Polyakova"), ("Rudnev", "Rudneva"), ("Kovalenko", "Kovalenko"),
        ("Shevchenko", "Shevchenko"), ("Osipov", "Osipova"), ("Gerasimov", "Gerasimova"),
        ("Ponomarev", "Ponomareva"), ("Tikhonov", "Tikhonova"), ("Ostrovsky", "Ostrovskaya"),
        ("Zalessky", "Zalesskaya"), ("Verkhovsky", "Verkhovskaya"),
    ),
    "CN": (
        ("Wang", "Wang"), ("Li", "Li"), ("Zhang", "Zhang"), ("Liu", "Liu"), ("Chen", "Chen"),
        ("Yang", "Yang"), ("Zhao", "Zhao"), ("Huang", "Huang"), ("Zhou", "Zhou"), ("Wu", "Wu"),
        ("Xu", "Xu"), ("Sun", "Sun"), ("Hu", "Hu"), ("Zhu", "Zhu"), ("Gao", "Gao"), ("Lin", "Lin"),
        ("He", "He"), ("Guo", "Guo"), ("Ma", "Ma"), ("Luo", "Luo"), ("Liang", "Liang"),
        ("Song", "Song"), ("Zheng", "Zheng"), ("Xie", "Xie"), ("Han", "Han"), ("Tang", "Tang"),
        ("Feng", "Feng"), ("Yu", "Yu"), ("Dong", "Dong"), ("Xiao", "Xiao"),
    ),
    "KZ": (
        ("Abenov", "Abenova"), ("Akhmetov", "Akhmetova"), ("Baimukhanov", "Baimukhanova"),
        ("Zhaksybekov", "Zhaksybekova"), ("Ermekov", "Ermekova"), ("Ibraimov", "Ibraimova"),
        ("Kassymov", "Kassymova"), ("Mukanov", "Mukanova"), ("Nurgaliyev", "Nurgaliyeva"),
        ("Omarov", "Omarova"), ("Sadykov", "Sadykova"), ("Seitkali", "Seitkali"),
        ("Tokhtarov", "Tokhtarova"), ("Zhakupov", "Zhakupova"), ("Bekturganov", "Bekturganova"),
        ("Sarsenbayev", "Sarsenbayeva"), ("Kuanyshev", "Kuanysheva"),
        ("Abdrakhmanov", "Abdrakhmanova"), ("Yessenov", "Yessenova"), ("Temirkhan", "Temirkhan"),
    ),
    # Mongolian scholars publish as given name + patronymic; the patronymic is the "surname".
    "MN": (
        ("Dorj", "Dorj"), ("Ganbold", "Ganbold"), ("Purev", "Purev"), ("Tumur", "Tumur"),
        ("Baatar", "Baatar"), ("Naran", "Naran"), ("Otgonbayar", "Otgonbayar"),
        ("Lkhagvasuren", "Lkhagvasuren"), ("Tsogt", "Tsogt"), ("Damdinsuren", "Damdinsuren"),
        ("Chuluun", "Chuluun"), ("Davaasambuu", "Davaasambuu"), ("Jargal", "Jargal"),
        ("Erdene", "Erdene"),
    ),
    "BY": (
        ("Kavalenka", "Kavalenka"), ("Navitski", "Navitskaya"), ("Bahdanovich", "Bahdanovich"),
        ("Karpovich", "Karpovich"), ("Zhuk", "Zhuk"), ("Lukashevich", "Lukashevich"),
        ("Marozau", "Marozava"), ("Sakalou", "Sakalova"), ("Hrabouski", "Hrabouskaya"),
        ("Klimovich", "Klimovich"), ("Kazlou", "Kazlova"), ("Yakimovich", "Yakimovich"),
        ("Shumski", "Shumskaya"), ("Dubrouski", "Dubrouskaya"),
    ),
    "UZ": (
        ("Karimov", "Karimova"), ("Yusupov", "Yusupova"), ("Rashidov", "Rashidova"),
        ("Tursunov", "Tursunova"), ("Abdullaev", "Abdullaeva"), ("Ismoilov", "Ismoilova"),
    ),
    "KG": (
        ("Toktogulov", "Toktogulova"), ("Asanov", "Asanova"), ("Osmonov", "Osmonova"),
        ("Sydykov", "Sydykova"), ("Imanaliev", "Imanalieva"),
    ),
    "AM": (
        ("Petrosyan", "Petrosyan"), ("Hakobyan", "Hakobyan"), ("Grigoryan", "Grigoryan"),
        ("Sargsyan", "Sargsyan"), ("Avetisyan", "Avetisyan"), ("Harutyunyan", "Harutyunyan"),
    ),
    "TJ": (
        ("Rahimov", "Rahimova"), ("Saidov", "Saidova"), ("Karimzoda", "Karimzoda"),
        ("Sharipov", "Sharipova"),
    ),
    "DE": (
        ("Weber", "Weber"), ("Schulz", "Schulz"), ("Richter", "Richter"), ("Krause", "Krause"),
        ("Vogel", "Vogel"),
    ),
    "IN": (
        ("Singh", "Singh"), ("Sharma", "Sharma"), ("Verma", "Verma"), ("Rao", "Rao"),
        ("Mishra", "Mishra"), ("Gupta", "Gupta"),
    ),
}
# fmt: on

SURNAME_FIRST = {"CN"}  # "Wang Lei"

# Languages a researcher speaks, besides English (ISO 639-1).
# fmt: off
NATIVE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "RU": ("ru",), "CN": ("zh",), "KZ": ("kk", "ru"), "MN": ("mn",), "BY": ("be", "ru"),
    "UZ": ("uz", "ru"), "KG": ("ky", "ru"), "AM": ("hy", "ru"), "TJ": ("tg", "ru"), "DE": ("de",),
    "IN": ("hi",),
}
# fmt: on

# Publication language style per country: (P[Russian only], P[mixed: English + Russian]).
# fmt: off
RUSSIAN_STYLE_SHARES: dict[str, tuple[float, float]] = {
    "KZ": (0.05, 0.2), "MN": (0.0, 0.12), "BY": (0.1, 0.3), "UZ": (0.0, 0.3), "KG": (0.1, 0.3),
    "AM": (0.0, 0.3), "TJ": (0.34, 0.3),
}
# fmt: on
RUSSIAN_ONLY_SHARE_RU = 0.15  # of Russian researchers: Cyrillic titles and abstracts only
MIXED_SHARE_RU = 0.25  # of the other Russian researchers: some Russian papers
CHINESE_ONLY_SHARE_CN = 0.25  # of Chinese researchers, where CSL papers on the topic are left
SECOND_TOPIC_SHARE = 0.3
MISSING_YEAR_SHARE = 0.04
MISSING_ABSTRACT_SHARE = 0.07
HOME_COUNTRY = "RU"
RUSSIAN_CAPABLE = {"RU", "KZ", "BY", "UZ", "KG", "AM", "TJ", "MN"}  # may publish in Russian

CAREER_STAGES = ("doctoral", "early", "mid", "senior")
CAREER_WEIGHTS = (15, 25, 35, 25)
PUBLICATION_COUNTS = {"doctoral": (2, 4), "early": (2, 6), "mid": (3, 8), "senior": (4, 8)}
FIRST_YEAR = {"doctoral": 2020, "early": 2016, "mid": 2012, "senior": 2012}
LAST_YEAR = 2025
CAPACITY_RANGE = {"doctoral": (1, 2), "early": (1, 3), "mid": (1, 3), "senior": (1, 2)}

POSITIONS_EN = {
    "doctoral": ("Doctoral researcher", "PhD candidate"),
    "early": ("Junior researcher", "Postdoctoral researcher", "Assistant professor"),
    "mid": ("Associate professor", "Senior researcher"),
    "senior": ("Professor", "Head of laboratory", "Chief researcher"),
}
POSITIONS_RU = {
    "doctoral": ("Аспирант",),
    "early": ("Младший научный сотрудник", "Старший преподаватель"),
    "mid": ("Доцент", "Старший научный сотрудник"),
    "senior": ("Профессор, заведующий кафедрой", "Главный научный сотрудник"),
}
POSITIONS_ZH = {
    "doctoral": ("博士研究生",),
    "early": ("讲师", "博士后"),
    "mid": ("副教授", "副研究员"),
    "senior": ("教授", "研究员"),
}

# =============================================================================================
# Topics: vocabulary for titles, abstracts, keywords and summaries
# =============================================================================================
# English texts are assembled from generic sentence templates (``EN_*`` below) filled with a
# topic's noun phrases; Russian texts from whole Russian sentences per topic (so that the
# grammar is right), titles from a subject and an aspect joined by a colon. Placeholders in
# braces ({p}, {n}, {ns}, ...) are filled with random numbers by ``fill``.


@dataclass(frozen=True)
class Topic:
    """A research topic of the demo world and the words to write about it."""

    slug: str
    label: str
    keywords: tuple[str, ...]
    objects: tuple[str, ...]
    methods: tuple[str, ...]
    conditions: tuple[str, ...]
    sites: tuple[str, ...]
    samples: tuple[str, ...]
    validations: tuple[str, ...]
    findings: tuple[str, ...]
    applications: tuple[str, ...]
    aspects: tuple[str, ...]
    problems: tuple[str, ...]
    ru_keywords: tuple[str, ...]
    ru_subjects: tuple[str, ...]
    ru_aspects: tuple[str, ...]
    ru_aims: tuple[str, ...]
    ru_methods: tuple[str, ...]
    ru_results: tuple[str, ...]
    ru_impacts: tuple[str, ...]


# fmt: off
TOPICS: dict[str, Topic] = {
    "mine_safety": Topic(
        slug="mine_safety", label="Coal mining safety and mine methane",
        keywords=(
            "coal mine methane", "methane drainage", "gas emission forecasting", "mine ventilation",
            "outburst prevention", "coal seam degassing", "hydraulic fracturing of coal seams",
            "longwall gas control", "explosion risk", "underground gas monitoring",
            "coalbed methane utilisation", "mine safety",
        ),
        objects=(
            "methane drainage from highly gassy coal seams", "gas emission into longwall faces",
            "the coal and gas outburst hazard", "ventilation of deep underground workings",
            "pre-drainage of coal seams through in-seam boreholes", "ventilation air methane",
            "methane accumulation in goaf areas", "hydraulic fracturing for coal seam degassing",
            "real-time gas monitoring in underground coal mines",
            "coalbed methane recovery ahead of mining",
        ),
        methods=(
            "numerical gas-flow simulation", "in-situ borehole measurements",
            "a coupled gas-geomechanics model", "long-term monitoring data", "tracer gas tests",
            "laboratory sorption experiments", "machine-learning forecasting of gas emission",
            "computational fluid dynamics",
        ),
        conditions=(
            "low seam permeability", "increasing mining depth", "high advance rates",
            "multi-seam extraction", "variable barometric pressure",
        ),
        sites=(
            "three longwall panels", "a gassy underground coal mine", "two mines of the basin",
            "an experimental degassing site", "deep mine workings",
        ),
        samples=("drainage boreholes", "gas sensors", "coal cores", "longwall shifts"),
        validations=(
            "mine monitoring records", "independent field measurements", "gas balance calculations",
        ),
        findings=(
            "pre-drainage reduced gas emission into the face by {p}%",
            "borehole spacing affects capture efficiency more than suction pressure",
            "the outburst hazard index correlates with gas content and coal softness",
            "methane concentration in return airways stayed below {c}%",
            "the error of the gas emission forecast was below {p}%",
            "goaf drainage captured about {p}% of the released methane",
        ),
        applications=(
            "safer high-productivity longwall mining",
            "methane utilisation for on-site power generation", "degassing design standards",
            "early warning of outbursts", "lower greenhouse-gas emissions from coal mining",
        ),
        aspects=(
            "efficiency assessment", "field evidence", "design parameters", "risk factors",
            "forecasting methods", "a case study",
        ),
        problems=(
            "Methane release during mining", "The risk of coal and gas outbursts",
            "Gas control at high advance rates",
        ),
        ru_keywords=(
            "шахтный метан", "дегазация", "газовыделение", "вентиляция шахт", "внезапные выбросы",
            "безопасность горных работ", "угольный пласт", "гидроразрыв пласта",
        ),
        ru_subjects=(
            "Дегазация высокогазоносных угольных пластов", "Прогноз газовыделения в очистные забои",
            "Предупреждение внезапных выбросов угля и газа",
            "Проветривание глубоких горизонтов угольных шахт",
            "Извлечение и утилизация шахтного метана",
            "Гидроразрыв угольных пластов для повышения газоотдачи",
            "Мониторинг метана в подземных горных выработках",
            "Газовая безопасность при отработке свиты пластов",
        ),
        ru_aspects=(
            "оценка эффективности", "результаты шахтных исследований", "обоснование параметров",
            "факторы риска", "опыт применения", "новые подходы",
        ),
        ru_aims=(
            "Рассмотрены вопросы повышения эффективности дегазации угольных пластов при "
            "интенсивной отработке.",
            "Цель работы — уточнение прогноза газовыделения в очистные забои угольных шахт "
            "{region_ru}.",
            "Проанализированы причины аварий, связанных со скоплениями метана в выработанном "
            "пространстве.",
            "Исследованы закономерности выделения метана из угольных пластов при увеличении "
            "глубины ведения горных работ.",
        ),
        ru_methods=(
            "Использованы данные шахтных наблюдений и численное моделирование фильтрации газа.",
            "Проведены измерения газоносности по {ns} скважинам на трёх выемочных участках.",
            "Применены лабораторные исследования сорбционных свойств углей и методы "
            "математической статистики.",
            "Разработана модель, учитывающая проницаемость пласта и скорость подвигания забоя.",
        ),
        ru_results=(
            "Установлено, что предварительная дегазация снижает газовыделение в забой на {p}%.",
            "Показано, что расстояние между скважинами влияет на эффективность дегазации "
            "сильнее, чем разрежение.",
            "Погрешность прогноза газовыделения не превысила {p}%.",
            "Концентрация метана в исходящей струе не превышала {cr}%.",
        ),
        ru_impacts=(
            "Результаты могут быть использованы при проектировании дегазации угольных шахт "
            "{region_ru}.",
            "Предложены рекомендации по повышению безопасности горных работ.",
            "Полученные зависимости рекомендуется учитывать в нормативных документах по газовой "
            "безопасности.",
        ),
    ),
    "coal_chem": Topic(
        slug="coal_chem", label="Coal chemistry and carbon materials",
        keywords=(
            "coal chemistry", "carbon materials", "activated carbon", "coal tar pitch",
            "coke quality", "coal gasification", "humic substances", "coal-derived graphene",
            "supercapacitor electrodes", "carbon sorbents", "coal pyrolysis", "coal structure",
        ),
        objects=(
            "activated carbons derived from low-rank coal", "coal tar pitch as a carbon precursor",
            "metallurgical coke quality", "porous carbon electrodes for supercapacitors",
            "humic acids extracted from brown coal", "coal-derived graphene-like materials",
            "catalytic gasification of coal", "coal-water slurry fuels",
            "carbon sorbents for water treatment", "the molecular structure of bituminous coal",
        ),
        methods=(
            "KOH activation", "thermogravimetric analysis",
            "X-ray diffraction and Raman spectroscopy", "solid-state 13C NMR spectroscopy",
            "nitrogen adsorption porosimetry", "pyrolysis-GC/MS",
            "electrochemical impedance spectroscopy", "density functional theory",
        ),
        conditions=(
            "different activation temperatures", "oxidative pretreatment", "varying coal rank",
            "microwave heating", "different catalyst loadings",
        ),
        sites=(
            "a pilot-scale pyrolysis unit", "a laboratory fixed-bed reactor",
            "an industrial coke plant", "a bench-scale gasifier", "regional coal deposits",
        ),
        samples=("coal samples", "carbon samples", "pyrolysis runs", "electrode cells"),
        validations=("commercial reference carbons", "elemental analysis", "repeated experiments"),
        findings=(
            "the specific surface area reached {s} m2/g after activation at {t} °C",
            "oxidised coal yielded {p}% more humic acids",
            "the electrodes retained over 90% of their capacitance after 5000 cycles",
            "coke strength after reaction improved by {p}% with the optimised blend",
            "aromaticity increased with coal rank and controlled the tar yield",
            "the sorbents removed {p}% more phenol than commercial carbons",
        ),
        applications=(
            "high-value use of regional coals beyond combustion", "energy storage devices",
            "water treatment at industrial sites", "blast-furnace coke production",
            "low-carbon coal conversion",
        ),
        aspects=(
            "structure and properties", "synthesis and characterisation", "process optimisation",
            "performance evaluation", "kinetics and mechanisms",
        ),
        problems=(
            "The low added value of coal burnt as fuel",
            "The limited quality of regional coking coals", "The need for cheap porous carbons",
        ),
        ru_keywords=(
            "углехимия", "активные угли", "углеродные материалы", "пиролиз угля", "кокс",
            "гуминовые кислоты", "газификация угля", "суперконденсаторы",
        ),
        ru_subjects=(
            "Получение активных углей из бурых углей",
            "Каменноугольный пек как прекурсор углеродных материалов",
            "Качество металлургического кокса",
            "Пористые углеродные электроды для суперконденсаторов", "Гуминовые кислоты бурых углей",
            "Каталитическая газификация угля", "Углеродные сорбенты для очистки сточных вод",
            "Структура органической массы каменных углей",
        ),
        ru_aspects=(
            "структура и свойства", "синтез и характеристика", "оптимизация процесса",
            "кинетика и механизм", "экспериментальное исследование",
        ),
        ru_aims=(
            "Изучена возможность получения углеродных материалов из углей {region_ru}.",
            "Цель работы — повышение выхода и качества продуктов термической переработки угля.",
            "Рассмотрены пути глубокой переработки углей с получением продукции с высокой "
            "добавленной стоимостью.",
            "Исследовано влияние условий активации на пористую структуру углеродных материалов.",
        ),
        ru_methods=(
            "Образцы охарактеризованы методами рентгеновской дифракции, ИК-спектроскопии и "
            "низкотемпературной адсорбции азота.",
            "Термическое поведение углей изучено методом термогравиметрического анализа.",
            "Активацию проводили гидроксидом калия при температуре {t} °C.",
            "Использованы угли {n} марок из действующих разрезов и шахт.",
        ),
        ru_results=(
            "Удельная поверхность полученных материалов достигает {s} м²/г.",
            "Показано, что окислительная предобработка увеличивает выход гуминовых кислот на {p}%.",
            "Установлена связь степени ароматичности угля с выходом смолы при пиролизе.",
            "Сорбционная ёмкость полученных материалов на {p}% выше, чем у промышленных аналогов.",
        ),
        ru_impacts=(
            "Результаты представляют интерес для углехимических производств {region_ru}.",
            "Предложена технологическая схема получения сорбентов из местного сырья.",
            "Полученные материалы перспективны для систем накопления энергии.",
        ),
    ),
    "reclamation": Topic(
        slug="reclamation", label="Mine-land reclamation and environmental remediation",
        keywords=(
            "mine-land reclamation", "overburden dumps", "technosols", "revegetation",
            "soil remediation", "heavy metal contamination", "phytoremediation",
            "acid mine drainage", "post-mining landscapes", "biodiversity recovery",
            "land rehabilitation", "mine tailings",
        ),
        objects=(
            "natural revegetation of overburden dumps",
            "technosol formation on reclaimed mine land",
            "heavy-metal contamination of soils near open-pit mines",
            "phytoremediation of coal mining spoils", "acid mine drainage treatment",
            "post-mining landscape planning", "microbial communities in reclaimed soils",
            "erosion control on spoil heaps", "biochar amendments for degraded soils",
            "rehabilitation of tailings storage facilities",
        ),
        methods=(
            "remote sensing time series", "field vegetation surveys", "soil chemical analysis",
            "16S rRNA amplicon sequencing", "pot and field experiments",
            "GIS-based suitability mapping", "a chronosequence approach", "geochemical modelling",
        ),
        conditions=(
            "a sharply continental climate", "different dump ages", "limited topsoil availability",
            "high salinity", "steep-slope conditions",
        ),
        sites=(
            "open-pit coal mines", "overburden dumps of different ages", "a reclaimed test plot",
            "abandoned mine sites", "a tailings storage facility",
        ),
        samples=("soil profiles", "vegetation plots", "water samples", "spoil samples"),
        validations=(
            "undisturbed reference sites", "repeated field surveys", "satellite vegetation indices",
        ),
        findings=(
            "vegetation cover on dumps older than {n} years approached reference levels",
            "soil organic carbon increased by {p}% per decade in young technosols",
            "biochar lowered the mobility of zinc and lead by {p}%",
            "microbial diversity recovered faster than plant diversity",
            "self-overgrowing dumps were richer in species than planted ones",
            "passive treatment removed {p}% of dissolved iron from mine drainage",
        ),
        applications=(
            "cost-effective reclamation planning", "environmental regulation of mining regions",
            "biodiversity offsets for mining companies",
            "returning disturbed land to agricultural use", "closure plans for open-pit mines",
        ),
        aspects=(
            "a field study", "long-term dynamics", "ecological assessment",
            "practical recommendations", "monitoring and evaluation",
        ),
        problems=(
            "The growing area of land disturbed by mining", "Soil contamination near mining sites",
            "The slow natural recovery of mine spoils",
        ),
        ru_keywords=(
            "рекультивация", "отвалы", "техноземы", "тяжёлые металлы", "ремедиация почв",
            "фиторемедиация", "нарушенные земли", "биоуголь",
        ),
        ru_subjects=(
            "Рекультивация земель, нарушенных горными работами",
            "Естественное зарастание отвалов угольных разрезов",
            "Формирование техноземов на отвалах",
            "Загрязнение почв тяжёлыми металлами вблизи горных предприятий",
            "Фиторемедиация загрязнённых почв",
            "Восстановление почвенного покрова после добычи угля", "Очистка кислых шахтных вод",
            "Микробные сообщества рекультивированных почв",
        ),
        ru_aspects=(
            "полевые исследования", "многолетняя динамика", "экологическая оценка",
            "практические рекомендации", "современное состояние",
        ),
        ru_aims=(
            "Рассмотрены процессы восстановления растительного и почвенного покрова на отвалах "
            "угольных разрезов {region_ru}.",
            "Цель исследования — оценка эффективности различных способов рекультивации "
            "нарушенных земель.",
            "Изучено содержание тяжёлых металлов в почвах, прилегающих к горным предприятиям.",
            "Проанализированы подходы к ремедиации почв, загрязнённых в результате добычи угля.",
        ),
        ru_methods=(
            "Обследовано {n} пробных площадей на отвалах разного возраста.",
            "Использованы методы дистанционного зондирования и полевые геоботанические описания.",
            "Проведены вегетационные и полевые опыты с внесением биоугля и органических удобрений.",
            "Содержание подвижных форм металлов определено методом атомно-абсорбционной "
            "спектрометрии.",
        ),
        ru_results=(
            "Проективное покрытие растительности на отвалах старше {n} лет приближается к "
            "фоновым значениям.",
            "Внесение биоугля снизило подвижность цинка и свинца на {p}%.",
            "Установлено, что самозарастающие отвалы отличаются большим видовым богатством, чем "
            "рекультивированные.",
            "Запасы органического углерода в молодых техноземах увеличиваются на {p}% за "
            "десятилетие.",
        ),
        ru_impacts=(
            "Результаты могут быть использованы при разработке проектов рекультивации.",
            "Предложены рекомендации для горнодобывающих предприятий {region_ru}.",
            "Полученные данные важны для экологического нормирования в угледобывающих районах.",
        ),
    ),
    "air_quality": Topic(
        slug="air_quality", label="Industrial ecology and air quality",
        keywords=(
            "air quality", "particulate matter", "PM2.5", "industrial emissions",
            "source apportionment", "dispersion modelling", "low-cost air sensors",
            "industrial ecology", "life cycle assessment", "emission inventories",
            "urban air pollution", "industrial symbiosis",
        ),
        objects=(
            "PM2.5 pollution in industrial cities", "emissions from coal-fired boilers",
            "dust emissions from open-pit mines and coal storage",
            "sulphur dioxide and nitrogen oxides from metallurgical plants",
            "winter smog episodes in river valleys",
            "industrial symbiosis between coal, steel and chemical plants",
            "the life-cycle footprint of coal products",
            "low-cost sensor networks for urban air monitoring",
            "black carbon from residential coal heating",
            "snow cover as an indicator of atmospheric deposition",
        ),
        methods=(
            "positive matrix factorisation", "dispersion modelling", "a low-cost sensor network",
            "life cycle assessment", "chemical analysis of filter samples",
            "satellite aerosol retrievals", "an emission inventory", "material flow analysis",
        ),
        conditions=(
            "temperature inversions", "heating-season conditions", "calm winter weather",
            "complex terrain conditions", "changing production volumes",
        ),
        sites=(
            "an industrial city", "urban monitoring stations", "a metallurgical plant",
            "residential districts with coal heating", "urban and background sites",
        ),
        samples=("filter samples", "sensor nodes", "snow samples", "stack measurements"),
        validations=("reference monitors", "official monitoring data", "emission reports"),
        findings=(
            "residential coal heating contributed {p}% of winter PM2.5",
            "calibrated low-cost sensors agreed with reference monitors (R2 = 0.{r})",
            "temperature inversions doubled PM2.5 levels in the heating season",
            "industrial symbiosis could cut waste disposal by {p}%",
            "dust deposition decreased exponentially with distance from the mine",
            "coal combustion, traffic and metallurgy were the main particle sources",
        ),
        applications=(
            "clean-air action plans", "environmental permitting of industrial plants",
            "public health protection in industrial cities",
            "the low-carbon transition of industrial regions",
            "sanitary zoning around mines and plants",
        ),
        aspects=(
            "sources and trends", "an integrated assessment", "monitoring and modelling",
            "a case study", "policy implications",
        ),
        problems=(
            "Poor winter air quality", "Pollution from heavy industry", "Fugitive dust from mining",
        ),
        ru_keywords=(
            "качество воздуха", "атмосферные выбросы", "PM2,5", "мониторинг атмосферы",
            "промышленная экология", "снежный покров", "моделирование рассеивания",
            "промышленный симбиоз",
        ),
        ru_subjects=(
            "Загрязнение атмосферного воздуха промышленных городов", "Выбросы угольных котельных",
            "Пылевое загрязнение от угольных разрезов", "Выбросы металлургических предприятий",
            "Мониторинг качества воздуха с помощью недорогих датчиков",
            "Промышленный симбиоз угольных и металлургических предприятий",
            "Снежный покров как индикатор атмосферных выпадений",
            "Мелкодисперсные частицы PM2,5 в воздухе городов",
        ),
        ru_aspects=(
            "источники и динамика", "комплексная оценка", "мониторинг и моделирование",
            "пути снижения", "анализ многолетних данных",
        ),
        ru_aims=(
            "Рассмотрено состояние атмосферного воздуха в промышленных городах {region_ru}.",
            "Цель работы — выявление основных источников загрязнения воздуха мелкодисперсными "
            "частицами.",
            "Проанализировано влияние угольной генерации и металлургии на качество воздуха.",
            "Исследованы возможности снижения выбросов за счёт промышленного симбиоза предприятий.",
        ),
        ru_methods=(
            "Использованы данные {n} постов наблюдения и результаты отбора проб снежного покрова.",
            "Применено моделирование рассеивания примесей в атмосфере.",
            "Источники загрязнения определены методом факторизации положительной матрицы.",
            "Выполнена оценка жизненного цикла продукции угольной отрасли.",
        ),
        ru_results=(
            "Вклад печного отопления в зимние концентрации PM2,5 составил около {p}%.",
            "Показано, что температурные инверсии в отопительный сезон удваивают концентрации "
            "частиц.",
            "Пылевые выпадения экспоненциально убывают с удалением от границы разреза.",
            "Промышленный симбиоз позволяет сократить объём размещаемых отходов на {p}%.",
        ),
        ru_impacts=(
            "Результаты использованы при подготовке мероприятий по улучшению качества воздуха.",
            "Предложены меры по снижению выбросов для предприятий {region_ru}.",
            "Полученные данные важны для оценки рисков здоровью населения.",
        ),
    ),
    "occ_health": Topic(
        slug="occ_health", label="Occupational health and medicine",
        keywords=(
            "occupational health", "coal workers' pneumoconiosis", "respiratory disease",
            "occupational exposure", "respirable dust", "noise-induced hearing loss",
            "cardiovascular risk", "health surveillance", "miners' health", "biomarkers",
            "occupational medicine", "vibration disease",
        ),
        objects=(
            "coal workers' pneumoconiosis", "chronic obstructive pulmonary disease in miners",
            "occupational exposure to respirable coal dust",
            "noise-induced hearing loss in mining and metallurgy",
            "cardiovascular risk in shift workers", "vibration disease among equipment operators",
            "genetic susceptibility to dust-related lung disease",
            "health surveillance of underground workers", "heat stress in metallurgical workers",
            "the health of residents of coal-mining towns",
        ),
        methods=(
            "a retrospective cohort study", "a cross-sectional survey",
            "spirometry and chest radiography", "genotyping of candidate polymorphisms",
            "personal dust sampling", "multivariable logistic regression",
            "analysis of periodic medical examination records", "a case-control design",
        ),
        conditions=(
            "long-term dust exposure", "shift work", "combined exposure to noise and vibration",
            "high physical workloads", "different exposure levels",
        ),
        sites=(
            "coal mining enterprises", "a regional occupational pathology centre",
            "a metallurgical plant", "mining towns", "underground and open-pit mines",
        ),
        samples=("workers", "miners", "patients", "medical records"),
        validations=(
            "a matched control group", "repeat examinations", "occupational pathology registers",
        ),
        findings=(
            "the risk of pneumoconiosis rose with cumulative dust exposure (odds ratio {orr})",
            "{p}% of miners with over 20 years of service had reduced lung function",
            "polymorphisms of antioxidant enzyme genes modified the risk of lung disease",
            "hearing loss was found in {p}% of workers exposed to noise above the limit",
            "shift workers had a higher prevalence of arterial hypertension",
            "early screening found most cases at a reversible stage",
        ),
        applications=(
            "preventive medical examinations", "exposure limits and dust control",
            "early diagnosis of occupational diseases", "workplace health programmes",
            "regional public health policy",
        ),
        aspects=(
            "risk factors", "prevalence and determinants", "early diagnosis", "a cohort study",
            "prevention strategies",
        ),
        problems=(
            "Occupational lung disease", "Exposure to coal dust",
            "The burden of occupational disease",
        ),
        ru_keywords=(
            "профессиональные заболевания", "пневмокониоз", "здоровье шахтёров", "угольная пыль",
            "медицина труда", "факторы риска", "ранняя диагностика", "вибрационная болезнь",
        ),
        ru_subjects=(
            "Пневмокониоз у работников угольной промышленности",
            "Хроническая обструктивная болезнь лёгких у шахтёров",
            "Профессиональная тугоухость у работников горных предприятий",
            "Вибрационная болезнь у операторов горной техники",
            "Сердечно-сосудистый риск у работников вахтового труда",
            "Генетическая предрасположенность к пылевым заболеваниям лёгких",
            "Здоровье населения угледобывающих территорий",
            "Периодические медицинские осмотры работников угольных шахт",
        ),
        ru_aspects=(
            "факторы риска", "распространённость и структура", "ранняя диагностика",
            "когортное исследование", "вопросы профилактики",
        ),
        ru_aims=(
            "Изучена распространённость профессиональных заболеваний органов дыхания у "
            "работников угольных предприятий {region_ru}.",
            "Цель исследования — оценка факторов риска развития пылевых заболеваний лёгких у "
            "шахтёров.",
            "Рассмотрены особенности течения вибрационной болезни у операторов горной техники.",
            "Проанализированы результаты периодических медицинских осмотров работников "
            "горнодобывающих предприятий.",
        ),
        ru_methods=(
            "Обследовано {ns} работников с различным стажем работы во вредных условиях.",
            "Проведены спирометрия, рентгенография органов грудной клетки и анкетирование.",
            "Выполнено генотипирование полиморфных вариантов генов антиоксидантной защиты.",
            "Использованы методы многофакторного логистического регрессионного анализа.",
        ),
        ru_results=(
            "Риск развития пневмокониоза возрастал с увеличением стажа и пылевой нагрузки.",
            "Снижение функции внешнего дыхания выявлено у {p}% шахтёров со стажем более 20 лет.",
            "Установлена ассоциация ряда полиморфизмов с развитием пылевой патологии лёгких.",
            "Нейросенсорная тугоухость выявлена у {p}% работников, подвергающихся шуму выше "
            "допустимого уровня.",
        ),
        ru_impacts=(
            "Результаты могут быть использованы для совершенствования профилактических "
            "мероприятий.",
            "Предложен алгоритм ранней диагностики профессиональных заболеваний.",
            "Данные важны для планирования медицинской помощи в угледобывающих районах "
            "{region_ru}.",
        ),
    ),
    "food": Topic(
        slug="food", label="Food science and technology",
        keywords=(
            "food technology", "functional foods", "dairy products", "probiotics", "food safety",
            "meat processing", "plant proteins", "bioactive peptides", "shelf life",
            "food packaging", "fermentation", "nutrition",
        ),
        objects=(
            "functional dairy products enriched with plant extracts",
            "probiotic lactic acid bacteria from traditional fermented foods",
            "bioactive peptides from whey proteins", "the shelf life of chilled meat products",
            "gluten-free bakery products", "mycotoxin contamination of cereals",
            "biodegradable packaging films", "fermented mare's milk (koumiss)",
            "extracts of Siberian wild berries", "protein hydrolysates for clinical nutrition",
        ),
        methods=(
            "HPLC analysis", "sensory evaluation", "microbiological challenge tests",
            "response surface methodology", "an in vitro digestion model",
            "texture profile analysis", "16S rRNA identification", "accelerated shelf-life testing",
        ),
        conditions=(
            "cold storage", "different processing temperatures", "modified atmosphere packaging",
            "enzymatic hydrolysis", "high-pressure treatment",
        ),
        sites=(
            "a pilot dairy plant", "laboratory fermentations", "a meat processing plant",
            "regional food producers", "retail outlets",
        ),
        samples=("product samples", "bacterial strains", "production batches", "formulations"),
        validations=("control products", "standard reference methods", "a trained sensory panel"),
        findings=(
            "the enriched products showed {p}% higher antioxidant activity",
            "shelf life was extended by {n} days without loss of sensory quality",
            "{n} strains met the criteria for probiotic use",
            "the hydrolysates inhibited angiotensin-converting enzyme in vitro",
            "the films reduced microbial growth on the product surface by {p}%",
            "mycotoxin levels exceeded the limits in {p}% of samples",
        ),
        applications=(
            "new products for regional food producers", "healthy diets in industrial regions",
            "food safety control", "domestic production of starter cultures",
            "sustainable packaging",
        ),
        aspects=(
            "development and quality assessment", "composition and properties",
            "process optimisation", "safety and shelf life", "technological aspects",
        ),
        problems=(
            "Unbalanced nutrition in industrial regions", "Food spoilage in the cold chain",
            "Dependence on imported starter cultures",
        ),
        ru_keywords=(
            "пищевые технологии", "функциональные продукты", "молочные продукты", "пробиотики",
            "безопасность пищевых продуктов", "сроки годности", "биоактивные пептиды",
            "пищевая упаковка",
        ),
        ru_subjects=(
            "Функциональные молочные продукты с растительными экстрактами",
            "Пробиотические молочнокислые бактерии из традиционных ферментированных продуктов",
            "Биоактивные пептиды сывороточных белков",
            "Сроки годности охлаждённых мясных полуфабрикатов",
            "Безглютеновые хлебобулочные изделия",
            "Биоразлагаемые упаковочные плёнки для пищевых продуктов",
            "Экстракты дикорастущих ягод Сибири",
            "Белковые гидролизаты для специализированного питания",
        ),
        ru_aspects=(
            "разработка и оценка качества", "состав и свойства", "оптимизация технологии",
            "безопасность и сроки годности", "технологические аспекты",
        ),
        ru_aims=(
            "Разработана рецептура функционального продукта из местного растительного сырья "
            "{region_ru}.",
            "Цель работы — продление сроков годности пищевых продуктов без ухудшения их качества.",
            "Изучены свойства штаммов молочнокислых бактерий, выделенных из традиционных "
            "ферментированных продуктов.",
            "Рассмотрены подходы к получению биологически активных пептидов из вторичного "
            "молочного сырья.",
        ),
        ru_methods=(
            "Оптимизация параметров проведена методом поверхности отклика.",
            "Использованы методы ВЭЖХ, органолептической оценки и микробиологического контроля.",
            "Исследовано {ns} образцов продукции в процессе хранения.",
            "Переваримость оценивали на модели желудочно-кишечного тракта in vitro.",
        ),
        ru_results=(
            "Антиоксидантная активность обогащённых продуктов выше контроля на {p}%.",
            "Срок годности продукции увеличен на {n} суток.",
            "Отобраны штаммы, отвечающие требованиям к пробиотическим культурам.",
            "Показано ингибирование ангиотензинпревращающего фермента полученными гидролизатами.",
        ),
        ru_impacts=(
            "Разработанные технологии рекомендованы для предприятий пищевой промышленности "
            "{region_ru}.",
            "Результаты могут быть использованы для производства отечественных заквасочных "
            "культур.",
            "Продукты предназначены для здорового питания населения промышленных регионов.",
        ),
    ),
    "agri_soil": Topic(
        slug="agri_soil", label="Agriculture and soil science",
        keywords=(
            "soil fertility", "crop yield", "pasture management", "soil organic carbon",
            "fertiliser efficiency", "spring wheat", "precision agriculture", "soil erosion",
            "agroecology", "soil salinity", "rangeland degradation", "forage crops",
        ),
        objects=(
            "soil organic carbon in chernozems", "spring wheat yield in a continental climate",
            "rangeland degradation and pasture recovery", "nitrogen fertiliser efficiency",
            "soil erosion on arable slopes", "forage crops for livestock in the steppe",
            "no-till farming systems", "soil salinity in irrigated fields",
            "precision fertilisation based on yield maps", "drought tolerance of barley cultivars",
        ),
        methods=(
            "long-term field trials", "soil sampling and laboratory analysis",
            "remote sensing of vegetation", "crop simulation modelling", "on-farm experiments",
            "geostatistical mapping", "grazing exclusion experiments", "stable isotope tracing",
        ),
        conditions=(
            "short growing seasons", "recurrent droughts", "different tillage systems",
            "varying grazing pressure", "low precipitation",
        ),
        sites=(
            "experimental fields", "farms in the forest-steppe zone", "steppe pastures",
            "long-term trial plots", "irrigated fields",
        ),
        samples=("soil samples", "field plots", "farms", "cultivars"),
        validations=("multi-year yield records", "reference plots", "independent soil surveys"),
        findings=(
            "no-till increased topsoil organic carbon by {p}% over {n} years",
            "optimised nitrogen rates raised wheat yield by {p}%",
            "grazing exclusion restored plant cover within {n} years",
            "soil losses from slopes were highest after snowmelt",
            "drought-tolerant cultivars yielded {p}% more in dry years",
            "salinity was the main factor limiting yields in irrigated fields",
        ),
        applications=(
            "sustainable farming", "pasture management policies", "climate-smart agriculture",
            "fertiliser recommendations for farmers", "regional food security",
        ),
        aspects=(
            "field evidence", "a long-term experiment", "management options", "spatial variability",
            "productivity and sustainability",
        ),
        problems=("Declining soil fertility", "Pasture degradation", "Yield loss in dry years"),
        ru_keywords=(
            "плодородие почв", "урожайность", "пастбища", "органический углерод почв",
            "минеральные удобрения", "яровая пшеница", "эрозия почв", "земледелие",
        ),
        ru_subjects=(
            "Органическое вещество чернозёмов", "Урожайность яровой пшеницы",
            "Деградация пастбищ и пути их восстановления", "Эффективность азотных удобрений",
            "Эрозия почв на склоновых пашнях", "Кормовые культуры для степной зоны",
            "Технология прямого посева", "Засоление почв орошаемых земель",
        ),
        ru_aspects=(
            "результаты полевых опытов", "многолетние исследования", "агроэкологическая оценка",
            "пространственная изменчивость", "продуктивность и устойчивость",
        ),
        ru_aims=(
            "Изучено влияние систем обработки почвы на плодородие чернозёмов {region_ru}.",
            "Цель исследования — повышение урожайности зерновых культур в условиях засушливого "
            "климата.",
            "Рассмотрены причины деградации пастбищ и способы их восстановления.",
            "Оценена эффективность применения минеральных удобрений в севооборотах.",
        ),
        ru_methods=(
            "Исследования проведены в многолетнем стационарном опыте.",
            "Отобрано {ns} почвенных образцов, определено содержание гумуса и элементов питания.",
            "Использованы данные дистанционного зондирования и полевых наблюдений.",
            "Применены методы дисперсионного и корреляционного анализа.",
        ),
        ru_results=(
            "Прямой посев увеличил содержание органического углерода в верхнем слое почвы на {p}%.",
            "Оптимизация доз азота повысила урожайность пшеницы на {p}%.",
            "Исключение выпаса восстановило проективное покрытие за {n} лет.",
            "Засухоустойчивые сорта обеспечили прибавку урожая в засушливые годы.",
        ),
        ru_impacts=(
            "Результаты рекомендованы для сельскохозяйственных предприятий {region_ru}.",
            "Предложены приёмы сохранения плодородия почв.",
            "Полученные данные могут быть использованы при разработке региональных систем "
            "земледелия.",
        ),
    ),
    "hydrogen": Topic(
        slug="hydrogen", label="Hydrogen and clean energy",
        keywords=(
            "hydrogen production", "coal gasification", "carbon capture", "fuel cells",
            "renewable energy", "energy storage", "low-carbon energy", "methane pyrolysis",
            "water electrolysis", "energy transition", "CO2 utilisation", "hybrid power systems",
        ),
        objects=(
            "hydrogen production by coal gasification with carbon capture",
            "methane pyrolysis to hydrogen and solid carbon",
            "water electrolysis powered by renewables", "solid oxide fuel cells",
            "CO2 capture from flue gases", "hybrid solar-wind power systems for remote sites",
            "hydrogen storage in metal hydrides", "energy storage for isolated grids",
            "conversion of coal mine methane to hydrogen", "CO2 hydrogenation to methanol",
        ),
        methods=(
            "process simulation in Aspen Plus", "techno-economic analysis", "life cycle assessment",
            "catalyst screening experiments", "electrochemical testing",
            "thermodynamic equilibrium modelling", "optimal system sizing",
            "pilot-scale experiments",
        ),
        conditions=(
            "cold-climate operation", "fluctuating renewable supply", "different carbon prices",
            "elevated pressure", "variable feed composition",
        ),
        sites=(
            "a pilot gasification unit", "a remote settlement", "a laboratory test bench",
            "an industrial site", "a coal-fired power plant",
        ),
        samples=("catalyst samples", "operating scenarios", "test cells", "plant configurations"),
        validations=("pilot plant data", "published benchmarks", "measured performance data"),
        findings=(
            "the levelised cost of hydrogen fell to {hc} USD/kg in the best scenario",
            "the nickel catalyst kept {p3}% of its activity after 100 hours",
            "carbon capture cut life-cycle emissions by {p}%",
            "cell efficiency reached {p2}% at 750 °C",
            "the hybrid system reduced diesel consumption by {p}%",
            "selling the solid carbon by-product offset much of the production cost",
        ),
        applications=(
            "a regional hydrogen economy", "decarbonisation of coal regions",
            "power supply for remote mines", "low-carbon industrial heat",
            "the energy transition of coal regions",
        ),
        aspects=(
            "a techno-economic assessment", "process design", "performance and durability",
            "pathways and costs", "an experimental study",
        ),
        problems=(
            "The carbon footprint of coal use", "The cost of low-carbon hydrogen",
            "Unreliable power supply at remote sites",
        ),
        ru_keywords=(
            "водородная энергетика", "газификация угля", "улавливание CO2", "топливные элементы",
            "возобновляемая энергетика", "декарбонизация", "пиролиз метана", "накопление энергии",
        ),
        ru_subjects=(
            "Получение водорода газификацией угля",
            "Пиролиз метана с получением водорода и углерода",
            "Электролиз воды с использованием возобновляемых источников энергии",
            "Твердооксидные топливные элементы", "Улавливание CO2 из дымовых газов",
            "Гибридные энергосистемы для удалённых объектов", "Хранение водорода в металлогидридах",
            "Конверсия шахтного метана в водород",
        ),
        ru_aspects=(
            "технико-экономическая оценка", "моделирование процесса",
            "экспериментальное исследование", "перспективы применения",
            "энергетическая эффективность",
        ),
        ru_aims=(
            "Рассмотрены технологии получения низкоуглеродного водорода из угля и метана.",
            "Цель работы — оценка перспектив водородной энергетики в угледобывающих районах "
            "{region_ru}.",
            "Исследованы каталитические системы для разложения метана.",
            "Проанализированы варианты энергоснабжения удалённых горнодобывающих объектов.",
        ),
        ru_methods=(
            "Процесс смоделирован в среде Aspen Plus с учётом улавливания CO2.",
            "Выполнены испытания катализаторов на лабораторной установке.",
            "Проведена технико-экономическая оценка для {n} сценариев.",
            "Использованы методы оценки жизненного цикла.",
        ),
        ru_results=(
            "Себестоимость водорода в лучшем сценарии составила {hcr} долл. США за кг.",
            "Улавливание CO2 снижает выбросы на {p}%.",
            "Катализатор сохраняет {p3}% активности после 100 ч работы.",
            "Гибридная система сокращает потребление дизельного топлива на {p}%.",
        ),
        ru_impacts=(
            "Результаты могут быть использованы при формировании водородной стратегии {region_ru}.",
            "Показаны пути декарбонизации угольной энергетики.",
            "Предложенные решения перспективны для энергоснабжения удалённых предприятий.",
        ),
    ),
    "digital": Topic(
        slug="digital", label="AI and digital twins for industry",
        keywords=(
            "digital twin", "machine learning", "predictive maintenance",
            "industrial internet of things", "computer vision", "process optimisation",
            "anomaly detection", "deep learning", "mining automation", "smart manufacturing",
            "industrial sensor data", "decision support",
        ),
        objects=(
            "digital twins of mining equipment", "predictive maintenance of conveyor belts",
            "computer vision for coal quality control",
            "anomaly detection in industrial sensor data", "digital twins of blast furnaces",
            "autonomous haulage in open-pit mines", "energy optimisation of processing plants",
            "machine-learning models of flotation", "decision support for mine planning",
            "industrial internet of things platforms",
        ),
        methods=(
            "deep neural networks", "gradient-boosted trees", "physics-informed machine learning",
            "reinforcement learning", "discrete-event simulation", "convolutional neural networks",
            "Bayesian optimisation", "federated learning",
        ),
        conditions=(
            "noisy sensor data", "scarce labelled data", "changing operating regimes",
            "harsh industrial conditions", "real-time constraints",
        ),
        sites=(
            "a coal preparation plant", "an open-pit mine", "a steel plant",
            "an underground longwall", "an industrial test bed",
        ),
        samples=("sensors", "machines", "images", "equipment units"),
        validations=("historical failure records", "expert assessments", "a hold-out test period"),
        findings=(
            "failures were predicted {n} days in advance with {acc}% precision",
            "the digital twin cut specific energy consumption by {p}%",
            "the vision system classified coal quality with {acc}% accuracy",
            "physics-informed models generalised better than purely data-driven ones",
            "unplanned downtime fell by {p}% during the pilot",
            "anomalies were detected on average {n} hours before alarms",
        ),
        applications=(
            "the digital transformation of mining and metallurgy", "safer autonomous operations",
            "lower maintenance costs", "energy-efficient processing", "operator decision support",
        ),
        aspects=(
            "architecture and implementation", "an industrial case study", "a data-driven approach",
            "lessons from deployment", "design and evaluation",
        ),
        problems=(
            "Unplanned equipment downtime", "The lack of reliable process models",
            "Manual quality control",
        ),
        ru_keywords=(
            "цифровой двойник", "машинное обучение", "искусственный интеллект",
            "предиктивное обслуживание", "компьютерное зрение", "промышленный интернет вещей",
            "горная промышленность", "нейронные сети",
        ),
        ru_subjects=(
            "Цифровые двойники горного оборудования",
            "Предиктивное обслуживание ленточных конвейеров",
            "Компьютерное зрение для контроля качества угля",
            "Обнаружение аномалий в данных промышленных датчиков", "Цифровой двойник доменной печи",
            "Автономные карьерные самосвалы",
            "Машинное обучение в задачах обогащения полезных ископаемых",
            "Поддержка принятия решений при планировании горных работ",
        ),
        ru_aspects=(
            "архитектура и реализация", "опыт внедрения", "подход на основе данных",
            "разработка и апробация", "сравнительный анализ методов",
        ),
        ru_aims=(
            "Рассмотрены вопросы создания цифровых двойников технологических объектов "
            "горно-металлургического комплекса.",
            "Цель работы — снижение внеплановых простоев оборудования на основе методов "
            "машинного обучения.",
            "Предложен подход к автоматическому контролю качества продукции с использованием "
            "компьютерного зрения.",
            "Исследованы возможности применения искусственного интеллекта на предприятиях "
            "{region_ru}.",
        ),
        ru_methods=(
            "Модели обучены на данных {ns} датчиков за два года эксплуатации.",
            "Использованы свёрточные нейронные сети и градиентный бустинг.",
            "Цифровой двойник построен на основе физической модели, уточняемой по данным.",
            "Проверка выполнена на отложенной выборке и по экспертным оценкам.",
        ),
        ru_results=(
            "Отказы прогнозируются за {n} суток с точностью {acc}%.",
            "Удельное энергопотребление снижено на {p}%.",
            "Точность классификации качества угля составила {acc}%.",
            "Внеплановые простои в ходе опытной эксплуатации сократились на {p}%.",
        ),
        ru_impacts=(
            "Результаты внедрены на предприятиях {region_ru}.",
            "Предложенные решения могут быть тиражированы в горнодобывающей отрасли.",
            "Подход способствует цифровой трансформации промышленных предприятий.",
        ),
    ),
    "metallurgy": Topic(
        slug="metallurgy", label="Metallurgy and materials",
        keywords=(
            "metallurgy", "steelmaking", "rail steel", "welding and surfacing", "powder metallurgy",
            "wear-resistant coatings", "blast furnace", "microstructure", "mechanical properties",
            "ferroalloys", "metallurgical waste recycling", "heat treatment",
        ),
        objects=(
            "rail steel with improved contact fatigue resistance",
            "wear-resistant surfacing of mining machine parts", "blast-furnace slag recycling",
            "powder metallurgy of iron-based composites",
            "hydrogen-based direct reduction of iron ore",
            "the microstructure of differentially hardened rails", "titanium-alloyed steels",
            "ferrosilicon production from industrial waste",
            "plasma spraying of protective coatings", "additive manufacturing of metal parts",
        ),
        methods=(
            "scanning and transmission electron microscopy", "X-ray diffraction analysis",
            "mechanical testing", "thermodynamic modelling", "finite element simulation",
            "dilatometry", "industrial trials", "electron backscatter diffraction",
        ),
        conditions=(
            "low temperatures", "cyclic loading", "abrasive wear", "different cooling rates",
            "varying alloying levels",
        ),
        sites=(
            "an industrial rail mill", "a laboratory furnace", "a steel plant",
            "a pilot plasma facility", "a mining equipment plant",
        ),
        samples=("specimens", "heats", "rail samples", "coating samples"),
        validations=("industrial trial data", "standard test methods", "reference steels"),
        findings=(
            "differential hardening raised rail head hardness to {hv} HV",
            "the surfaced layer lasted {x2} times longer under abrasive wear",
            "slag-based binders reached {mpa} MPa compressive strength",
            "hydrogen reduction achieved {p3}% metallisation at 900 °C",
            "a fine bainitic microstructure improved impact toughness at -60 °C",
            "the coatings reduced the wear rate by {p}%",
        ),
        applications=(
            "railways in cold climates", "longer service life of mining machinery",
            "low-carbon steelmaking", "recycling of metallurgical waste",
            "a domestic supply of advanced materials",
        ),
        aspects=(
            "structure and properties", "an industrial trial", "process development",
            "wear resistance", "modelling and experiment",
        ),
        problems=(
            "Wear of mining equipment", "Rail breakage in cold climates",
            "The accumulation of metallurgical waste",
        ),
        ru_keywords=(
            "металлургия", "рельсовая сталь", "наплавка", "износостойкость", "доменный шлак",
            "микроструктура", "механические свойства", "порошковая металлургия",
        ),
        ru_subjects=(
            "Рельсовая сталь повышенной контактно-усталостной прочности",
            "Износостойкая наплавка деталей горных машин", "Переработка доменных шлаков",
            "Порошковые композиционные материалы на основе железа",
            "Прямое восстановление железной руды водородом",
            "Структура дифференцированно термоупрочнённых рельсов",
            "Плазменное напыление защитных покрытий",
            "Аддитивное производство металлических изделий",
        ),
        ru_aspects=(
            "структура и свойства", "опытно-промышленные испытания", "разработка технологии",
            "износостойкость", "моделирование и эксперимент",
        ),
        ru_aims=(
            "Исследованы структура и механические свойства рельсовой стали после "
            "дифференцированной закалки.",
            "Цель работы — повышение износостойкости деталей горных машин методами наплавки.",
            "Рассмотрены технологии переработки отходов металлургического производства "
            "{region_ru}.",
            "Изучены закономерности восстановления железорудного сырья водородом.",
        ),
        ru_methods=(
            "Структура исследована методами сканирующей и просвечивающей электронной микроскопии.",
            "Проведены механические испытания {ns} образцов при температурах до −60 °C.",
            "Выполнено термодинамическое моделирование процессов восстановления.",
            "Опытно-промышленные испытания проведены на действующем производстве.",
        ),
        ru_results=(
            "Твёрдость головки рельса после упрочнения составила {hv} HV.",
            "Износостойкость наплавленного слоя выше в {x2r} раза.",
            "Прочность шлаковых вяжущих при сжатии достигла {mpa} МПа.",
            "Степень металлизации при 900 °C составила {p3}%.",
        ),
        ru_impacts=(
            "Технология рекомендована для металлургических предприятий {region_ru}.",
            "Результаты способствуют увеличению срока службы горного оборудования.",
            "Показана возможность снижения углеродного следа металлургического производства.",
        ),
    ),
    "water": Topic(
        slug="water", label="Water resources in arid regions",
        keywords=(
            "water resources", "arid regions", "irrigation efficiency", "groundwater", "drought",
            "river basin management", "water quality", "hydrological modelling", "climate change",
            "transboundary rivers", "water scarcity", "desertification",
        ),
        objects=(
            "groundwater depletion in arid basins",
            "irrigation efficiency in Central Asian river basins",
            "drought risk under climate change", "water quality of transboundary rivers",
            "snow and glacier melt contributions to river flow",
            "desertification and land degradation",
            "water allocation between agriculture and industry",
            "mine water reuse in water-scarce regions", "small reservoirs for pasture water supply",
            "salinisation of irrigated land",
        ),
        methods=(
            "hydrological modelling with SWAT", "satellite gravimetry (GRACE)",
            "remote sensing of evapotranspiration", "isotope hydrology", "water balance analysis",
            "scenario modelling", "hydrochemical sampling", "multi-criteria decision analysis",
        ),
        conditions=(
            "climate change scenarios", "growing water demand", "recurrent droughts",
            "transboundary constraints", "strong seasonal flow variability",
        ),
        sites=(
            "a transboundary river basin", "irrigated oases", "a mining district",
            "steppe catchments", "the upper reaches of the basin",
        ),
        samples=("gauging stations", "observation wells", "water samples", "sub-basins"),
        validations=(
            "observed discharge records", "well-level observations",
            "independent satellite products",
        ),
        findings=(
            "groundwater levels fell by {c10} m per year under intensive irrigation",
            "drip irrigation saved {p}% of water without a yield penalty",
            "glacier melt supplied up to {p}% of summer flow",
            "drought frequency is projected to double by mid-century",
            "treated mine water could cover {p}% of industrial demand",
            "salinity exceeded drinking-water standards at {n} of the sampled sites",
        ),
        applications=(
            "integrated water resources management", "transboundary water agreements",
            "adaptation of agriculture to drought", "drinking water security",
            "sustainable mining in arid regions",
        ),
        aspects=(
            "trends and drivers", "a basin-scale assessment", "scenarios to 2050",
            "management options", "a modelling study",
        ),
        problems=("Water scarcity", "Over-abstraction of groundwater", "Inefficient irrigation"),
        ru_keywords=(
            "водные ресурсы", "засушливые регионы", "орошение", "подземные воды", "засуха",
            "изменение климата", "качество воды", "трансграничные реки",
        ),
        ru_subjects=(
            "Водные ресурсы засушливых территорий", "Истощение подземных вод в аридных бассейнах",
            "Эффективность орошения в бассейнах рек Центральной Азии",
            "Риск засух в условиях изменения климата", "Качество воды трансграничных рек",
            "Повторное использование шахтных вод", "Опустынивание и деградация земель",
            "Засоление орошаемых земель",
        ),
        ru_aspects=(
            "тенденции и факторы", "оценка на уровне бассейна", "сценарии до 2050 года",
            "варианты управления", "результаты моделирования",
        ),
        ru_aims=(
            "Рассмотрено состояние водных ресурсов засушливых территорий {region_ru}.",
            "Цель исследования — оценка влияния изменения климата на речной сток и "
            "водообеспеченность.",
            "Проанализирована эффективность использования воды на орошение.",
            "Изучены возможности повторного использования шахтных вод в условиях дефицита воды.",
        ),
        ru_methods=(
            "Использованы данные {n} гидрологических постов и гидрологическое моделирование.",
            "Применены спутниковые данные об эвапотранспирации и запасах воды.",
            "Выполнен гидрохимический анализ проб поверхностных и подземных вод.",
            "Разработаны сценарии водопотребления до 2050 года.",
        ),
        ru_results=(
            "Уровень подземных вод на орошаемых массивах снижается на {c10r} м в год.",
            "Капельное орошение позволяет экономить до {p}% воды.",
            "Доля ледникового питания в летнем стоке достигает {p}%.",
            "Очищенные шахтные воды могут покрыть {p}% потребности промышленности в воде.",
        ),
        ru_impacts=(
            "Результаты могут быть использованы при разработке схем комплексного использования "
            "водных ресурсов.",
            "Предложены меры адаптации сельского хозяйства к засухам.",
            "Полученные оценки важны для межгосударственного водного сотрудничества.",
        ),
    ),
    "education": Topic(
        slug="education", label="Education quality assessment",
        keywords=(
            "education quality", "learning assessment", "student achievement",
            "teacher professional development", "large-scale assessment",
            "cross-country comparison", "learning gaps", "educational measurement",
            "school effectiveness", "primary education", "mathematical literacy",
            "reading literacy",
        ),
        objects=(
            "learning gaps after school closures",
            "teachers' pedagogical practices in primary schools",
            "large-scale assessment of mathematics achievement",
            "localisation of assessment instruments", "reading literacy in multilingual schools",
            "professional development programmes for teachers",
            "school effectiveness in rural areas",
            "measurement invariance of student questionnaires",
            "formative assessment in secondary schools", "university admission testing",
        ),
        methods=(
            "item response theory", "multilevel modelling", "classroom observation",
            "a cross-country survey", "cognitive interviews", "a randomised controlled trial",
            "differential item functioning analysis", "a mixed-methods design",
        ),
        conditions=(
            "multilingual instruction", "curriculum reform", "teacher shortages",
            "the shift to online learning", "socio-economic disadvantage",
        ),
        sites=(
            "schools in five countries", "rural schools", "primary schools",
            "teacher training institutes", "national assessment programmes",
        ),
        samples=("students", "teachers", "schools", "test items"),
        validations=(
            "international benchmarks", "independent expert ratings",
            "national examination results",
        ),
        findings=(
            "learning losses amounted to about {p}% of a school year in mathematics",
            "the localised instrument kept measurement invariance across {n} language versions",
            "teacher training raised student scores by 0.{es} standard deviations",
            "teaching practices explained more variance than school resources",
            "rural students lagged behind urban peers by {p} score points",
            "fewer than half of the teachers used formative assessment regularly",
        ),
        applications=(
            "national education monitoring", "targeted support for lagging students",
            "teacher training programmes", "education policy in the CIS",
            "evidence-based school improvement",
        ),
        aspects=(
            "a cross-country study", "evidence from large-scale assessment",
            "methodological issues", "results of a pilot", "implications for policy",
        ),
        problems=(
            "The learning gap between regions", "The lack of comparable assessment tools",
            "Uneven teaching quality",
        ),
        ru_keywords=(
            "качество образования", "оценка образовательных достижений", "педагогические практики",
            "образовательные дефициты", "повышение квалификации учителей", "страны СНГ",
            "начальная школа", "мониторинг образования",
        ),
        ru_subjects=(
            "Оценка качества образования",
            "Образовательные дефициты школьников после дистанционного обучения",
            "Педагогические практики учителей начальной школы",
            "Адаптация инструментов оценки для стран СНГ",
            "Читательская грамотность в многоязычных школах", "Повышение квалификации учителей",
            "Эффективность сельских школ", "Формирующее оценивание в основной школе",
        ),
        ru_aspects=(
            "сравнительное исследование", "результаты мониторинга", "методологические вопросы",
            "итоги пилотного проекта", "выводы для образовательной политики",
        ),
        ru_aims=(
            "Рассмотрены подходы к оценке качества образования в странах СНГ.",
            "Цель исследования — выявление образовательных дефицитов школьников {region_ru} и "
            "их причин.",
            "Проанализированы педагогические практики учителей начальных классов.",
            "Обсуждаются вопросы адаптации инструментов оценки к национальным системам "
            "образования.",
        ),
        ru_methods=(
            "В исследовании приняли участие {n00} учащихся из пяти стран.",
            "Использованы модели современной теории тестирования и многоуровневый анализ.",
            "Проведены наблюдения уроков и анкетирование учителей.",
            "Выполнен анализ дифференциального функционирования заданий.",
        ),
        ru_results=(
            "Образовательные потери по математике составили около {p}% учебного года.",
            "Адаптированный инструмент показал инвариантность измерения для разных языковых "
            "версий.",
            "Программа повышения квалификации улучшила результаты учащихся.",
            "Отставание сельских школьников от городских составило {p} баллов.",
        ),
        ru_impacts=(
            "Результаты могут быть использованы для совершенствования системы мониторинга "
            "качества образования.",
            "Предложены рекомендации по адресной поддержке школ.",
            "Данные важны для выработки согласованной образовательной политики стран СНГ.",
        ),
    ),
}
# fmt: on

# Topics a researcher may combine with the main one (kept coherent, so ranking makes sense).
# fmt: off
NEIGHBOUR_TOPICS: dict[str, tuple[str, ...]] = {
    "mine_safety": ("digital", "hydrogen"), "coal_chem": ("hydrogen", "air_quality"),
    "reclamation": ("agri_soil", "water"), "air_quality": ("occ_health", "reclamation"),
    "occ_health": ("air_quality",), "food": ("agri_soil",),
    "agri_soil": ("reclamation", "water", "food"), "hydrogen": ("coal_chem", "mine_safety"),
    "digital": ("mine_safety", "metallurgy"), "metallurgy": ("digital", "hydrogen"),
    "water": ("agri_soil", "reclamation"), "education": ("digital",),
}
# fmt: on

# Generic English templates; slots are filled from the topic (see ``TextFactory.english``).
EN_TITLES = (
    "{Object} in {region}: {aspect}",
    "{Method} for assessing {object}",
    "{Object} under {condition}",
    "Towards {application}: {object} at {site}",
    "{Object} and {object2}",
    "Applying {method} to {object}",
    "{Object}: {aspect} from {site}",
    "{Object} in {region}",
)
EN_AIMS = (
    "This paper examines {object} in {region}.",
    "We study {object}, a key issue for {application}.",
    "{problem} remains a major concern in {region}; this study addresses {object}.",
    "The aim of this work is to characterise {object} under {condition}.",
    "Little is known about {object} under {condition}.",
)
EN_METHODS = (
    "We combined {method} with {method2}, using data from {site}.",
    "{Method} was applied to data on {ns} {samples} from {site}, {y1}-{y2}.",
    "The analysis relies on {method} and is validated against {validation}.",
    "Data from {site} were analysed with {method}.",
)
EN_RESULTS = (
    "The results show that {finding}.",
    "We found that {finding}, and that {finding2}.",
    "In particular, {finding}.",
    "Our estimates indicate that {finding}.",
)
EN_IMPACTS = (
    "The approach can support {application}.",
    "These findings are relevant to {application} in {region} and similar settings.",
    "Practical recommendations for {application} are proposed.",
    "",
)
RU_REGION_SUFFIXES = ("", "", " (на примере {region_ru})", ": опыт {region_ru}")

SUMMARY_EN = (
    "{position} at {institution} working on {kw1} and {kw2}.",
    "{position} at {institution}; research interests: {kw1}, {kw2} and {kw3}.",
    "{position} at {institution} studying {kw1}, with projects on {kw2} in {region}.",
)
SUMMARY_RU = (
    "{position}. Основные направления исследований: {kw1}, {kw2}, {kw3}.",
    "{position}. Научные интересы: {kw1} и {kw2}.",
)
SUMMARY_ZH = (
    "{position}，主要从事{kw1}、{kw2}等方面的研究。",
    "{position}，研究方向为{kw1}与{kw2}。",
)
SECOND_TOPIC_SENTENCE = " Also works on {kw}."

# Chinese terms for each topic, used in the summaries and keywords of Chinese-only researchers.
# fmt: off
ZH_TOPIC_TERMS: dict[str, tuple[str, str]] = {
    "mine_safety": ("煤矿瓦斯防治", "矿井安全"), "coal_chem": ("煤化工", "炭材料"),
    "reclamation": ("矿区土地复垦", "土壤修复"), "air_quality": ("大气污染防治", "颗粒物"),
    "occ_health": ("职业健康", "尘肺病"), "food": ("食品科学", "食品安全"),
    "agri_soil": ("土壤肥力", "作物栽培"), "hydrogen": ("氢能", "燃料电池"),
    "digital": ("智能控制", "机器学习"), "metallurgy": ("钢铁冶金", "材料加工"),
    "water": ("水资源", "干旱区水文"), "education": ("教育质量", "教师发展"),
}
# fmt: on

# Chinese texts on coal mine methane written for the demo (CSL has few mining papers).
# fmt: off
ZH_MINE_PAPERS: tuple[tuple[str, str, str], ...] = (
    (
        "高瓦斯矿井本煤层顺层钻孔瓦斯抽采效果评价",
        "针对高瓦斯矿井回采工作面瓦斯涌出量大的问题,以某矿3号煤层为研究对象,采用现场实测与数值模"
        "拟相结合的方法,分析了顺层钻孔间距、封孔深度和抽采负压对瓦斯抽采效果的影响.结果表明,钻孔"
        "间距由5 m缩小至3 m后,抽采纯量提高约30%,工作面回风流瓦斯浓度稳定在0.6%以下.",
        "瓦斯抽采; 顺层钻孔; 高瓦斯矿井; 数值模拟",
    ),
    (
        "基于监测数据的采煤工作面瓦斯涌出量预测模型",
        "以矿井安全监控系统采集的瓦斯浓度、风量和推进度数据为基础,建立了采煤工作面瓦斯涌出量的多"
        "元回归与神经网络组合预测模型.应用表明,组合模型的平均相对误差小于8%,可为工作面瓦斯超限预"
        "警和通风调整提供依据.",
        "瓦斯涌出量; 预测模型; 神经网络; 安全监控",
    ),
    (
        "煤与瓦斯突出危险性区域预测方法研究",
        "综合考虑瓦斯含量、瓦斯压力、煤的坚固性系数和地质构造等因素,提出了煤与瓦斯突出危险性区域"
        "预测的多指标综合评价方法,并在某突出矿井进行了验证.预测结果与实际揭煤情况基本一致.",
        "煤与瓦斯突出; 区域预测; 综合评价; 地质构造",
    ),
    (
        "松软低透气性煤层水力压裂增透技术试验研究",
        "针对松软低透气性煤层瓦斯抽采困难的问题,开展了井下水力压裂增透现场试验,考察了压裂影响半"
        "径和抽采浓度的变化.试验表明,压裂后钻孔瓦斯抽采浓度提高2倍以上,预抽达标时间明显缩短.",
        "水力压裂; 低透气性煤层; 增透; 瓦斯抽采",
    ),
    (
        "矿井乏风瓦斯蓄热氧化利用技术及工程应用",
        "介绍了矿井乏风低浓度瓦斯蓄热氧化的原理和系统组成,分析了某矿乏风瓦斯氧化发电工程的运行参"
        "数和减排效果.结果表明,系统可在瓦斯体积分数0.3%以上稳定运行,年减排二氧化碳当量显著.",
        "乏风瓦斯; 蓄热氧化; 减排; 瓦斯利用",
    ),
)
# fmt: on

# Real Chinese paper titles, abstracts and keywords from the CSL benchmark
# (Li et al., "CSL: A Large-scale Chinese Scientific Literature Dataset", COLING 2022;
# Apache-2.0), file csl_papers_devtest.tsv. Rows: (topic, "split-idx", title, abstract, keywords).
# They are given to invented Chinese researchers who publish only in Chinese.
# fmt: off
CSL_PAPERS: tuple[tuple[str, str, str, str, str], ...] = (
    ('mine_safety', 'dev-463', '延川南煤层气田基本特征与成藏关键因素', '以延川南煤层气田山西组2号煤层为例,分析了该气田的基本特征.该气田具有构造简单,厚度稳定,低孔、低渗,低压力梯度,生烃潜力大,含气量高,演化程度高等特点.通过研究区断层与含气量、地层水、地层压力梯度的关系,局部构造与割理发育、煤层气产量的关系,以及对煤层气甲烷碳同位素特征的分析,认为:(1)断层对煤层气的富集作用明显,断裂带煤层含气量明显变低;(2)中部断裂带控制了煤层的压力梯度和地层水的分布;(3)煤层气具有混合气(自源和运移来的热成因气)的特征,有一定构造幅度的正向构造,有助于煤层气的富集.', '断层; 煤层气; 2号煤层; 山西组; 延川南'),  # noqa: E501
    ('mine_safety', 'test-84', '防风抑尘墙在黑岱沟露天矿中的应用研究', '对于大型储煤场与原煤运输系统,目前使用的方式主要有喷水降尘和挡风抑尘2种方式防尘,而挡风抑尘最适宜于北方露天矿场使用.介绍了防风抑尘网的发展状况,研究扬尘机理并通过风洞试验结论和对现场测试数据分析,阐述了防风抑尘墙的抑尘防风原理,并对其做了分类介绍.最后论述了防风抑尘墙在黑岱沟露天矿的成功运用.', '粉尘防治; 防风抑尘墙; 网开孔率; 储煤场; 破碎站'),  # noqa: E501
    ('mine_safety', 'test-693', '模糊综合评判法在判别矿井突水水源中的应用', '矿井涌水水源较多,各含水层水质特征界限很不明显,很难根据单因素进行准确无误的判别.根据矿井含水层的水化学分析资料和矿井涌水量资料,建立二级模糊综合评判数学模型,能准确地判别矿井突水水源,这种方法是切实可行的.', '水源; 隶属度; 权重; 模糊综合评判'),  # noqa: E501
    ('coal_chem', 'dev-90', '华亭煤制备高质量分数水煤浆的研究', '针对华亭煤内水质量分数高,难以制备高质量分数水煤浆,通过筛选了NDF系列和WHK复配型2类4种添加剂,考察了添加剂种类、添加量、煤粉级配、粒径分布和磨机负荷对制浆质量分数的影响,其目的是探索提高制浆质量分数的有效途径.结果表明,添加剂对制浆质量分数提高的顺序为NDF-10＞NDF-02＞NDF-01＞WHK,控制添加剂比率为0.3%-0.4%,煤粉粗细比为1.5-1.6,磨机负荷为30 t/h时,水煤浆质量分数可高达71.5%,该研究表明,通过添加剂的改性和工艺条件的优化,可在工业生产中获得高质量分数的水煤浆.', '华亭煤; 高质量分数水煤浆; 添加剂; 煤粉级配; 粒径分布; 磨机负荷'),  # noqa: E501
    ('coal_chem', 'dev-771', 'BGL碎煤熔渣气化炉气化过程模拟', '为进一步研究BGL碎煤熔渣气化技术的气化性能,探寻BGL气化炉的最佳操作参数,采用Aspen Plus工业系统流程模拟软件,遵循Gibbs自由能最小化方法以及反应平衡模型建立BGL气化炉模型;通过对3种不同煤种的气化模拟,对模型进行检验,结果表明:该模型与BGL气化炉的实际运行的结果吻合程度比较高,可应用于一些反应机理复杂的气化工艺的化学和热力学平衡计算,并研究了不同操作参数对BGL气化炉气化性能的影响.以安徽淮北烟煤为例,模拟不同氧气预热温度、氧煤比及汽煤比对出口有效产气率的影响.模拟结果表明:出口产气率随着氧煤比与氧气预热温度的升高而增加,而氧煤比增加到一个特定值时则下降,在氧煤比(质量比)为0.36时,有效产气率最高;产气率随汽煤比升高而下降.', 'BGL碎煤熔渣气化技术; Gibbs自由能; Aspen Plus; 数值模拟'),  # noqa: E501
    ('coal_chem', 'test-6', '利用核桃壳制备高比表面积活性炭电极材料的研究', '以核桃壳为原料,采用KOH活化法制备活性炭,并将其用作超级电容器电极材料.利用N2吸附和扫描电镜(SEM)表征活性炭的孔结构及表面形貌,系统研究碱炭比(KOH与核桃壳炭化料的质量比)对活性炭孔结构的影响,并采用恒流充放电及循环伏安等测定核桃壳活性炭电极材料在3 mol/L KOH电解液中的电化学性能.结果表明,随着碱炭比的增大,活性炭的比表面积、总孔容及中孔比例先逐渐增大后稍有减小.当活化温度为800℃,活化时间为1h,碱炭比为4时,可制备出比表面积为2404 m2/g,总孔容为1.344 cm3/g,中孔比例为28.6％,孔径分布在0.7～3.0 nm之间的高比表面积活性炭.该活性炭用作超级电容器电极材料具有良好的大电流放电特性和优异的循环性能,电流密度由50 mA/g提高到5000 mA/g时,其比电容由340 F/g降低到288 F/g,经1000次循环后,比电容保持率为93.4％.', '核桃壳; 活性炭; 超级电容器; 电极材料'),  # noqa: E501
    ('coal_chem', 'test-566', '功能化石墨烯片的表面性能调控', '以氧化石墨为前驱体,采用真空辅助热膨胀法在低温下即获得功能化石墨烯片.将所得石墨烯在不同温度下热处理,制备了表面化学结构不同的石墨烯片,并用透射电子显微镜、X射线衍射、X射线光电子能谱、傅里叶变换红外光谱等方法对样品进行分析表征.结果表明,还原氧化石墨烯片中含氧官能团的种类和数量均随热还原温度的升高而减小.', '石墨烯; 氧化石墨; 功能化; 热膨胀; 还原'),  # noqa: E501
    ('coal_chem', 'test-100', '燃烧状态及煤粉粒径对火焰光谱的影响', '本文利用CCD光纤光谱仪,对不同燃烧状态下的煤粉火焰光谱进行测量.发现通过光谱法测得的火焰温度和使用热电偶测得的火焰温度存在一定的偏差.光谱法的温度较热电偶的温度高100～700℃,燃烧条件变差时热电偶的温度下降,光谱法的温度升高,两者偏差增大,光谱法温度的波动范围增加.随着一次风煤粉浓度下降,K的发射谱线强度下降.相同燃烧条件下,煤粉细度提高使得光谱法测得的温度下降,温度波动加剧.', '燃烧; 火焰光谱; 温度测量; 燃烧诊断'),  # noqa: E501
    ('coal_chem', 'dev-208', '活性炭表面改性及其对磷(Ⅴ)吸附性能的研究', '以硝酸、氢氧化钠、氯化铁、海藻酸钠(SA)为改性剂,采用浸渍法制备了六种改性粉末活性炭,研究其对磷(Ⅴ)的吸附性能.结果表明,以FeCl3直接改性和NaOH/FeCl3复合改性的粉末炭(分别标记为PAC-3和PAC-6)对磷(Ⅴ)的吸附能力最强,在室温下,处理质量浓度为30 mg/L的磷(Ⅴ)溶液25 mL,pH为5.0,PAC-3用量为0.4 g,吸附90 min,吸附率可达99％,吸附后的PAC-3可用0.1 mol/LNaOH溶液洗脱再生.共存物质中,NaNO3没有影响,Na2SO4抑制作用不大,Na2CO和Cr(Ⅵ)有增强作用,其中Cr(Ⅵ)的增强作用显著.吸附机制是静电吸引、离子交换和络合反应共同起作用,以络合反应为主.', '粉末活性炭(PAC); 表面改性; 磷(Ⅴ); 吸附; 机制'),  # noqa: E501
    ('metallurgy', 'dev-96', '国丰1号1780m3高炉锌平衡的研究', '通过对国丰1号高炉高炉锌收入和支出的计算与分析,在国丰当前的原料条件下,烧结矿是锌的主要来源,而烧结矿的锌主要来自于高炉除尘灰.认为循环配入烧结原料的高炉除尘灰应做脱锌预处理.', '高炉; 锌; 循环富集'),  # noqa: E501
    ('metallurgy', 'dev-205', '添加剂对钒钛磁铁精矿球团熔融还原冶炼的影响', '对钒钛磁铁精矿预还原球团熔融还原冶炼中添加剂的影响进行了研究,并对渣型制度进行了优化.熔融还原渣碱度、添加剂氧化镁和氧化铝对钒钛磁铁精矿的熔融还原作用明显.在添加剂作用下,1 500℃电炉冶炼10 min后的熔融还原产物为含96.9％铁、0.52％钒的生铁,以及含66.13％ TiO2的熔融还原渣,实现了钒钛磁铁精矿冶炼中铁钒和钛的有效分离.', '钒钛磁铁精矿; 预还原; 添加剂; 熔融还原'),  # noqa: E501
    ('metallurgy', 'test-118', '包钢高炉低碱度烧结矿冶炼实践', '1999年7月,包钢4号高炉进行了降低烧结矿碱度的工业试验,高炉技术经济指标改善.8月在全厂推广,2000年1～9月份高炉利用系数为1.819,焦比为424.0kg/t,煤比为130.40 kg/t.', '高炉; 烧结矿; 碱度; 降低'),  # noqa: E501
    ('metallurgy', 'test-369', '南钢高炉大比例配用球团矿的生产实践', '在一烧结厂停机大修的情况下,南钢对高炉炉料结构进行了调整,球团矿配比从27%提高到50%以上.由于原料准备充分,操作得当,在球团矿配比达50%以上的情况下,高炉生产仍保持稳定,2001年8月,5号高炉利用系数达3.445.', '高炉; 炉料结构; 球团矿; 生产'),  # noqa: E501
    ('metallurgy', 'test-450', '炉内监测技术在沙钢5800 m3高炉上的应用', '沙钢5800m3高炉在开炉装料过程中,用激光网格技术测量了料流轨迹,用激光扣描仪测量了料面形状,得到了PW新型并罐无钟装料设备的布料规律.并采用了一系列炉内监测技术:用料面摄像仪和红外热图像仪,在线观察监测炉内气流分布与设备运行状况;在40个风口全部应用风口摄像仪,实时在线观察各个风口的工作状况和喷煤情况.', '特大型高炉; 监测; 料面; 风口'),  # noqa: E501
    ('metallurgy', 'dev-110', '钛铁矿湿法生产人造金红石新工艺', '针对攀西地区钛铁矿的特点即储量大、品位低、钙镁杂质含量高,提出钛铁矿湿法生产人造金红石的新工艺:钛铁矿细磨一多级逆流浸出.解决了盐酸再生与再生酸循环利用的衔接问题.采用低浓度盐酸多级浸出可得到TiO2品位大于94%的人造金红石产品.', '冶金技术; 钛铁矿; 逆流浸出; 金红石; 常压浸出'),  # noqa: E501
    ('metallurgy', 'dev-253', '高氮奥氏体不锈钢熔焊焊缝的氮含量', '高氮奥氏体不锈钢是一类具有优良力学性能和抗腐蚀性能的合金结构钢,适当含量的固溶氮是这种钢具备优异性能的前提条件.高氮奥氏体不锈钢能否在工程上得以广泛应用在很大程度上取决于焊后接头性能,为了获得与母材力学性能和抗腐蚀性能相匹配的熔焊接头,焊缝氮含量及氮存在形式的控制至关重要.对熔焊时焊缝氮含量的影响因素进行了阐述,以期为这种钢的焊接加工以及焊接材料的研制开发等相关研究提供一定的借鉴.', '高氮奥氏体不锈钢; 氮含量; 熔焊; 性能'),  # noqa: E501
    ('metallurgy', 'test-256', '粉末冶金法制备泡沫铝的研究进展', '介绍了国内外粉末冶金法制备泡沫铝和泡沫铝夹芯板的研究现状,指出了现有制备方法的优势和不足,重点阐述了粉末组成、发泡剂及造孔剂的选用、粉末压制、升温制度等关键技术,分析了泡沫铝研究的现存问题和发展趋势.', '粉末冶金; 泡沫铝; 制备工艺; 关键技术'),  # noqa: E501
    ('food', 'dev-36', '大豆肽体外抗氧化效果的研究', '研究采用酶解、超滤等方法制备的大豆肽的还原能力抗氧化能力及对.OH的清除作用,结果表明大豆肽的抗氧化能力随浓度的增加而增强,在一定浓度范围内,大豆肽具有较强的清除.OH的效果,此外,大豆肽无助氧化作用.', '大豆肽 抗氧化 羟基自由基(.OH) 清除作用'),  # noqa: E501
    ('food', 'dev-685', '双歧杆菌优良菌株的筛选及耐消化道逆环境性能', '以改良MRS培养基作为选择性培养基,初筛得75株严格厌氧且菌落呈蓝色的双歧杆菌疑似菌株.在pH3.0和含3.0 mg/mL胆盐的改良MRS培养基中培养20 h,得到吸光度较高的11株,并选出耐酸耐胆盐较好的NCU712、NCU701、NCU708进行生理生化鉴定,NCU712基本符合长双歧杆菌的特征.经16S rDNA分子生物学鉴定菌株NCU712为长双歧杆菌.并在模拟人体消化道逆环境下对菌株NCU712的耐受力进行初步研究.结果表明:在pH 3.5以上的人工胃液中,NCU712活菌数随着作用时间的延长而略有上升;pH 2.5时菌株NCU712的D值为30.42 min;pH 3.0时D值为92.97 rin,作用2.5 h活菌数保持在107 CFU/mL以上;人工肠液作用4.0 h后,活菌数保持在108 CFU/mL以上;3.0 mg/mL胆盐中培养24 h后,活菌数下降1(lg (CFU/mL)).说明NCU712对人体胃肠道耐受性良好.', '双歧杆菌; 筛选鉴定; 消化道逆环境; 耐受能力'),  # noqa: E501
    ('food', 'test-12', '开菲尔粒中酵母菌的分离及其发酵性能的研究', '本文分别对开菲尔滤液和洗液中酵母菌的分离方法及其在牛乳中的发酵性能进行了研究.结果表明:从滤液和洗液中分离筛选出不同类型的乳糖发酵性酵母.它们在牛乳中发酵产酒精能力较强,确定了其在牛乳中的最佳发酵条件是:发酵温度为28℃,发酵时间为60h,接种量为3%.', '开菲尔粒; 酵母菌分离; 发酵性能'),  # noqa: E501
    ('food', 'dev-643', '国产Nisin在鲜猪肉保鲜中的应用', '将国产Nisin等防腐保鲜液用于真空包装的鲜猪肉低温贮藏,对微生物、pH值、TVBN值、感观质量等指标进行评价.结果各处理组的微生物指标要优于对照,国产Nisin与其它防腐保鲜剂联合应用比单独使用效果要好.pH值呈先上升后逐渐下降的趋势.TVBN值随贮藏时间的延长而增加,但与菌落总数的变化不完全一致.国产Nisin等防腐保鲜液对鲜猪肉的感观质量无不良影响,与对照组相比,各处理组鲜肉的感观质量均好于对照.', '国产Nisin; 鲜猪肉; 保鲜'),  # noqa: E501
    ('food', 'dev-970', '微胶囊化蛋白酶在干酪制备中的应用及干酪成熟过程中电泳分析', '将采用冷冻干燥工艺得到的明胶-阿拉伯胶-凝乳酶微胶囊用于干酪制备过程中,在排乳清之后向干酪中添加5.00 g微胶囊化蛋白酶,以促进干酪的成熟.在干酪成熟过程中通过三羟甲基氨基甘氨酸-尿素-十二烷基磺酸钠聚丙烯酰胺凝胶电泳以及毛细管电泳分析监测干酪中pH 4.6不溶性氮部分的变化情况.结果表明:干酪在成熟初期,αs1-酪蛋白较β-酪蛋白先水解,生成αs1-酪蛋白(f102～199)和αs1-I-酪蛋白;干酪成熟21d时,β-酪蛋白开始水解,αs1-酪蛋白继续保持水解,生成的大的水解产物同时也发生二次水解;干酪成熟90 d时干酪中β-酪蛋白比αs1-酪蛋白具有更广泛的水解程度,酪蛋白降解的同时,生成大量新的小分子肽.', '干酪; 蛋白酶微胶囊; 电泳分析; 酪蛋白水解; 小分子肽'),  # noqa: E501
    ('food', 'test-41', '花椒对哈尔滨风干肠菌系及其菌系对风味的影响', '以哈尔滨风干肠制作中常用香辛料花椒粉作为研究对象,探究其添加量对风干肠加工过程中菌系的影响及其菌系对风味的影响,利用选择性培养基对风干肠中的菌群进行分离培养,采用同时蒸馏萃取法结合气相色谱-质谱联用技术对挥发性风味成分进行测定.结果表明,风干肠中的花椒可以调节乳酸菌、葡萄球菌、微球菌、酵母菌菌群的生长关系,十四酸乙酯、十六酸乙酯、亚油酸乙酯、癸酸乙酯等酯类挥发性成分的改变源于香辛料对菌群的作用.花椒的添加有效抑制了菌落总数的增加,明显促进了乳酸菌的生长,对葡萄球菌、微球菌、酵母菌具有先促进后抑制的作用.混合香辛料对风干肠发酵过程中优势菌的促进作用及有害菌的抑制作用均高于单一添加花椒的作用,对风干肠风味的影响也明显强于花椒组和空白组,相对于单一添加花椒,混合香辛料的使用更有利于风干肠优良风味的形成.花椒对哈尔滨风干肠菌系有明显的影响,菌系的变化进而改变了产品的风味.', '哈尔滨风干肠; 花椒; 菌系; 风味'),  # noqa: E501
    ('food', 'dev-229', '同时适用ELISA和GC-MS快速测定猪肉中盐酸克伦特罗的前处理方法研究', '建立同时适用于ELISA和GC-MS方法快速测定猪肉中盐酸克伦特罗残留量的前处理方法.猪肉样品在碱化的条件下用乙酸乙酯提取,再用稀盐酸萃取去除脂肪,调pH值后再经乙酸乙酯反萃取,乙酸乙酯反萃取液均分成两份用氮气吹干,一份加水用于ELISA检测,另一份经双三甲基硅基三氟乙酰氨(BSTFA)衍生,采用选择离子模式(m/z86、212、262、277)进行测定,外标法定量,GC-MS检出限为0.30μg/kg.在加标浓度为1.0、2.0、5.0μg/kg时,加标回收率为72.1%～105.6%(ELISA)和79.1%～95.7%(GC-MS),批间相对标准偏差(RSD)为12.5%～16.8%(ELISA)和4.6%～6.9%(GC-MS).衍生物的峰面积与样品浓度在0.005～1.000mg/L范围内呈良好的线性关系,线性回归系数大于0.999.', '猪肉; 酶联免疫分析; 气相色谱-质谱法; 盐酸克伦特罗; 残留'),  # noqa: E501
    ('food', 'test-878', 'QuEChERS法提取净化结合气-质联法快速检测茶叶中农药残留', '建立分散固相萃取(QuEChERS)法提取净化结合气-质联用(GC-MS)技术检测茶叶中47种农药残留的方法.提取剂(2 mL乙腈、40mg NaCl)与干燥茶样(0.5g、20目)旋涡混合(2min)后离心(5000r/min、5min),吸取上清液(1mL)与净化剂(25mg PSA、7.5mg GCB、150mg MgSO4、40mg NaCl)旋涡混合(2min)后离心(5000r/min、5min),上清液直接注入气相色谱-质谱联用仪检测.通过对样品的颗粒度、数量,提取剂种类及数量,混合(旋涡)方式,净化剂数量等进行优化,方法的加标回收率在81％～102.2％之间,精密度在6.5％～18.3％之间,线性范围在0.00195～1.0mg/kg之间(R2＞0.97),检测限在0.0009～0.0214mg/kg之间,定量限在0.0029～0.0712mg/kg之间,基本符合日本和欧盟对农残“一律标准”的要求.', '茶叶; 农药残留; 分散固相萃取; 气相色谱-质谱法'),  # noqa: E501
    ('agri_soil', 'dev-217', '尿素添加不同增效剂对夏玉米产量及氮肥利用率的影响', '采用大田试验,研究了尿素添加不同增效剂(黄腐酸U17、聚天冬氨酸U24、复合增效剂黄腐酸加聚天冬氨酸组合U20)对夏玉米产量及氮肥利用率的影响.结果表明,施用增效尿素U20、U24和U17分别比普通尿素增产16.0％、8.5％和8.0％,达到显著性差异水平.与施用普通尿素相比,增效尿素U20、U24和U17减量20％时不减产.增效尿素U20、U24和U17能有效提高氮肥利用率,分别比普通尿素提高18.0、10.3和11.5个百分点;减量20％时,氮肥利用率比普通尿素提高18.6、12.7和12.3个百分点,且高于全量时处理.不同增效剂相比,以0.5％黄腐酸+0.3％聚天冬氨酸复合处理(U20)效果最优.', '尿素; 增效剂; 夏玉米; 产量; 氮肥利用率'),  # noqa: E501
    ('agri_soil', 'dev-776', '云南玉溪植烟土壤速效养分空间变异特征及应用', '为探讨烟田土壤养分空间变异特征及利用空间变异进行分区管理的技术路线,以全国烤烟种植典型产区云南省玉溪市烟田土壤为例,形成土壤养分空间变异分析—空间分布—肥料养分推荐—分区配方的技术思路.基于烟区土壤养分数据,应用地理信息系统(GIS),采用地统计学方法研究烟区耕作层(0～20 cm)土壤碱解氮、有效磷和速效钾的变异特征和空间分布.以乡镇作为管理单元,依据烟田土壤肥力评价及养分管理指标体系,计算出乡镇烤烟养分管理的氮、磷、钾肥料推荐量.采用聚类分析方法,结合烤烟养分管理“核心是氮、品质元素是钾”的特点,提出玉溪烤烟养分管理5个管理分区、5个基肥配方、2个追肥配方.研究表明:玉溪烟田土壤速效养分为中等强度空间变异,拟合模型为指数模型,变异来源于结构性因素和施肥等人为因素;土壤有效磷的变异最大,高于速效钾和碱解氮,与氮肥和钾肥用量相对稳定,而磷肥相对随机等农艺措施相关;超过67％的土壤碱解氮、有效磷和速效钾含量处于高和极高水平,肥料氮、磷、钾推荐量低于云南省烤烟养分管理平均水平11％左右;提出5个烤烟养分管理分区及相应的基肥和追肥配方,以满足“大配方、小调整”原则,实现分类指导和分区管理.', '地统计; 空间变异; 分区管理'),  # noqa: E501
    ('agri_soil', 'dev-973', '土壤总盐、pH及总碱度空间变异特征研究', '在新垦土地以15m×15m的网格分3层采集土壤样品,对不同层次土壤总盐、pH及总碱度的空间变异性进行研究.结果表明:研究区土壤总盐含量普遍较低,土壤表层积盐作用不明显;土壤pH及总碱度较高,普遍达到碱化指标;不同层次土壤总盐与总碱度为中等程度变异水平,pH为弱变异水平;不同层次土壤总盐、pH及总碱度的空间变异特征具有一定的差异,但结构性因素对三者的空间变异起主导作用.利用Kriging插值法绘制土壤盐分、pH及总碱度的等值线图,可以作为土壤盐碱改良的依据.', '总盐; pH; 总碱度; 空间变异'),  # noqa: E501
    ('agri_soil', 'test-258', '长期定位施肥对太湖地区稻麦轮作土壤酶活性的影响', '对太湖地区25年长期定位试验田的稻麦两季土壤酶活性进行了测定分析.结果表明,麦季不同施肥处理间的5种土壤酶活性变化没有明显的规律性;无论是仅施化肥还是施有机肥加化肥,稻季5种土壤酶活性的不同肥料配比处理之间绝大多数均无显著差异;成对比较显示,稻麦两季绝大多数相同肥料处理的酶活性之间没有显著差异,仅有稻季猪粪加氮磷钾全施(MNPK)处理的酸性磷酸酶活性极显著高于麦季.分析差异不显著的原因,可能与经过多年的长期定位堵肥,土壤储积酶已经达到"饱和"水平,因此不会对外源肥料的施用产生显著响应有关.', '稻麦轮作; 土壤酶; 长期定位试验; 水稻土'),  # noqa: E501
    ('agri_soil', 'test-290', '不同水分状况及施磷量对水稻土中速效磷含量的影响', '通过室内培养试验研究了不同水分(淹水和60%田间持水量)及施P量对水稻土速效P及水层含P量的影响.结果表明,无论水分状况如何,土壤速效P含量随施P量的增加而呈明显增加趋势.土壤速效P出现富集的转折点因供试土壤而异,第三纪红壤性水稻土大致为P2O560～120 mg/kg,而第四纪红壤性水稻土和黄泥土为P2O5120～180mg/kg.P肥施入土壤后,水溶性P主要存在于土壤溶液中,而分布于水层中的P相对较少.但在过量施P(P2O5>180 mg/kg)时,施肥后短期内(0～30天),水层中P浓度较高(0.05～0.3 mg/kg),如水分管理不当,则会造成P的损失.', '土壤水分状况; 水稻土; 施磷量; 速效磷'),  # noqa: E501
    ('agri_soil', 'test-426', '土壤盐渍化治理防护毯的研发及试验', '土壤盐碱化问题是中国农业面临的一个巨大挑战,严重制约着农业生产的发展.为探索治理土壤盐渍化的方法,该文基于干旱区5类代表性土壤(砾砂、粉土/粉砂、粉土/粉细砂、粉土和亚黏土)的盐碱化规律,以盐碱土形成原因为切入点,结合土壤水的毛细管作用,以海绵(强力吸水层)、吸热聚乙烯编织布(蒸散加强层)为主要材料,设计出一种盐碱地治理防护毯,并对防护毯吸盐的深度和效果进行试验研究.结果表明:5类土壤表面的积盐情况各不相同,粗颗粒土(砾砂及砂土)含量较大时,在强蒸发条件下,3～4 d土样表面积盐后形成了一层厚约3～4 mm"盐痂";细颗粒土(亚黏土和粉土)含量相对较多时,短期内表而积盐速度相对较慢且现象也不明显,10～12 d后,土样表面可观察到一层细密的晶体盐颗粒.所以,土壤岩性质地与表层积盐量关系密切.总体趋势是:土壤颗粒越粗,土壤表层在早期的积盐量越大;土壤颗粒越细,土壤表层在后期的总体积盐量越大.在干燥通风和室外温度25℃的条件下,防护毯针对上述不同类型土壤进行吸盐试验,在4d后0～10 cm土层的含盐量(质量分数,下同)均可减少80％ (P＜0.05)以上;＞10～20 cm土层至少减少50％ (P＜0.05)以上;对于砂性土来说,＞20～30 cm土层含盐量减少了50％左右(P＜0.05),而黏性土和壤土可减少20％～30％以上(P＜0.05).对于实际中的盐碱土而言,含盐量减少30％时,土壤的肥力和可耕作程度会明显改善,能有效减小盐碱化对作物生长的影响.此外,研究还发现,铺设防护毯还能改变盐碱地表层土壤的结构,增强土壤的透气性.防护毯最佳使用时间应为土壤毛细管作用最强烈的时间段.该研究提供了一种有效的盐碱地治理措施.', '土壤; 脱盐; 毛细管作用; 防护毯; 盐碱地治理; 海绵'),  # noqa: E501
    ('agri_soil', 'test-924', '草地农业及中国草地农业区划和发展战略', ' 近年来,许多草业工作者撰文呼吁大力发展草地农业.但对草地农业的概念和优势、发展草地农业的意义和战略众说纷纭、莫衷一是,而对草地农业的劣势未见论及,区划亦鲜有报道.为了深化对草地农业的认识和促进草地农业的健康发展,本文拟对上述问题进行系统探讨.', '草地农业; 中国; 农业区划; 系统探讨; 工作者; 健康; 概念; 草业'),  # noqa: E501
    ('water', 'test-505', '干旱区流域水文—生态过程耦合分析与模拟研究框架', '干旱区流域水资源短缺与生态恶化问题日趋严重,水文-生态过程耦合分析与模拟问题是实现干旱区流域水安全与生态安全亟待解决的核心科学问题.在总结国内外水文—生态过程耦合研究现状的基础上,探讨当前干旱区流域水文—生态过程耦合研究面临的关键科学问题,初步提出干旱区流域水文-生态过程耦合研究框架,包括水文-生态过程的作用机制、耦合关系和耦合模拟研究,旨在为干旱区流域水文-生态耦合研究提供参考.', '干旱区流域; 水文—生态过程; 作用机制; 耦合关系; 耦合模拟'),  # noqa: E501
    ('water', 'test-521', '黄河流域主要灌区灌溉需水与干旱的关系研究', '为定量研究灌区灌溉需水与气象干旱的关系、合理组织抗旱水源,以黄河流域1956—2010年水文、气象、地下水以及作物参数等资料为基础,选取RDI干旱评估指标系统评估了黄河流域上、中、下游5个主要灌区的历史干旱情况,采用作物水量平衡方程计算了灌区灌溉需水量;采用灰色关联和相关分析方法,研究了主要灌区气象干旱与灌溉需水的关联程度,并建立了灌区灌溉需水量与RDI的定量关系.结果表明:RDI干旱评估指标可用于黄河流域灌区的气象干旱评估;黄河流域上、中、下游主要灌区灌溉需水量与RDI存在显著的关联关系,随着降水量增加(作物可利用的有效降水量增加),灌区灌溉需水量与RDI的灰色关联度和相关系数不断增大;主要灌区灌溉需水量对RDI变化的响应程度不一,干旱程度每增加一个等级(RDI指数减小0.5),上游青铜峡灌区、内蒙古河套灌区灌溉需水量平均增加约1.04亿m3,中游汾河灌区、渭河灌区需水量增加约2.19亿m3,下游引黄灌区需水量增加约6.22亿m3.', '气象干旱; 灌溉需水; 响应关系; RDI; 黄河流域'),  # noqa: E501
    ('water', 'test-243', '北平原区地下水开采量估计研究', '准确获取地下水开采量对于区域地下水资源评价和管理工作具有十分重要的意义。但由于地下水开采活动过于分散，目前管理和计量的手段不足，导致地下水开采量统计数据存在较大误差。通过建立华北平原地下水流区域数值模型，利用模拟水位与实际观测水位相拟合的方法，完成了华北平原开采量的反演估算，最终获得了华北平原2002年-2008年各年的地下水开采量，其平均年开采量为249.20亿 m3。', '华北平原; 地下水; 开采量; 数值模型; 水量均衡; 反演计算; 地下水流模拟'),  # noqa: E501
    ('water', 'test-577', '基于GM(1,1)模型的兴平市地下水动态预测', '随着国民经济的发展,兴平市出现了地下水严重超采的现象,部分区域形成了地下漏斗.以兴平市069号观测井2002-2006年平均地下水埋深资料为原始数据,通过建立GM(1,1)模型,对该地区年平均地下水埋深进行预测,结果 表明地下水资源量正逐渐恢复.', 'GM(1; 1)模型; 地下水埋深; 水位动态变化; 预测; 兴平市'),  # noqa: E501
    ('water', 'test-73', '基于影子价格模型的水价计算', '对影子价格模型及其2种计算方法进行了介绍,指出水的影子价格的测算能够有效地指导良性水价机制的形成.以龙凤山灌区为例,分别用直接法和分解成本法测算灌溉用水的影子价格为0.468元/m3和0.470元/m3,与现行农业水价0.056元/m3比较,说明灌区是严重亏损经营的.', '水价; 影子价格; 直接法; 分解成本法; 龙凤山灌区'),  # noqa: E501
    ('air_quality', 'dev-73', '三明市区环境空气中可吸入颗粒物的现状分析', '应用近两年三明市区环境空气自动监测系统所监测的环境空气中的可吸入颗粒物的大量监测数据,分析总结三明市区可吸入颗粒物的污染现状、规律性,以及可吸颗粒物的主要来源及防治对策.', '环境空气; 可吸入颗粒物; 污染; 防治对策'),  # noqa: E501
    ('air_quality', 'dev-381', '厦门市大气可吸入颗粒物源解析的研究', '采用2004～2005年对厦门大气中PM10开展的3期采样分析数据,利用主因子分析法定性分析厦门大气中可吸入颗粒物的主要来源,并结合多元线性回归法,求出定量的结果.分析结果表明,影响厦门市可吸入颗粒物的主要来源有四种:工业燃煤、汽车尾气、土壤风沙尘和海盐粒子,其中二次粒子为主要污染源,贡献率为30.0%,其次为汽车尾气占29.4%,土壤风沙和建筑尘的贡献约占21.7%,海洋粒子的贡献为6.5%,不可识别源18.1%.', '可吸入颗粒物; 源解析; 主因子分析; 多元线性回归'),  # noqa: E501
    ('air_quality', 'dev-444', '燃煤工业锅炉污染物协同治理与超低排放技术研究', '工业锅炉不同于电站锅炉,其规模小、负荷波动较大,且大多燃用未经洗选加工的原煤,故燃煤工业锅炉的污染物治理不能简单沿用当前电站锅炉的治理模式.基于燃煤工业锅炉污染物排放和治理现状,结合国家和地区大气污染物排放标准和企业发展方向,从工艺技术路线、关键技术装备、智能监控等方面进行研究,因地制宜进行污染物的协同治理和高效脱除并实现超低排放.', '燃煤工业锅炉; 污染物; 协同治理; 超低排放'),  # noqa: E501
    ('air_quality', 'test-597', '小波分析在PM10浓度时间序列分析中的应用', '以西安市PM10日平均浓度时间序列为例,根据小波分析的基本原理,应用小波分解和重构对PM10浓度时间序列的变化进行了分析,得到PM10的年变化趋势和突变特征.研究结果表明,用小波分析应用于大气污染物浓度时间序列的分析是可行的.', '小波分析; 分解和重构; PM10; 时间序列'),  # noqa: E501
    ('reclamation', 'test-325', '鞍山市周边铁矿废弃地几种复垦模式的比较', '以鞍山市周边经复垦的铁矿废弃地为研究对象,在样地调查的基础上,对几种复垦模式的复垦效果进行了比对分析,总结出几种可行的铁矿废弃地复垦方式,即:在满足灌溉的条件下直接在尾矿沙上种植杨树,采用覆土植被法种植杨树,采用柳框固土法复垦排岩场边坡.', '铁矿废弃地; 复垦; 刺槐; 速生杨; 沙棘'),  # noqa: E501
    ('reclamation', 'dev-664', 'EKR-PRB耦合技术在污染场地修复中的应用研究进展', '电动-可渗透反应墙(EKR-PRB)耦合技术,结合了电动修复(electrokinetic remediation,EKR)和渗透反应墙(permeable reactive barrier,PRB)两者的优点,是近年来新兴的一类原位污染场地修复技术,在污染场地土壤和地下水修复中有着良好的应用前景.针对该技术的修复原理、影响因素、应用优势和存在的问题进行了综述和探讨,并就未来进一步提高EKR-PRB修复效率和降低应用成本的相关研究提出了展望.', '电动-可渗透反应墙; 污染场地; 重金属污染; 有机物污染; 土壤修复'),  # noqa: E501
    ('reclamation', 'dev-832', '宝鸡市长青镇冶炼厂周围土壤重金属污染与健康风险评估', '以宝鸡市长青镇冶炼厂周围土壤为研究对象,分析了Pb、Zn、Cr和Cu的含量,评估了其健康风险,对污染源进行解析.研究结果表明:Pb、Zn、Cr和Cu的含量均高于背景值,且从表层向下浓度逐渐降低;均处于中污染-重污染以内,污染顺序为:Pb≥Cr≥Zn＞ Cu;儿童日暴露量、单因子非致癌健康风险和总非致癌健康风险均大于成人,成人和儿童的日暴露量和非致癌健康风险顺序为经口摄入＞皮肤接触吸收＞呼吸吸入,均不存在非致癌健康风险和总风险;Cr对儿童经呼吸暴露的致癌健康风险大于成人,且均不可能造成致癌健康影响;源解析显示Pb、Cr和Cu具有相同的污染源,而Zn有不同的污染源.', '冶炼厂; 土壤重金属; 健康风险评估; 非致癌健风险'),  # noqa: E501
    ('reclamation', 'test-454', '矿区环境信息管理与决策系统的研究与开发', '将ASP技术、WebGIS技术应用于矿区环境信息管理系统中,对于矿区环境管理、数字环保具有重要价值.在研究环境信息管理系统及相关技术的基础上,从系统需求、数据库、系统体系及功能结构等多方面设计和实现了矿区环境信息管理与决策系统,促进了矿业城市的可持续发展.', 'EMIS; 矿区环境管理; WebGIS; ASP'),  # noqa: E501
    ('digital', 'dev-916', '神经元网络软测量技术的研究进展', '讨论了近年来神经网络软测量技术的一些研究新进展,并介绍了其与控制技术、计算机通信、虚拟仪器及www结合的应用实例.目前,在构造软仪表方面,成功地应用于实际生产过程中的神经网络主要有前向BP网络和RBF网络,此外还有融合模糊技术的神经网络算法.数据处理仍是一个十分重要的问题 ,此外 ,现有的在线校正方法十分有限 ,应发展更多更新的方法以适应复杂工业系统控制的要求.同时,将软测量技术与系统调优结合起来,变开环指导为闭环控制,使其有更广泛的应用推广.', '软测量; 神经网络; 过程控制'),  # noqa: E501
    ('digital', 'dev-911', '一种预测控制方法及其仿真', '针对现有预测控制方法的最优控制律的计算较为复杂的问题,提出了一种新的预测控制算法.与现有预测控制算法相比,该算法结构简单,计算量小,鲁棒性强.对算法在一个采样周期内控制律的求取进行了较详细说明.通过对线性和非线性系统的仿真,说明了该算法对线性系统能达到很好的预测控制效果,同时对时变、非线性系统也具有较好的适应性,并具有较强的抗干扰能力.对于快时变系统,该算法需要根据实际时变特性对相关系数加以调整,来达到较满意的效果.', '预测控制; 期望轨迹; 预测模型; 仿真'),  # noqa: E501
    ('digital', 'test-735', '基于KELM的连续搅拌反应釜模型辨识', '极限学习机(Extreme learning machine,ELM)是一种单隐层前馈神经网络(SLFNs),它随机选择网络的隐含层节点及其参数,训练时仅需调节输出层权值,因此ELM以极快的学习速度获得良好的推广性.考虑到ELM的特征映射函数未知时,可以将核矩阵引入到ELM中.针对模型未知的强非线性连续搅拌反应釜(Continuous Stirred Tank Reactor,CSTR),提出一种基于核极限学习机(Extreme Learning Machine with Kernels,KELM)的NARX模型辨识方法.以仿真的CSTR过程实例进行辨识实验,建立基于NARX-KELM的辨识模型.实验结果表明,在相同条件下,与带动量因子的BP神经网络、模糊神经网络(FNN)、GAP-RBF、MGAP-RBF神经网络、回声状态网络(ESN)、ELM等方法相比,KELM能够有效地改进辨识精度,而且性能更好,这表明了所提方法的有效性和应用潜力.', '核极限学习机; 单隐层前馈神经网络; 连续搅拌反应釜; NARX模型; 辨识'),  # noqa: E501
    ('digital', 'test-221', '并行学习神经网络集成方法', '该文分析了神经网络集成中成员神经网络的泛化误差、成员神经网络之间的差异度对神经网络集成泛化误差的影响,提出了一种并行学习神经网络集成方法;对参与集成的成员神经网络,给出了一种并行训练方法,不仅满足了成员网络本身的精度要求,还满足了它与其余成员网络的差异性要求;另外,给出了一种并行确定集成成员神经网络权重方法.实验结果表明,使用该文的成员神经网络训练方法、成员神经网络集成方法能够构建有效的神经网络集成系统.', '并行学习; 神经网络; 神经网络集成; 机器学习; 泛化误差'),  # noqa: E501
    ('hydrogen', 'dev-589', 'n(Zn)/n(Zr)对催化剂CuO-ZnO-ZrO2的结构及其合成甲醇性能的影响', '采用并流沉淀法制备了一系列不同n(Zn)/n(Zr)时的CuO-ZnO-ZrO2甲醇合成催化剂,运用X射线衍射仪(XRD)、N2物理吸附(BET)和H2程序升温还原(H2-TPR)等手段对催化剂进行了表征分析.在固定床反应器中进行CO2加H2合成甲醇的活性评价研究,考察了n(Zn)/n(Zr)在催化剂中的作用.结果表明,当n(Zn)/n(Zr)=4/1时,CO2转化率最高；当n(Zn)/n(Zr)=1/4时,甲醇的选择性最好；当n(Zn)/n(Zr)=4/1或1/4时,有效降低了副产物CO的含量,此时的甲醇催化活性最好.', '二氧化碳; 加氢; 甲醇; CuO-ZnO-ZrO2; 催化剂'),  # noqa: E501
    ('hydrogen', 'dev-655', '碱性燃料电池用阴离子交换膜的制备与表征', '以PTFE多孔膜为基体,以聚环氧氯丙烷(PECH)和四甲基己二胺(TMHDA)为原料,采用流延法制备QPECH/PTFE复合阴离子交换膜.对复合阴离子交换膜的微观形貌、热稳定性、离子交换容量、离子传导率以及膜电极性能进行表征.结果表明:复合阴离子交换膜热稳定性得到增强,离子交换容量为1.51 mmol/g,离子传导率可达1.02×10-2 S/cm；在H2/O2碱性燃料电池中表现出较好的电化学性能,开路电压为1.003 V,最大功率密度为16.4 mW/cm2.', '阴离子交换膜; 聚环氧氯丙烷; 碱性燃料电池; 膜电极'),  # noqa: E501
    ('hydrogen', 'test-877', '质子膜燃料电池(PEMFC)多孔电极极化的两尺度分析', '针对PEMFC(Proton Exchange Membrane Fuel Cell)多孔电极微结构的特征,提出一个分析该多孔电极极化的两尺度新方法,建立了能够同时在团簇微观和电极宏观两尺度上描述多孔电极内反应和传质、传荷耦联过程的理论模型.该两尺度模型方程为一非线性二阶微分方程组,给出了求解该数模的ADM(Adomian Decomposition Method)与有限差分(Newman(s BAND(J))相结合的便捷方法.还给出了氢PEMFC多孔阴极极化的计算实例,与传统的电极单尺度模型相比,包含微团尺度传质影响的两尺度模型预测值与极化实验数据能更好相符.提出的两尺度新方法也可被相似的多相催化反应系统理论分析所借鉴.', '两尺度; 质子膜燃料电池; 多孔电极极化; ADM; 有限差分'),  # noqa: E501
    ('hydrogen', 'test-976', 'Bi2O3基固体电解质材料研究进展', '从Bi2O2的结构和Bi2O3的掺杂研究两方面综述了Bi2O3基固体电解质材料的研究进展.有关研究表明:高电导率所对应的相是δ相,这是由其独特的结构特征所决定的;掺杂离子半径的大小、组成和掺杂量皆对Bi2O3基固体电解质的电导率和稳定性有着很重要的影响.尽管目前Bi2O3基固体电解质的氧离子导电性是所有正在开发的固体电解质中最高的,但是其热稳定性以及离子导电性都还有待于进一步改进.', '固体氧化物燃料电池; 固体电解质; 电导率'),  # noqa: E501
)
# fmt: on


# =============================================================================================
# Organisation profiles (their "publications" are past projects)
# =============================================================================================

# fmt: off
ORGANISATIONS: tuple[dict[str, Any], ...] = (
    {
        "id": "o-fccc", "institution": "ru-fccc", "capacity": 3, "languages": ["ru", "en"],
        "name": "Federal Research Center of Coal and Coal Chemistry SB RAS",
        "topics": ["coal_chem", "hydrogen"],
        "keywords": [
            "coal chemistry", "carbon materials", "coal gasification", "hydrogen production",
            "humic substances",
        ],
        "summary": (
            "Research centre of the Siberian Branch of the Russian Academy of Sciences in "
            "Kemerovo working on the chemistry and deep processing of coal, carbon materials "
            "and low-carbon coal conversion."
        ),
        "publications": [
            (
                "Deep processing of Kuzbass coals into carbon sorbents and humic fertilisers",
                "Project with regional coal companies converting low-rank coals into activated "
                "carbons, sorbents for water treatment and humic preparations for agriculture; "
                "pilot batches were tested at industrial sites.",
                2021,
            ),
            (
                "Hydrogen and carbon nanomaterials from coal mine methane",
                "Laboratory and bench-scale study of catalytic methane decomposition into "
                "hydrogen and carbon nanomaterials, using drained mine methane as the "
                "feedstock.",
                2023,
            ),
            (
                "Coal tar pitch precursors for carbon fibres and battery anodes",
                "Development of pitch precursors from coke-oven tar for carbon fibres and anode "
                "materials, with tests of carbonised products.",
                2019,
            ),
            (
                "Углехимический кластер Кузбасса: технологическая дорожная карта",
                "Разработана технологическая дорожная карта развития углехимических производств "
                "региона с оценкой рынков продукции глубокой переработки угля.",
                2022,
            ),
        ],
    },
    {
        "id": "o-ihe", "institution": "ru-ihe", "capacity": 2, "languages": ["ru", "en"],
        "name": "Institute of Human Ecology SB RAS", "topics": ["occ_health", "reclamation"],
        "keywords": [
            "human ecology", "occupational health", "miners' health", "mine-land reclamation",
            "environmental health",
        ],
        "summary": (
            "Academic institute in Kemerovo studying the health of people and ecosystems in a "
            "coal-mining region."
        ),
        "publications": [
            (
                "Health of the population of coal-mining towns: cohort monitoring",
                "Long-term monitoring of respiratory and cardiovascular health in residents of "
                "coal-mining towns, linked with air quality data.",
                2020,
            ),
            (
                "Genetic markers of susceptibility to dust-related lung disease in miners",
                "Genotyping of miners with and without pneumoconiosis to identify markers for "
                "early prevention.",
                2022,
            ),
            (
                "Reclamation of overburden dumps with local plant species",
                "Field trials of native grasses and shrubs on overburden dumps of open-pit coal "
                "mines, with soil and vegetation monitoring.",
                2018,
            ),
        ],
    },
    {
        "id": "o-ciced", "institution": "ru-ciced", "capacity": 3, "languages": ["ru", "en"],
        "name": "Center for International Cooperation in Education Development",
        "topics": ["education"],
        "keywords": [
            "education quality", "learning assessment", "cross-country studies",
            "teacher professional development", "CIS countries",
        ],
        "summary": (
            "Centre that runs cross-country studies of education quality with partner "
            "organisations of the CIS countries, trains specialists and organises grant "
            "competitions for research teams."
        ),
        "publications": [
            (
                "Cross-country study of student achievement in five CIS countries",
                "A comparative assessment with a sample of more than 5,000 students in five "
                "countries, run with partner organisations of the CIS.",
                2021,
            ),
            (
                "Localisation of an express diagnostic tool for primary school teachers' "
                "pedagogical practices in Central Asia",
                "Development and localisation of an express version of an instrument that "
                "monitors the pedagogical practices of primary school teachers in Central Asian "
                "countries.",
                2023,
            ),
            (
                "Professional development courses for Russian language and mathematics teachers "
                "in Dushanbe",
                "Compensatory professional development modules for teachers of Russian and "
                "mathematics, held in Dushanbe, Republic of Tajikistan.",
                2023,
            ),
            (
                "Educational modules to raise academic performance and close learning gaps",
                "Educational modules that help schoolchildren overcome learning gaps, with "
                "assessments before and after the programme.",
                2022,
            ),
            (
                "Grant competitions for research teams on education quality in the CIS",
                "More than 20 research grants for teams from CIS countries studying education "
                "quality and developing assessment tools.",
                2020,
            ),
        ],
    },
    {
        "id": "o-sibmine", "institution": "ru-sibmine", "capacity": 2, "languages": ["ru", "en"],
        "name": "Sibmine Digital LLC (fictional)", "topics": ["digital", "mine_safety"],
        "keywords": [
            "digital twin", "mining automation", "gas monitoring", "predictive maintenance",
            "computer vision",
        ],
        "summary": (
            "An invented engineering company that builds digital twins and monitoring systems "
            "for underground coal mines."
        ),
        "publications": [
            (
                "Digital twin of a longwall face for gas and ventilation control",
                "A digital twin combining ventilation models with live methane sensor data to "
                "support dispatchers of an underground coal mine.",
                2022,
            ),
            (
                "Computer vision system for coal quality on conveyor belts",
                "Cameras and neural networks estimating ash content and lump size of coal on "
                "conveyor belts in real time.",
                2023,
            ),
            (
                "Predictive maintenance of mine hoists and conveyors with IIoT sensors",
                "Vibration and temperature sensors with failure-prediction models for mine "
                "hoists and belt conveyors.",
                2021,
            ),
        ],
    },
)
# fmt: on

# =============================================================================================
# Calls
# =============================================================================================

# fmt: off
CALLS: tuple[dict[str, Any], ...] = (
    {
        "id": "c-rsf-nsfc-methane",
        "title": (
            "RSF-NSFC joint call: coal mine methane drainage and utilisation for safe deep mining"
        ),
        "funder": "Russian Science Foundation and National Natural Science Foundation of China",
        "deadline": "2027-03-15",
        "description": (
            "Joint Russian-Chinese research projects on the control of methane in deep "
            "underground coal mines. Projects should improve the forecasting of gas emission "
            "into longwall faces, the design of pre-drainage and goaf drainage boreholes, and "
            "the prevention of coal and gas outbursts in low-permeability seams. Proposals "
            "combining field measurements in Russian and Chinese mines with numerical modelling "
            "are encouraged. The capture and use of drained methane and ventilation air methane "
            "is within scope. Each project is led from the Russian side."
        ),
        "keywords": [
            "coal mine methane", "methane drainage", "gas emission forecasting",
            "outburst prevention", "mine ventilation", "coalbed methane utilisation",
        ],
        "rules": {
            "min_team_size": 3, "max_team_size": 6, "required_countries": {"RU": 1, "CN": 1},
            "eligible_countries": ["RU", "CN"], "lead_countries": ["RU"], "max_per_institution": 2,
        },
        "topics": ["mine_safety"],
    },
    {
        "id": "c-rsf-nsfc-carbon",
        "title": (
            "RSF-NSFC joint call: carbon materials from coal for energy storage and water "
            "treatment"
        ),
        "funder": "Russian Science Foundation and National Natural Science Foundation of China",
        "deadline": "2027-03-15",
        "description": (
            "The call supports Russian-Chinese teams working on the deep conversion of coal "
            "into high-value carbon materials. Topics include activated carbons and sorbents "
            "from low-rank coals, coal tar pitch and coal-derived graphene-like materials, "
            "porous carbon electrodes for supercapacitors, and the structure-property "
            "relationships that govern them. Projects should link synthesis with "
            "characterisation and testing at application scale. Teams must include researchers "
            "from both countries and are led from Russia."
        ),
        "keywords": [
            "coal chemistry", "carbon materials", "activated carbon", "supercapacitor electrodes",
            "carbon sorbents", "coal tar pitch",
        ],
        "rules": {
            "min_team_size": 3, "max_team_size": 6, "required_countries": {"RU": 1, "CN": 1},
            "eligible_countries": ["RU", "CN"], "lead_countries": ["RU"], "max_per_institution": 3,
        },
        "topics": ["coal_chem"],
    },
    {
        "id": "c-ru-cn-digital",
        "title": (
            "Russian-Chinese programme on digital twins and artificial intelligence for mining "
            "and metallurgy"
        ),
        "funder": (
            "Ministry of Science and Higher Education of the Russian Federation and Ministry of "
            "Science and Technology of the People's Republic of China"
        ),
        "deadline": "2027-05-31",
        "description": (
            "Joint projects developing digital twins and machine-learning methods for heavy "
            "industry. Expected results include predictive maintenance of mining and processing "
            "equipment, computer vision for quality control of coal and ore, anomaly detection "
            "in industrial sensor data and decision support for operators. Consortia should "
            "validate their methods on real industrial data from both countries. Each team "
            "needs at least two researchers from Russia and two from China."
        ),
        "keywords": [
            "digital twin", "machine learning", "predictive maintenance", "computer vision",
            "anomaly detection", "mining automation",
        ],
        "rules": {
            "min_team_size": 4, "max_team_size": 6, "required_countries": {"RU": 2, "CN": 2},
            "eligible_countries": ["RU", "CN"], "lead_countries": ["RU"], "max_per_institution": 2,
        },
        "topics": ["digital"],
    },
    {
        "id": "c-ru-kz-reclamation",
        "title": (
            "Russia-Kazakhstan call: rehabilitation of land disturbed by coal mining in the "
            "Kuzbass and Karaganda basins"
        ),
        "funder": "Ministry of Science and Higher Education of the Russian Federation",
        "deadline": "2027-04-30",
        "description": (
            "Building on the cooperation agreements signed at the Russia-Kazakhstan rectors' "
            "forums, the call supports joint research on mine-land reclamation in the two coal "
            "basins. Topics include natural and assisted revegetation of overburden dumps, "
            "technosol formation, remediation of soils contaminated with heavy metals, "
            "treatment of mine drainage and the planning of post-mining landscapes. Projects "
            "should compare sites in both countries and give recommendations to mining "
            "companies and regulators."
        ),
        "keywords": [
            "mine-land reclamation", "overburden dumps", "soil remediation",
            "heavy metal contamination", "revegetation", "technosols",
        ],
        "rules": {
            "min_team_size": 3, "max_team_size": 6, "required_countries": {"RU": 1, "KZ": 1},
            "eligible_countries": ["RU", "KZ"], "lead_countries": ["RU"], "max_per_institution": 2,
        },
        "topics": ["reclamation"],
    },
    {
        "id": "c-kz-water",
        "title": (
            "Water resources of arid Central Asia under climate change: international research "
            "teams"
        ),
        "funder": (
            "Science Committee of the Ministry of Science and Higher Education of the Republic "
            "of Kazakhstan"
        ),
        "deadline": "2027-02-28",
        "description": (
            "The Science Committee invites international teams led by researchers from "
            "Kazakhstan to study water security in the arid basins of Central Asia. Priority "
            "topics are groundwater depletion, irrigation efficiency and salinisation, the "
            "contribution of snow and glacier melt to river flow, drought risk under climate "
            "change, and the reuse of mine water in water-scarce mining districts. Teams must "
            "include at least one partner from Russia; partners from Uzbekistan and Kyrgyzstan "
            "are welcome."
        ),
        "keywords": [
            "water resources", "arid regions", "groundwater", "irrigation efficiency", "drought",
            "climate change",
        ],
        "rules": {
            "min_team_size": 3, "max_team_size": 6, "required_countries": {"KZ": 1, "RU": 1},
            "eligible_countries": ["KZ", "RU", "UZ", "KG"], "lead_countries": ["KZ"],
            "max_per_institution": 2,
        },
        "topics": ["water"],
    },
    {
        "id": "c-ru-mn-pastures",
        "title": "Russian-Mongolian projects on soil fertility and sustainable pastures",
        "funder": "Russian Science Foundation", "deadline": "2027-06-30",
        "description": (
            "Joint projects of Russian and Mongolian scientists on sustainable agriculture in "
            "the steppe and forest-steppe zones. The call covers soil fertility and soil "
            "organic carbon, the degradation and recovery of rangelands, forage crops, and crop "
            "and pasture management under recurrent droughts. Field experiments in both "
            "countries and recommendations for farmers and herders are expected."
        ),
        "keywords": [
            "soil fertility", "rangeland degradation", "pasture management", "soil organic carbon",
            "forage crops", "drought",
        ],
        "rules": {
            "min_team_size": 2, "max_team_size": 5, "required_countries": {"RU": 1, "MN": 1},
            "eligible_countries": ["RU", "MN"], "lead_countries": ["RU"], "max_per_institution": 2,
        },
        "topics": ["agri_soil"],
    },
    {
        "id": "c-cis-education",
        "title": (
            "CIS grant competition for cross-country research teams on the quality of school "
            "education"
        ),
        "funder": "CIS Interstate Fund for Humanitarian Cooperation", "deadline": "2027-09-01",
        "description": (
            "The competition supports research teams from several CIS countries studying the "
            "quality of school education. Projects may localise and validate assessment "
            "instruments, measure learning gaps and their causes, study teachers' pedagogical "
            "practices or evaluate professional development programmes. Cross-country designs "
            "with comparable samples are required. Each team includes members from Russia and "
            "Kazakhstan and at least one early-career researcher; members from other CIS "
            "countries are welcome."
        ),
        "keywords": [
            "education quality", "learning assessment", "learning gaps", "pedagogical practices",
            "teacher professional development", "cross-country comparison",
        ],
        "rules": {
            "min_team_size": 4, "max_team_size": 8, "required_countries": {"RU": 1, "KZ": 1},
            "eligible_countries": ["RU", "KZ", "BY", "KG", "UZ", "AM", "TJ", "AZ", "MD"],
            "max_per_institution": 2, "min_career_stage_counts": {"early": 1},
        },
        "topics": ["education"],
    },
    {
        "id": "c-ru-by-materials",
        "title": "RSF-BRFFR joint call: wear-resistant materials and low-carbon metallurgy",
        "funder": (
            "Russian Science Foundation and Belarusian Republican Foundation for Fundamental "
            "Research"
        ),
        "deadline": "2027-10-15",
        "description": (
            "Joint Russian-Belarusian projects in metallurgy and materials science. The call "
            "covers wear-resistant surfacing and coatings for mining machinery, powder "
            "metallurgy of iron-based composites, rail steels for cold climates, recycling of "
            "metallurgical slags and hydrogen-based reduction of iron ore. Projects should "
            "combine laboratory research with industrial trials. Teams must include at least "
            "one researcher from each country."
        ),
        "keywords": [
            "metallurgy", "wear-resistant coatings", "powder metallurgy", "rail steel",
            "slag recycling", "hydrogen reduction of iron ore",
        ],
        "rules": {
            "min_team_size": 2, "max_team_size": 6, "required_countries": {"RU": 1, "BY": 1},
            "eligible_countries": ["RU", "BY"], "lead_countries": ["RU"], "max_per_institution": 2,
        },
        "topics": ["metallurgy"],
    },
    {
        "id": "c-rsf-lung-health",
        "title": (
            "RSF international research groups led by leading scientists: occupational "
            "respiratory health in coal-mining regions"
        ),
        "funder": "Russian Science Foundation", "deadline": "2027-04-01",
        "description": (
            "The call funds international research groups headed by an established scientist "
            "working in Russia. Groups study occupational lung disease in coal-mining regions: "
            "coal workers' pneumoconiosis and chronic obstructive pulmonary disease, exposure "
            "to respirable dust, genetic susceptibility and early diagnosis, and the health of "
            "mining towns. The group leader must be a senior researcher, and the group must "
            "include a partner from Mongolia, where coal mining is growing fast."
        ),
        "keywords": [
            "occupational health", "coal workers' pneumoconiosis", "respiratory disease",
            "respirable dust", "early diagnosis", "miners' health",
        ],
        "rules": {
            "min_team_size": 3, "max_team_size": 6, "required_countries": {"RU": 2, "MN": 1},
            "eligible_countries": ["RU", "MN", "KZ"], "lead_countries": ["RU"],
            "lead_career_stages": ["senior"], "max_per_institution": 2,
        },
        "topics": ["occ_health"],
    },
    {
        "id": "c-rec-hydrogen",
        "title": (
            "REC Kuzbass competition: hydrogen and low-carbon energy from coal and mine methane"
        ),
        "funder": "REC Kuzbass and the Government of Kemerovo Region - Kuzbass",
        "deadline": "2027-02-15",
        "description": (
            "A competition of REC Kuzbass for projects of its member universities, research "
            "centres and industrial partners. Projects develop hydrogen production from coal "
            "gasification and mine methane with carbon capture, CO2 utilisation, fuel cells and "
            "energy storage for remote mining sites, and techno-economic assessments of a "
            "regional hydrogen economy. Organisations may join teams as members."
        ),
        "keywords": [
            "hydrogen production", "coal gasification", "carbon capture", "methane pyrolysis",
            "energy storage", "energy transition",
        ],
        "rules": {
            "min_team_size": 3, "max_team_size": 5, "required_countries": {"RU": 3},
            "eligible_countries": ["RU"], "max_per_institution": 2,
            "member_kinds": ["researcher", "organization"],
            "eligible_consortia": [CONSORTIUM],
        },
        "topics": ["hydrogen"],
    },
    {
        "id": "c-rec-food",
        "title": (
            "REC Kuzbass competition: functional foods and food safety for an industrial region"
        ),
        "funder": "REC Kuzbass", "deadline": "2027-03-31",
        "description": (
            "REC Kuzbass supports small teams developing functional foods, probiotic starter "
            "cultures and bioactive ingredients from regional raw materials, and methods that "
            "extend shelf life and ensure food safety. Projects should have an industrial "
            "partner among regional food producers. Each team must include a doctoral "
            "researcher."
        ),
        "keywords": [
            "functional foods", "probiotics", "food safety", "shelf life", "bioactive peptides",
            "dairy products",
        ],
        "rules": {
            "min_team_size": 2, "max_team_size": 4, "required_countries": {"RU": 2},
            "eligible_countries": ["RU"], "max_per_institution": 3,
            "min_career_stage_counts": {"doctoral": 1},
            "eligible_consortia": [CONSORTIUM],
        },
        "topics": ["food"],
    },
)
# fmt: on

# =============================================================================================
# Text helpers
# =============================================================================================

# Numeric placeholders of the templates, each with a plausible range ("r" suffix: Russian
# decimal comma).
NUMBER_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "p": lambda r: str(r.randint(12, 45)),
    "p2": lambda r: str(r.randint(45, 65)),
    "p3": lambda r: str(r.randint(85, 97)),
    "acc": lambda r: str(r.randint(86, 98)),
    "n": lambda r: str(r.randint(4, 25)),
    "ns": lambda r: str(r.randint(40, 900)),
    "n00": lambda r: str(r.randint(20, 60) * 100),
    "s": lambda r: str(r.randint(8, 26) * 100),
    "t": lambda r: str(r.choice((600, 650, 700, 750, 800, 850, 900))),
    "c": lambda r: f"0.{r.randint(4, 9)}",
    "cr": lambda r: f"0,{r.randint(4, 9)}",
    "hc": lambda r: f"{r.uniform(1.5, 4.5):.1f}",
    "hcr": lambda r: f"{r.uniform(1.5, 4.5):.1f}".replace(".", ","),
    "r": lambda r: str(r.randint(70, 95)),
    "es": lambda r: str(r.randint(10, 35)),
    "hv": lambda r: str(r.randint(36, 42) * 10),
    "x2": lambda r: f"{r.uniform(1.5, 3.5):.1f}",
    "x2r": lambda r: f"{r.uniform(1.5, 3.5):.1f}".replace(".", ","),
    "mpa": lambda r: str(r.randint(30, 60)),
    "c10": lambda r: f"{r.uniform(0.2, 1.5):.1f}",
    "c10r": lambda r: f"{r.uniform(0.2, 1.5):.1f}".replace(".", ","),
    "orr": lambda r: f"{r.uniform(1.5, 4.0):.1f}",
}
_FORMATTER = string.Formatter()


def capitalize_first(text: str) -> str:
    """Upper-case the first character only, leaving the rest (e.g. "PM2.5", "CO2") alone."""
    return text[:1].upper() + text[1:]


def fill(template: str, rng: random.Random, values: dict[str, str]) -> str:
    """Fill ``{slot}`` placeholders: from ``values``, capitalised (``{Object}``), or numbers."""
    filled: dict[str, str] = {}
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is None or name in filled:
            continue
        if name in values:
            filled[name] = values[name]
        elif name[:1].isupper() and name.lower() in values:
            filled[name] = capitalize_first(values[name.lower()])
        elif name in NUMBER_MAKERS:
            filled[name] = NUMBER_MAKERS[name](rng)
        else:
            raise KeyError(f"no value for placeholder {{{name}}} in {template!r}")
    return template.format(**filled)


def two_different(rng: random.Random, options: Sequence[str]) -> tuple[str, str]:
    first, second = rng.sample(list(options), 2)
    return first, second


def has_cyrillic(text: str) -> bool:
    return re.search("[\u0400-\u04ff]", text) is not None


def has_han(text: str) -> bool:
    return re.search("[\u4e00-\u9fff]", text) is not None


def text_language(text: str) -> str:
    """Rough script-based language of a text: ``zh``, ``ru`` or ``en``."""
    if has_han(text):
        return "zh"
    if has_cyrillic(text):
        return "ru"
    return "en"


# =============================================================================================
# Publications
# =============================================================================================


@dataclass
class TextFactory:
    """Writes publication texts, never the same title twice."""

    rng: random.Random
    used_titles: set[str] = field(default_factory=set)
    zh_pool: dict[str, list[tuple[str, str, list[str]]]] = field(default_factory=dict)

    def _unique(self, make: Any, stems: Sequence[set[str]] = ()) -> tuple[str, str]:
        """Draw from ``make`` until the title is new (and its stem new to every author)."""
        for _ in range(80):
            title, abstract = make()
            stem = title_stem(title)
            if title.lower() not in self.used_titles and not any(stem in s for s in stems):
                self.used_titles.add(title.lower())
                for author_stems in stems:
                    author_stems.add(stem)
                return title, abstract
        raise RuntimeError("could not write a new unique title; add vocabulary")

    def english(
        self, topic: Topic, region: str, year: int | None, focus: Focus, stems: Sequence[set[str]]
    ) -> tuple[str, str]:
        """An English title and abstract on the author's focus within ``topic``."""
        rng = self.rng

        def make() -> tuple[str, str]:
            obj, obj2 = two_different(rng, focus.objects)
            method, method2 = two_different(rng, focus.methods)
            finding, finding2 = two_different(rng, topic.findings)
            end = year or 2020
            values = {
                "object": obj,
                "object2": obj2,
                "method": method,
                "method2": method2,
                "condition": rng.choice(topic.conditions),
                "site": rng.choice(topic.sites),
                "samples": rng.choice(topic.samples),
                "validation": rng.choice(topic.validations),
                "finding": fill(finding, rng, {}),
                "finding2": fill(finding2, rng, {}),
                "application": rng.choice(topic.applications),
                "aspect": rng.choice(topic.aspects),
                "problem": rng.choice(topic.problems),
                "region": region,
                "y1": str(end - rng.randint(3, 7)),
                "y2": str(end - rng.randint(0, 2)),
            }
            title = capitalize_first(fill(rng.choice(EN_TITLES), rng, values))
            sentences = [
                fill(rng.choice(templates), rng, values)
                for templates in (EN_AIMS, EN_METHODS, EN_RESULTS, EN_IMPACTS)
            ]
            return title, " ".join(s for s in sentences if s)

        return self._unique(make, stems)

    def russian(self, topic: Topic, region_ru: str, focus: Focus) -> tuple[str, str]:
        """A Russian title and abstract (whole Russian sentences of the topic)."""
        rng = self.rng
        values = {"region_ru": region_ru}

        def make() -> tuple[str, str]:
            subject = rng.choice(focus.ru_subjects)
            aspect = rng.choice(topic.ru_aspects)
            suffix = fill(rng.choice(RU_REGION_SUFFIXES), rng, values)
            if suffix.startswith(":"):
                title = subject + suffix
            elif rng.random() < 0.6:
                title = f"{subject}: {aspect}{suffix}"
            else:
                title = f"{subject}{suffix}" if suffix else f"{subject}: {aspect}"
            sentences = [
                fill(rng.choice(pool), rng, values)
                for pool in (topic.ru_aims, topic.ru_methods, topic.ru_results)
            ]
            if rng.random() < 0.7:
                sentences.append(fill(rng.choice(topic.ru_impacts), rng, values))
            return title, " ".join(sentences)

        return self._unique(make)

    def chinese(self, topic: str) -> tuple[str, str, list[str]]:
        title, abstract, keywords = self.zh_pool[topic].pop()
        self.used_titles.add(title.lower())
        return title, abstract, keywords

    def chinese_available(self, topic: str) -> int:
        return len(self.zh_pool.get(topic, ()))


def title_stem(title: str) -> str:
    """The part of a title before a colon: one author does not reuse it."""
    return title.split(":")[0].strip().lower()


@dataclass(frozen=True)
class Focus:
    """The part of a topic one researcher works on: a few objects, methods and subjects."""

    objects: tuple[str, ...]
    methods: tuple[str, ...]
    ru_subjects: tuple[str, ...]

    @classmethod
    def draw(cls, rng: random.Random, topic: Topic) -> Focus:
        return cls(
            objects=tuple(rng.sample(list(topic.objects), 3)),
            methods=tuple(rng.sample(list(topic.methods), 4)),
            ru_subjects=tuple(rng.sample(list(topic.ru_subjects), 5)),
        )


def build_zh_pool(rng: random.Random) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Chinese papers per topic (CSL rows plus the demo's own mining texts), shuffled."""
    pool: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
    for topic, _, title, abstract, keywords in CSL_PAPERS:
        pool[topic].append((title, abstract, split_keywords(keywords)))
    for title, abstract, keywords in ZH_MINE_PAPERS:
        pool["mine_safety"].append((title, abstract, split_keywords(keywords)))
    for topic in sorted(pool):
        rng.shuffle(pool[topic])
    return dict(pool)


def split_keywords(keywords: str) -> list[str]:
    return [k.strip() for k in keywords.split(";") if k.strip()]


# =============================================================================================
# People
# =============================================================================================


@dataclass
class Person:
    """A researcher while the world is being generated (becomes a :class:`Profile`)."""

    id: str
    name: str
    given: str
    surname: str
    inst: InstitutionSpec
    topics: list[str]
    stage: str
    capacity: int
    n_publications: int
    style: str = "en"  # "en", "mixed" (English and some Russian), "ru" only, "zh" only
    publications: list[dict[str, Any]] = field(default_factory=list)
    collaborators: list[str] = field(default_factory=list)
    zh_keywords: list[str] = field(default_factory=list)
    focus: dict[str, Focus] = field(default_factory=dict)
    title_stems: set[str] = field(default_factory=set)

    @property
    def country(self) -> str:
        return self.inst.country

    @property
    def joint_count(self) -> int:
        return sum(1 for pub in self.publications if pub["coauthors"])

    def languages_for_publications(self) -> tuple[str, ...]:
        if self.style == "ru":
            return ("ru",)
        if self.style == "zh":
            return ("zh",)
        return ("en", "ru") if self.country in RUSSIAN_CAPABLE else ("en",)

    def has_room_for_joint_work(self) -> bool:
        return self.joint_count < min(3, self.n_publications - 1)


def make_name(rng: random.Random, country: str, used: set[str]) -> tuple[str, str, str]:
    """A plausible, unused (full name, given name, surname) for the country."""
    for _ in range(200):
        female = rng.random() < 0.5
        given = rng.choice(GIVEN_NAMES[country][int(female)])
        male_surname, female_surname = rng.choice(SURNAMES[country])
        surname = female_surname if female else male_surname
        name = f"{surname} {given}" if country in SURNAME_FIRST else f"{given} {surname}"
        if name not in used:
            used.add(name)
            return name, given, surname
    raise RuntimeError(f"ran out of names for {country}")


def pick_topics(rng: random.Random, inst: InstitutionSpec) -> list[str]:
    """A main topic by the institution's weights, sometimes a neighbouring second one.

    The second topic is one the institution also works on, or any neighbour for REC Kuzbass
    members (whose region has all of them: coal, steel, farms).
    """
    slugs = list(inst.topics)
    primary = rng.choices(slugs, weights=[inst.topics[s] for s in slugs])[0]
    topics = [primary]
    neighbours = [t for t in NEIGHBOUR_TOPICS[primary] if inst.consortium or t in inst.topics]
    if neighbours and rng.random() < SECOND_TOPIC_SHARE:
        topics.append(rng.choice(neighbours))
    return topics


def build_people(rng: random.Random, texts: TextFactory) -> list[Person]:
    people: list[Person] = []
    used_names: set[str] = set()
    for inst in INSTITUTIONS:
        for _ in range(inst.n_researchers):
            name, given, surname = make_name(rng, inst.country, used_names)
            stage = rng.choices(CAREER_STAGES, weights=CAREER_WEIGHTS)[0]
            topics = pick_topics(rng, inst)
            people.append(
                Person(
                    id=f"r-{len(people) + 1:04d}",
                    name=name,
                    given=given,
                    surname=surname,
                    inst=inst,
                    topics=topics,
                    stage=stage,
                    capacity=rng.randint(*CAPACITY_RANGE[stage]),
                    n_publications=rng.randint(*PUBLICATION_COUNTS[stage]),
                    focus={topic: Focus.draw(rng, TOPICS[topic]) for topic in topics},
                )
            )
    assign_styles(rng, people, texts)
    return people


def assign_styles(rng: random.Random, people: list[Person], texts: TextFactory) -> None:
    """Decide who publishes in which language(s)."""
    russians = [p for p in people if p.country == "RU"]
    russian_only = rng.sample(russians, round(RUSSIAN_ONLY_SHARE_RU * len(russians)))
    for person in russian_only:
        person.style = "ru"
    for person in russians:
        if person.style == "en" and rng.random() < MIXED_SHARE_RU:
            person.style = "mixed"
    for person in people:
        if person.country in RUSSIAN_STYLE_SHARES:
            only, mixed = RUSSIAN_STYLE_SHARES[person.country]
            draw = rng.random()
            person.style = "ru" if draw < only else "mixed" if draw < only + mixed else "en"
        elif person.country == "CN" and rng.random() < CHINESE_ONLY_SHARE_CN:
            topic = person.topics[0]
            if texts.chinese_available(topic) >= 2:
                person.style = "zh"
                person.topics = [topic]
                person.n_publications = min(
                    max(person.n_publications, 2), texts.chinese_available(topic), 3
                )
                person.zh_keywords = list(ZH_TOPIC_TERMS[topic])
                for _ in range(person.n_publications):  # reserve the papers now
                    title, abstract, keywords = texts.chinese(topic)
                    person.publications.append(
                        {
                            "title": title,
                            "abstract": abstract,
                            "year": None,
                            "coauthors": [],
                            "topic": topic,
                        }
                    )
                    if keywords[0] not in person.zh_keywords:
                        person.zh_keywords.append(keywords[0])


# =============================================================================================
# Joint work and publications
# =============================================================================================


def year_for(rng: random.Random, people: Sequence[Person]) -> int | None:
    if rng.random() < MISSING_YEAR_SHARE:
        return None
    first = max(FIRST_YEAR[p.stage] for p in people)
    return rng.randint(first, LAST_YEAR)


def write_publication(
    rng: random.Random,
    texts: TextFactory,
    topic: str,
    language: str,
    authors: Sequence[Person],
    year: int | None,
) -> dict[str, Any]:
    """A new publication on ``topic``, written from the first author's focus and region."""
    vocabulary, first = TOPICS[topic], authors[0]
    if language == "ru":
        title, abstract = texts.russian(vocabulary, first.inst.region_ru, first.focus[topic])
    else:
        stems = [author.title_stems for author in authors]
        title, abstract = texts.english(
            vocabulary, first.inst.region, year, first.focus[topic], stems
        )
    if rng.random() < MISSING_ABSTRACT_SHARE:
        abstract = ""
    return {"title": title, "abstract": abstract, "year": year, "coauthors": [], "topic": topic}


def joint_language(team: Sequence[Person]) -> str | None:
    for language in ("en", "ru"):
        if all(language in p.languages_for_publications() for p in team):
            return language
    return None


def can_work_together(team: Sequence[Person]) -> bool:
    if len({p.id for p in team}) < len(team):
        return False
    if any(p.style == "zh" or not p.has_room_for_joint_work() for p in team):
        return False
    countries = {p.country for p in team}
    if "BY" in countries and HOME_COUNTRY in countries:  # Belarus: only through the office
        return False
    return joint_language(team) is not None


def add_joint_publication(
    rng: random.Random, texts: TextFactory, team: Sequence[Person], topic: str
) -> bool:
    """Give every member of ``team`` the same new publication, listing the others."""
    if not can_work_together(team):
        return False
    language = joint_language(team)
    assert language is not None
    pub = write_publication(rng, texts, topic, language, team, year_for(rng, team))
    for member in team:
        others = [p.id for p in team if p is not member]
        member.publications.append({**pub, "coauthors": others})
        member.collaborators.extend(others)
    return True


def add_joint_project(team: Sequence[Person]) -> None:
    """Past collaboration without a publication in the data (a joint project)."""
    for member in team:
        member.collaborators.extend(p.id for p in team if p is not member)


def shared_topic_pairs(
    left: Iterable[Person], right: Iterable[Person]
) -> list[tuple[Person, Person, str]]:
    right = list(right)
    return [
        (a, b, topic)
        for a in left
        for b in right
        for topic in a.topics
        if topic in b.topics and can_work_together((a, b))
    ]


def add_collaborations(rng: random.Random, texts: TextFactory, people: list[Person]) -> None:
    """Joint work: within institutions, along agreements, through offices, and a few more."""
    by_inst: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_inst[person.inst.id].append(person)

    # 1. Colleagues: about one joint paper per two researchers on a topic, sometimes three authors.
    for inst in INSTITUTIONS:
        for topic in sorted(inst.topics):
            group = [p for p in by_inst[inst.id] if topic in p.topics and p.style != "zh"]
            for _ in range(len(group) // 2):
                size = 3 if len(group) >= 3 and rng.random() < 0.25 else 2
                add_joint_publication(rng, texts, rng.sample(group, size), topic)

    # 2. Along cooperation agreements (one or two joint papers each).
    for left, right in AGREEMENTS:
        for _ in range(rng.randint(1, 2)):
            pairs = shared_topic_pairs(by_inst[left], by_inst[right])
            if pairs:
                a, b, topic = rng.choice(pairs)
                add_joint_publication(rng, texts, (a, b), topic)

    # 3. Introductions made by open offices: REC Kuzbass researchers with office partners.
    consortium = [p for p in people if p.inst.consortium]
    for office in OFFICES:
        if office["status"] != "open":
            continue
        partners = [p for i in office["partner_institutions"] for p in by_inst[i]]
        pairs = shared_topic_pairs(consortium, partners)
        for _ in range(min(2, len(pairs))):
            a, b, topic = rng.choice(pairs)
            add_joint_publication(rng, texts, (a, b), topic)

    # 4. A researcher in Germany known only through past joint work with Kuzbass.
    german = by_inst["de-tubaf"][0]
    pairs = shared_topic_pairs(consortium, [german])
    a, b, topic = rng.choice(pairs)
    if not add_joint_publication(rng, texts, (a, b), topic):
        raise RuntimeError("could not connect the German researcher")

    # 5. Joint projects without a publication in the data.
    for inst in INSTITUTIONS:
        members = by_inst[inst.id]
        if len(members) >= 6 and rng.random() < 0.7:
            add_joint_project(rng.sample(members, 2))


def fill_publications(rng: random.Random, texts: TextFactory, people: list[Person]) -> None:
    """Top up every researcher's own publications to their count, then sort by year."""
    for person in people:
        if person.style == "zh":
            for pub in person.publications:
                if pub["year"] is None and rng.random() > MISSING_YEAR_SHARE:
                    pub["year"] = rng.randint(FIRST_YEAR[person.stage], LAST_YEAR)
        russian_left = rng.randint(1, 2) if person.style == "mixed" else 0
        while len(person.publications) < person.n_publications:
            topic = person.topics[0]
            if len(person.topics) > 1 and rng.random() < 0.3:
                topic = person.topics[1]
            last_slot = len(person.publications) == person.n_publications - 1
            has_english = any(text_language(pub["title"]) == "en" for pub in person.publications)
            if person.style == "ru" or (russian_left > 0 and not (last_slot and not has_english)):
                language = "ru"
                russian_left -= 1
            else:  # English, and always at least one English paper unless Russian-only
                language = "en"
            person.publications.append(
                write_publication(rng, texts, topic, language, [person], year_for(rng, [person]))
            )
        person.publications.sort(key=lambda pub: -(pub["year"] or 0))


# =============================================================================================
# Records
# =============================================================================================


def email_for(person: Person, used: set[str]) -> str | None:
    domain = person.inst.domain
    if domain is None:
        return None
    given = re.sub(r"[^a-z]", "", person.given.lower())
    surname = re.sub(r"[^a-z]", "", person.surname.lower())
    local = f"{surname}{given}" if person.country in SURNAME_FIRST else f"{given[0]}.{surname}"
    candidate, n = local, 1
    while f"{candidate}@{domain}" in used:
        n += 1
        candidate = f"{local}{n}"
    used.add(f"{candidate}@{domain}")
    return f"{candidate}@{domain}"


def phone_for(rng: random.Random, inst: InstitutionSpec) -> str:
    return f"{inst.phone_prefix} 555-{rng.randint(0, 9999):04d}"


def keywords_for(rng: random.Random, person: Person) -> list[str]:
    if person.style == "zh":
        return person.zh_keywords[:5]
    field_name = "ru_keywords" if person.style == "ru" else "keywords"
    primary: tuple[str, ...] = getattr(TOPICS[person.topics[0]], field_name)
    keywords = rng.sample(list(primary), rng.randint(3, 5))
    for topic in person.topics[1:]:
        extra: tuple[str, ...] = getattr(TOPICS[topic], field_name)
        keywords += [k for k in rng.sample(list(extra), 2) if k not in keywords]
    return keywords


def summary_for(rng: random.Random, person: Person, keywords: list[str]) -> str:
    values = {
        "kw1": keywords[0],
        "kw2": keywords[1],
        "kw3": keywords[2 % len(keywords)],
        "institution": person.inst.name,
        "region": person.inst.region,
    }
    if person.style == "zh":
        values["position"] = rng.choice(POSITIONS_ZH[person.stage])
        return fill(rng.choice(SUMMARY_ZH), rng, values)
    if person.style == "ru":
        values["position"] = rng.choice(POSITIONS_RU[person.stage])
        return fill(rng.choice(SUMMARY_RU), rng, values)
    values["position"] = rng.choice(POSITIONS_EN[person.stage])
    summary = fill(rng.choice(SUMMARY_EN), rng, values)
    if len(person.topics) > 1:
        summary += SECOND_TOPIC_SENTENCE.format(kw=TOPICS[person.topics[1]].keywords[0])
    return summary


def languages_for(person: Person) -> list[str]:
    native = list(NATIVE_LANGUAGES[person.country])
    if person.style == "ru":
        return native if "ru" in native else [*native, "ru"]
    if person.style == "zh":
        return native
    return [*native, "en"]


def publication_record(pub: dict[str, Any]) -> dict[str, Any]:
    return {key: pub[key] for key in ("title", "abstract", "year", "coauthors")}


def person_profile(rng: random.Random, person: Person, emails: set[str]) -> Profile:
    keywords = keywords_for(rng, person)
    contact = {"email": email_for(person, emails), "phone": phone_for(rng, person.inst)}
    return Profile(
        id=person.id,
        name=person.name,
        kind="researcher",
        country=person.country,
        institution=person.inst.id,
        languages=languages_for(person),
        keywords=keywords,
        summary=summary_for(rng, person, keywords),
        publications=[publication_record(pub) for pub in person.publications],
        collaborators=sorted(person.collaborators),
        career_stage=person.stage,
        capacity=person.capacity,
        contact=contact,
        topics=list(person.topics),
    )


def organisation_profile(rng: random.Random, spec: dict[str, Any]) -> Profile:
    inst = INSTITUTIONS_BY_ID[spec["institution"]]
    email = f"info@{inst.domain}" if inst.domain else None
    return Profile(
        id=spec["id"],
        name=spec["name"],
        kind="organization",
        country=inst.country,
        institution=inst.id,
        languages=spec["languages"],
        keywords=spec["keywords"],
        summary=spec["summary"],
        publications=[
            {"title": title, "abstract": abstract, "year": year}
            for title, abstract, year in spec["publications"]
        ],
        capacity=spec["capacity"],
        contact={"email": email, "phone": phone_for(rng, inst)},
        topics=spec["topics"],
    )


INSTITUTIONS_BY_ID = {inst.id: inst for inst in INSTITUTIONS}


def institution_records() -> list[Institution]:
    agreements: dict[str, set[str]] = defaultdict(set)
    for left, right in AGREEMENTS:
        agreements[left].add(right)
        agreements[right].add(left)
    records = []
    for inst in INSTITUTIONS:
        record: dict[str, Any] = {
            "id": inst.id,
            "name": inst.name,
            "country": inst.country,
            "kind": inst.kind,
            "consortia": [CONSORTIUM] if inst.consortium else [],
            "agreements": sorted(agreements[inst.id]),
            "city": inst.city,
            "source": inst.source,
        }
        if inst.domain:
            record["domain"] = inst.domain
        if inst.aliases:
            record["aliases"] = list(inst.aliases)
        records.append(Institution(**record))
    return records


def office_records() -> list[Office]:
    return [Office(**office) for office in OFFICES]


def call_records() -> list[Call]:
    return [Call(**call) for call in CALLS]


@dataclass
class World:
    """The four record lists of a dataset."""

    institutions: list[Institution]
    offices: list[Office]
    profiles: list[Profile]
    calls: list[Call]

    def records(self) -> dict[str, Sequence[BaseModel]]:
        return {name: getattr(self, name) for name in FILES}

    @cached_property
    def profile_index(self) -> dict[str, Profile]:
        return {p.id: p for p in self.profiles}

    @cached_property
    def institution_index(self) -> dict[str, Institution]:
        return {i.id: i for i in self.institutions}


def generate(seed: int = DEFAULT_SEED) -> World:
    """Build the demo world for ``seed``: validated model instances, nothing written."""
    rng = random.Random(seed)
    texts = TextFactory(rng=rng, zh_pool=build_zh_pool(rng))
    people = build_people(rng, texts)
    add_collaborations(rng, texts, people)
    fill_publications(rng, texts, people)
    emails: set[str] = set()
    profiles = [person_profile(rng, person, emails) for person in people]
    profiles += [organisation_profile(rng, spec) for spec in ORGANISATIONS]
    world = World(institution_records(), office_records(), profiles, call_records())
    check_world(world)
    return world


# =============================================================================================
# Checks: references, joint work, and whether every call can be staffed
# =============================================================================================

# Calls that can only be staffed once a negotiating office opens (the "what if" of the demo).
WHAT_IF_CALLS = {"c-ru-by-materials": "off-kuzbass-by"}
# Routes that do not depend on how an engine treats an office's whole host country.
STRICT_ROUTES = frozenset({"domestic", "collaboration", "office_partner", "agreement"})


def route_to(profile: Profile, world: World, open_offices: set[str]) -> str | None:
    """How a profile is reached from Russia: the best route, or ``None``.

    ``domestic`` (Russian), ``collaboration`` (joint work with a Russian profile),
    ``office_partner`` (its institution is a partner of an open office), ``agreement`` (its
    institution signed an agreement with a Russian one), ``office`` (an open office in its
    country, without a partnership: the weakest route).
    """
    profiles, institutions = world.profile_index, world.institution_index
    if profile.country == HOME_COUNTRY:
        return "domestic"
    if any(c in profiles and profiles[c].country == HOME_COUNTRY for c in profile.collaborators):
        return "collaboration"
    open_now = [o for o in world.offices if o.id in open_offices]
    if any(profile.institution in o.partner_institutions for o in open_now):
        return "office_partner"
    inst = institutions.get(profile.institution or "")
    if inst is not None and any(
        a in institutions and institutions[a].country == HOME_COUNTRY for a in inst.agreements
    ):
        return "agreement"
    if any(o.country == profile.country for o in open_now):
        return "office"
    return None


def open_office_ids(world: World, also_open: Iterable[str] = ()) -> set[str]:
    return {o.id for o in world.offices if o.status == "open"} | set(also_open)


def call_candidates(
    call: Call, world: World, open_offices: set[str], routes: frozenset[str] = STRICT_ROUTES
) -> list[Profile]:
    """Profiles on the call's topic that its rules admit and that a route reaches."""
    rules = call.rules
    topics = set((call.model_extra or {}).get("topics", []))
    consortia = set(rules.eligible_consortia or ())
    members = {i.id for i in world.institutions if consortia & set(i.consortia)}
    return [
        p
        for p in world.profiles
        if p.kind in rules.member_kinds
        and rules.country_is_eligible(p.country)
        and topics & set((p.model_extra or {}).get("topics", []))
        and (not consortia or p.institution in members)
        and route_to(p, world, open_offices) in routes
    ]


def team_meets_rules(call: Call, team: Sequence[Profile]) -> bool:
    """Whether ``team`` (lead first) satisfies every rule of the call."""
    rules = call.rules
    countries = Counter(p.country for p in team)
    stages = Counter(p.career_stage for p in team)
    per_institution = Counter(p.institution for p in team)
    lead = team[0] if team else None
    return (
        rules.min_team_size <= len(team) <= rules.max_team_size
        and len({p.id for p in team}) == len(team)
        and all(countries[c] >= k for c, k in rules.required_countries.items())
        and all(stages[s] >= k for s, k in rules.min_career_stage_counts.items())
        and all(rules.country_is_eligible(p.country) and p.kind in rules.member_kinds for p in team)
        and (
            rules.max_per_institution is None
            or max(per_institution.values()) <= rules.max_per_institution
        )
        and lead is not None
        and (rules.lead_countries is None or lead.country in rules.lead_countries)
        and (rules.lead_career_stages is None or lead.career_stage in rules.lead_career_stages)
    )


def find_team(call: Call, pool: Sequence[Profile]) -> list[Profile] | None:
    """A greedy team meeting the call's rules from ``pool`` (lead first), or ``None``."""
    rules = call.rules
    pool = sorted(pool, key=lambda p: p.id)
    leads = [
        p
        for p in pool
        if (rules.lead_countries is None or p.country in rules.lead_countries)
        and (rules.lead_career_stages is None or p.career_stage in rules.lead_career_stages)
    ]
    for lead in leads[:25]:
        team = [lead]

        def can_add(p: Profile, team: list[Profile] = team) -> bool:
            same_institution = sum(m.institution == p.institution for m in team)
            return (
                p.id not in {m.id for m in team}
                and len(team) < rules.max_team_size
                and (
                    rules.max_per_institution is None
                    or same_institution < rules.max_per_institution
                )
            )

        for country, need in sorted(rules.required_countries.items()):
            for p in pool:
                if sum(m.country == country for m in team) >= need:
                    break
                if p.country == country and can_add(p):
                    team.append(p)
        for stage, need in sorted(rules.min_career_stage_counts.items()):
            for p in pool:
                if sum(m.career_stage == stage for m in team) >= need:
                    break
                if p.career_stage == stage and can_add(p):
                    team.append(p)
        for p in pool:
            if len(team) >= rules.min_team_size:
                break
            if can_add(p):
                team.append(p)
        if team_meets_rules(call, team):
            return team
    return None


def check_references(world: World) -> None:
    """Raise ``ValueError`` on duplicate ids, dangling references or inconsistent joint work."""
    for name, records in world.records().items():
        ids = [r.id for r in records]  # type: ignore[attr-defined]
        duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate {name} ids: {duplicates}")
    institutions = {i.id: i for i in world.institutions}
    profiles = {p.id: p for p in world.profiles}
    for inst in world.institutions:
        for other in inst.agreements:
            if other not in institutions or inst.id not in institutions[other].agreements:
                raise ValueError(f"agreement {inst.id} -> {other} is not symmetric")
    for office in world.offices:
        for partner in office.partner_institutions:
            if partner not in institutions or institutions[partner].country != office.country:
                raise ValueError(f"office {office.id}: bad partner {partner}")
    for profile in world.profiles:
        if profile.institution not in institutions:
            raise ValueError(f"{profile.id}: unknown institution {profile.institution}")
        if institutions[profile.institution].country != profile.country:
            raise ValueError(f"{profile.id}: country differs from its institution's")
        for other, n in Counter(profile.collaborators).items():
            if other not in profiles or Counter(profiles[other].collaborators)[profile.id] != n:
                raise ValueError(f"{profile.id}: collaboration with {other} is not symmetric")
        for pub in profile.publications:
            for other in pub.coauthors:
                shared = [q for q in profiles[other].publications if q.title == pub.title]
                expected = sorted({profile.id, *pub.coauthors} - {other})
                if len(shared) != 1 or sorted(shared[0].coauthors) != expected:
                    raise ValueError(f"{profile.id}: joint paper {pub.title!r} is inconsistent")
                if profile.collaborators.count(other) < 1:
                    raise ValueError(f"{profile.id}: coauthor {other} not a collaborator")


def check_calls(world: World, what_if: dict[str, str]) -> None:
    """Every call can be staffed through strict routes; a what-if call only with its office."""
    for call in world.calls:
        opened = open_office_ids(world)
        team = find_team(call, call_candidates(call, world, opened))
        office = what_if.get(call.id)
        if office is None and team is None:
            raise ValueError(f"call {call.id} cannot be staffed")
        if office is not None:
            if team is not None:
                raise ValueError(f"call {call.id} is staffed without opening {office}")
            opened = open_office_ids(world, [office])
            if find_team(call, call_candidates(call, world, opened)) is None:
                raise ValueError(f"call {call.id} cannot be staffed even with {office} open")


def check_world(world: World, what_if: dict[str, str] = WHAT_IF_CALLS) -> None:
    check_references(world)
    check_calls(world, what_if)


# =============================================================================================
# Writing
# =============================================================================================


def to_json_line(record: BaseModel) -> str:
    return json.dumps(record.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


def write_world(world: World, out_dir: Path) -> list[Path]:
    """Write the four JSON Lines files (``\\n`` line ends, UTF-8) and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, records in world.records().items():
        path = out_dir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(to_json_line(record) + "\n")
        paths.append(path)
    return paths


# =============================================================================================
# README of the demo dataset (generated, so that its numbers always match the files)
# =============================================================================================

ROUTE_ORDER = ("office_partner", "agreement", "collaboration", "office", None)
ROUTE_LABELS = {
    "office_partner": "office partner",
    "agreement": "agreement",
    "collaboration": "past collaboration",
    "office": "office in the country only",
    None: "no route",
}


def publication_style(profile: Profile) -> str:
    """``en``, ``ru``, ``zh`` when every title is in that language, else ``mixed``."""
    languages = {text_language(pub.title) for pub in profile.publications}
    return languages.pop() if len(languages) == 1 else "mixed"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def route_counts(call: Call, world: World, country: str, open_offices: set[str]) -> str:
    """How the call's topical candidates from ``country`` are reached, e.g. "3 agreement"."""
    topics = set((call.model_extra or {}).get("topics", []))
    pool = [
        p
        for p in world.profiles
        if p.country == country
        and p.kind in call.rules.member_kinds
        and topics & set((p.model_extra or {}).get("topics", []))
    ]
    counts = Counter(route_to(p, world, open_offices) for p in pool)
    parts = [f"{counts[r]} {ROUTE_LABELS[r]}" for r in ROUTE_ORDER if counts[r]]
    return ", ".join(parts) or "none"


def describe_calls(world: World) -> str:
    opened = open_office_ids(world)
    rows = []
    for call in world.calls:
        rules = call.rules
        required = ", ".join(f"{c} ≥ {k}" for c, k in rules.required_countries.items())
        extra = []
        if rules.lead_countries:
            extra.append("lead from " + "/".join(rules.lead_countries))
        if rules.lead_career_stages:
            extra.append("lead " + "/".join(rules.lead_career_stages))
        for stage, k in rules.min_career_stage_counts.items():
            extra.append(f"≥ {k} {stage}")
        if rules.max_per_institution:
            extra.append(f"≤ {rules.max_per_institution} per institution")
        if "organization" in rules.member_kinds:
            extra.append("organisations may join")
        if rules.eligible_consortia:
            extra.append("REC Kuzbass members")
        foreign = [c for c in rules.required_countries if c != HOME_COUNTRY]
        routes = "; ".join(f"{c}: {route_counts(call, world, c, opened)}" for c in foreign)
        if call.id in WHAT_IF_CALLS:
            office = WHAT_IF_CALLS[call.id]
            with_office = route_counts(call, world, foreign[0], opened | {office})
            routes += f" — if `{office}` opens: {with_office}"
        rows.append(
            (
                f"`{call.id}`",
                call.funder,
                f"{rules.min_team_size}-{rules.max_team_size}",
                required,
                ", ".join(rules.eligible_countries or ["any"]),
                "; ".join(extra),
                ", ".join((call.model_extra or {}).get("topics", [])),
                routes or "domestic",
            )
        )
    header = (
        "call",
        "funder",
        "team",
        "required",
        "eligible",
        "other rules",
        "topic",
        "foreign members on the topic, by their best route",
    )
    return markdown_table(header, rows)


def reflow(markdown: str, width: int = 100) -> str:
    """Re-wrap paragraphs and bullet items of ``markdown``; tables, headings, code stay."""
    out: list[str] = []
    for block in markdown.strip("\n").split("\n\n"):
        lines = block.split("\n")
        if lines[0].startswith(("|", "#", "```")):
            out.append(block)
        elif lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line.strip()
            out.append(
                "\n".join(
                    textwrap.fill(
                        item,
                        width,
                        initial_indent="- ",
                        subsequent_indent="  ",
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                    for item in items
                )
            )
        else:
            out.append(
                textwrap.fill(
                    " ".join(line.strip() for line in lines),
                    width,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
    return "\n\n".join(out) + "\n"


def topic_label(slug: str) -> str:
    return TOPICS[slug].label


def describe(world: World, seed: int) -> str:
    """The README of the demo dataset."""
    researchers = [p for p in world.profiles if p.kind == "researcher"]
    countries = sorted(
        Counter(p.country for p in world.profiles),
        key=lambda c: (-sum(p.country == c for p in world.profiles), c),
    )
    profile_rows = []
    for country in countries:
        here = [p for p in researchers if p.country == country]
        styles = Counter(publication_style(p) for p in here)
        profile_rows.append(
            (
                country,
                len(here),
                sum(p.kind == "organization" and p.country == country for p in world.profiles),
                styles["en"],
                styles["mixed"],
                styles["ru"],
                styles["zh"],
            )
        )
    inst_kinds = Counter((i.country, i.kind) for i in world.institutions)
    inst_rows = [
        (c, *(inst_kinds[(c, k)] for k in ("university", "research_centre", "company", "agency")))
        for c in sorted(
            {i.country for i in world.institutions},
            key=lambda c: (-sum(i.country == c for i in world.institutions), c),
        )
    ]
    country_of = {i.id: i.country for i in world.institutions}
    pairs = Counter(
        "-".join(sorted((country_of[a], country_of[b]), key=lambda c: (c != "RU", c)))
        for a, b in AGREEMENTS
    )
    office_rows = [
        (
            f"`{o.id}`",
            o.operator,
            o.country,
            o.status,
            ", ".join(o.partner_institutions),
            o.capacity,
        )
        for o in world.offices
    ]
    pubs = [pub for p in world.profiles for pub in p.publications]
    pub_languages = Counter(text_language(pub.title) for pub in pubs)
    joint = sum(1 for pub in pubs if pub.coauthors)
    stages: Counter[str | None] = Counter(p.career_stage for p in researchers)
    topics = Counter(t for p in world.profiles for t in (p.model_extra or {}).get("topics", []))
    consortium = [i.name for i in world.institutions if CONSORTIUM in i.consortia]
    no_route_foreign = sorted(
        i.id
        for i in world.institutions
        if i.country != HOME_COUNTRY
        and not i.agreements
        and not any(i.id in o.partner_institutions for o in world.offices)
    )
    titles = {pub.title for pub in pubs}
    csl_used = [row[1] for row in CSL_PAPERS if row[2] in titles]
    return reflow(f"""# Demo dataset: REC Kuzbass looks for partners

Generated by `scripts/generate_demo_data.py`; do not edit by hand. Load it with `matcher.io`;
`matcher.datasets.demo_paths()` gives the four paths.

The world of the demo: the regional research and education centre **REC Kuzbass**
({len(consortium)} members in the Kemerovo region: {", ".join(consortium)}) assembles research
teams for grant calls. Foreign partners are reached through its representative offices in
China and Mongolia (open) and Belarus (in negotiation), through the representative offices
of Rossotrudnichestvo in Kazakhstan, Uzbekistan, Kyrgyzstan and Armenia, through cooperation
agreements of the kind signed at the Russia-Kazakhstan rectors' forums, and through past joint
work. Several Russian universities outside the consortium, and a few universities outside the
CIS, are there for contrast.

## Files

| file | records | model |
|---|---|---|
| `institutions.jsonl` | {len(world.institutions)} | `matcher.model.Institution` |
| `offices.jsonl` | {len(world.offices)} | `matcher.model.Office` |
| `profiles.jsonl` | {len(world.profiles)} | `matcher.model.Profile` |
| `calls.jsonl` | {len(world.calls)} | `matcher.model.Call` |

One JSON object a line, UTF-8, written with `model_dump(mode="json", exclude_none=True)`.

## Institutions

{
        markdown_table(
            ("country", "universities", "research centres", "companies", "agencies"), inst_rows
        )
    }

Cooperation agreements (pairs, recorded on both institutions): {
        ", ".join(f"{k}: {v}" for k, v in sorted(pairs.items()))
    }. No Russian institution has an agreement
with a Belarusian one. Foreign institutions with no agreement and no office partnership (only
an office in their country, or nothing, leads to them): {", ".join(no_route_foreign)}.

## Offices

{
        markdown_table(
            (
                "office",
                "operator",
                "country",
                "status",
                "partner institutions",
                "introductions per round",
            ),
            office_rows,
        )
    }

## Profiles

{len(researchers)} researchers and {len(world.profiles) - len(researchers)} organisations
(whose "publications" are past projects). Publication languages of researchers:

{
        markdown_table(
            (
                "country",
                "researchers",
                "organisations",
                "English only",
                "English and Russian",
                "Russian only",
                "Chinese only",
            ),
            profile_rows,
        )
    }

- {len(pubs)} publications: {pub_languages["en"]} English, {pub_languages["ru"]} Russian,
  {pub_languages["zh"]} Chinese; {sum(1 for pub in pubs if not pub.abstract)} without an
  abstract, {sum(1 for pub in pubs if pub.year is None)} without a year. {joint} publication
  entries are joint work (the same title on every coauthor's profile, each listing the others
  in `coauthors`); `collaborators` repeats an id once per joint work, including a few joint
  projects without a publication.
- Career stages: {", ".join(f"{s} {stages[s]}" for s in CAREER_STAGES)}. Capacity 1-3 teams
  per round.
- Topics (profiles per topic, {
        sum(len((p.model_extra or {}).get("topics", [])) > 1 for p in world.profiles)
    } profiles have two):
  {", ".join(f"{TOPICS[t].label} {topics[t]}" for t in sorted(topics, key=topic_label))}.

## Calls

{describe_calls(world)}

Every call can be staffed by profiles on its topic that are reached from Russia through an
office partner, an agreement or past collaboration (checked by the generator), except
`c-ru-by-materials`: Belarus is reachable only once the negotiating office `off-kuzbass-by`
opens, so the call is the demo's "what if" question. Calls marked "REC Kuzbass members" carry
`consortium: "REC Kuzbass"`: only consortium members may apply (not a rule the engine enforces).

## Extra fields

Besides the interchange fields (see the project's DESIGN.md), records carry:

- institutions: `city`; `domain` (web domain, from world-universities where listed); `source`
  (`world-universities` when the name is from that list, `curated` otherwise); `aliases` (other
  names, including the world-universities spelling where the current official name differs).
- offices: `city`.
- profiles and calls: `topics`, the demo's ground-truth topic labels
  ({", ".join(sorted(TOPICS))}); a profile is relevant to a call when they share a topic. For
  evaluation only: matchers must not use them.
- calls: `consortium` (see above).

## How it was generated

```
{COMMAND}
```

`random.Random({seed})` drives every choice, so the same seed gives byte-identical files
(a test checks this). Every record is validated by the pydantic models before it is written.
English texts are assembled from topic vocabularies and sentence templates, Russian texts
from whole Russian sentences per topic; each researcher works on a few objects and methods of
one or two topics, so that relevance ranking is meaningful.

## Sources and attribution

- Institution names and web domains: the Hipo university-domains list
  (`world_universities_and_domains.json`, MIT licence), for the institutions with
  `source: world-universities`. The Kemerovo Institute of Food Science and Technology has
  been part of Kemerovo State University since 2019; the demo keeps it separate.
- The Chinese titles, abstracts and keywords of {len(csl_used)} publications are real papers
  from the CSL benchmark (Li et al., "CSL: A Large-scale Chinese Scientific Literature
  Dataset", COLING 2022; Apache-2.0), rows {", ".join(csl_used)} of `csl_papers_devtest.tsv`
  (the generator embeds {len(CSL_PAPERS)} such rows and uses them as needed). They are
  attributed to invented researchers. The other Chinese texts were written for the demo.
- The setting follows public news items on REC Kuzbass, the Russia-Kazakhstan rectors' forum,
  the CICED centre and Rossotrudnichestvo.
- Everything else is invented: people, names, e-mail addresses (on real institutions'
  domains), phone numbers (all `555-xxxx`), publications, agreements, office partner lists,
  capacities and calls. The company "Sibmine Digital LLC" is fictional. Do not contact anyone
  from this data.
""")


# =============================================================================================
# The small hand-written test fixture (tests/fixtures/small, documented in its README.md)
# =============================================================================================

FIXTURE_WHAT_IF = {"c-by-materials": "off-kuzbass-by"}


def _pub(title: str, abstract: str = "", year: int | None = None) -> dict[str, Any]:
    return {"title": title, "abstract": abstract, "year": year, "coauthors": []}


def _joint(pub: dict[str, Any], *coauthors: str) -> dict[str, Any]:
    """The same publication as seen from one coauthor, listing the others."""
    return {**pub, "coauthors": list(coauthors)}


def _person(
    id: str,
    name: str,
    institution: str,
    stage: str,
    topics: list[str],
    keywords: list[str],
    summary: str,
    publications: list[dict[str, Any]],
    languages: Sequence[str] = ("ru", "en"),
    collaborators: Sequence[str] = (),
    capacity: int = 1,
) -> dict[str, Any]:
    country = institution[:2].upper()
    return {
        "id": id,
        "name": name,
        "kind": "researcher",
        "country": country,
        "institution": institution,
        "languages": list(languages),
        "keywords": keywords,
        "summary": summary,
        "publications": publications,
        "collaborators": list(collaborators),
        "career_stage": stage,
        "capacity": capacity,
        "contact": {"email": f"{id}@example.org", "phone": "+7 3842 555-0100"},
        "topics": topics,
    }


# fmt: off
def small_fixture() -> World:
    """About thirty hand-written profiles, three calls, three offices (one negotiating)."""
    rec = [CONSORTIUM]
    institutions: list[dict[str, Any]] = [
        {"id": "ru-kuzstu", "name": "Kuzbass State Technical University", "country": "RU",
         "consortia": rec, "agreements": ["cn-cumt", "kz-kstu"]},
        {"id": "ru-kemsu", "name": "Kemerovo State University", "country": "RU", "consortia": rec},
        {"id": "ru-ksaa", "name": "Kuzbass State Agricultural Academy", "country": "RU",
         "consortia": rec},
        {"id": "ru-sibsiu", "name": "Siberian State Industrial University", "country": "RU",
         "consortia": rec},
        {"id": "ru-kemsmu", "name": "Kemerovo State Medical University", "country": "RU",
         "consortia": rec},
        {"id": "ru-fccc", "name": "Federal Research Center of Coal and Coal Chemistry SB RAS",
         "country": "RU", "kind": "research_centre", "consortia": rec},
        {"id": "cn-cumt", "name": "China University of Mining and Technology", "country": "CN",
         "agreements": ["ru-kuzstu"]},
        {"id": "cn-hit", "name": "Harbin Institute of Technology", "country": "CN",
         "agreements": ["by-bntu"]},
        {"id": "cn-tsinghua", "name": "Tsinghua University", "country": "CN"},
        {"id": "kz-kstu", "name": "Karaganda State Technical University", "country": "KZ",
         "agreements": ["ru-kuzstu"]},
        {"id": "kz-enu", "name": "L.N. Gumilyov Eurasian National University", "country": "KZ"},
        {"id": "kz-kaznu", "name": "Al-Farabi Kazakh National University", "country": "KZ"},
        {"id": "by-bntu", "name": "Belarusian National Technical University", "country": "BY",
         "agreements": ["cn-hit"]},
        {"id": "by-bsu", "name": "Belarusian State University", "country": "BY"},
        {"id": "de-tubaf", "name": "Technische Universität Bergakademie Freiberg",
         "country": "DE"},
    ]
    offices: list[dict[str, Any]] = [
        {"id": "off-kuzbass-cn", "name": "REC Kuzbass representative office in China",
         "operator": CONSORTIUM, "home_country": "RU", "country": "CN", "status": "open",
         "partner_institutions": ["cn-hit"], "services": ["information_support", "introductions"],
         "capacity": 5},
        {"id": "off-kuzbass-by", "name": "REC Kuzbass representative office in Belarus",
         "operator": CONSORTIUM, "home_country": "RU", "country": "BY", "status": "negotiating",
         "partner_institutions": ["by-bntu"], "services": ["information_support", "introductions"],
         "capacity": 3},
        {"id": "off-rs-kz", "name": "Rossotrudnichestvo representative office in Kazakhstan",
         "operator": "Rossotrudnichestvo", "home_country": "RU", "country": "KZ",
         "status": "open", "partner_institutions": ["kz-enu"],
         "services": ["expert_advice", "information_support", "logistics", "introductions"],
         "capacity": 10},
    ]
    ventilation = _pub(
        "Ventilation and methane monitoring at a longwall face with goaf drainage",
        "Air flow and methane sensor records at a longwall face show how ventilation and "
        "goaf drainage share the control of gas.", 2022)
    technosols = _pub(
        "Technosol development on reclaimed overburden dumps in Kuzbass and Lusatia",
        "Soil profiles on dumps of different ages show organic carbon accumulating fastest "
        "under self-overgrowing vegetation.", 2021)
    coatings = _pub(
        "Plasma-sprayed wear-resistant coatings on steel for mining machinery",
        "Nickel-based coatings halved the abrasive wear rate of excavator bucket teeth in "
        "laboratory tests.", 2023)
    profiles = [
        # --- Russia: the methane group (the pair s-ru-methane / s-ru-ventilation) -----------
        _person("s-ru-methane", "Ivan Gazov", "ru-kuzstu", "senior", ["mine_safety"],
                ["coal mine methane", "methane drainage", "gas emission forecasting"],
                "Professor at Kuzbass State Technical University working on methane drainage "
                "and gas control in underground coal mines.",
                [_joint(ventilation, "s-ru-ventilation"),
                 _pub("Coal mine methane drainage and gas emission forecasting for longwall "
                      "mining",
                      "Methane drainage boreholes designed from a gas emission forecast kept "
                      "methane in gassy Kuzbass coal mines below limits.", 2023),
                 _pub("Methane drainage through in-seam boreholes in gassy coal seams",
                      "Field measurements in three longwall panels show how borehole spacing "
                      "controls coal mine methane drainage before mining.", 2021),
                 _pub("Gas emission forecasting for longwall faces of underground coal mines",
                      "A forecast of methane emission from gas content and advance rate, "
                      "calibrated on mine monitoring data.", 2020),
                 _pub("Outburst prevention by methane pre-drainage in coal seams",
                      "Pre-drainage of coal mine methane lowered gas pressure below the "
                      "outburst threshold.", 2018)],
                collaborators=["s-ru-ventilation"], capacity=2),
        _person("s-ru-ventilation", "Olga Ventseva", "ru-kuzstu", "early", ["mine_safety"],
                ["mine ventilation", "methane monitoring", "mine safety"],
                "Junior researcher at Kuzbass State Technical University studying mine "
                "ventilation and methane monitoring.",
                [_joint(ventilation, "s-ru-methane"),
                 _pub("Ventilation network control for methane dilution in underground coal "
                      "mines",
                      "Automatic control of fans and regulators kept methane below limits "
                      "while cutting ventilation power by a fifth.", 2023),
                 _pub("Real-time methane sensors in underground coal mine workings", "", 2021)],
                collaborators=["s-ru-methane"], capacity=2),
        _person("s-ru-methane-phd", "Denis Plastov", "ru-kuzstu", "doctoral", ["mine_safety"],
                ["methane sorption", "hydraulic fracturing", "coal seam permeability"],
                "PhD candidate at Kuzbass State Technical University working on methane "
                "sorption and permeability of coal seams.",
                [_pub("Laboratory sorption of methane on Kuzbass coals at different pressures",
                      "Sorption isotherms of methane on coal samples from five seams were "
                      "measured up to 10 MPa.", 2024),
                 _pub("Hydraulic fracturing to increase coal seam permeability for methane "
                      "drainage",
                      "Fracturing raised borehole methane flow threefold in a low-permeability "
                      "seam.", 2025)]),
        # --- Russia: other topics (distractors for the methane call) ------------------------
        _person("s-ru-coalchem", "Pavel Uglev", "ru-fccc", "mid", ["coal_chem"],
                ["coal chemistry", "activated carbon", "carbon materials"],
                "Senior researcher working on carbon materials made from coal.",
                [_pub("Activated carbons from low-rank coal by KOH activation",
                      "Activation at 800 °C gave carbons with a surface area of 2000 m2/g.",
                      2021),
                 _pub("Coal tar pitch as a precursor of porous carbon electrodes",
                      "Pitch-derived carbons kept 90 percent of their capacitance after 5000 "
                      "cycles.", 2019),
                 _pub("Humic acids from oxidised brown coal",
                      "Oxidation increased the yield of humic acids.")]),
        _person("s-ru-health", "Anna Pulmonova", "ru-kemsmu", "mid", ["occ_health"],
                ["occupational health", "coal workers' pneumoconiosis", "respirable dust"],
                "Associate professor studying occupational lung disease in coal miners.",
                [_pub("Coal workers' pneumoconiosis and cumulative dust exposure in Kuzbass "
                      "miners",
                      "In a cohort of 900 miners, the risk of pneumoconiosis rose with "
                      "cumulative exposure to respirable coal dust.", 2022),
                 _pub("Lung function decline in underground coal miners",
                      "Spirometry over ten years showed faster decline in face workers.",
                      2019)]),
        _person("s-ru-digital", "Roman Tsifrov", "ru-kuzstu", "mid", ["digital"],
                ["digital twin", "predictive maintenance", "computer vision"],
                "Associate professor building digital twins of mining equipment.",
                [_pub("Digital twin of a longwall conveyor for predictive maintenance",
                      "Vibration data and a physical model predicted conveyor failures a week "
                      "in advance.", 2023),
                 _pub("Computer vision for coal quality on conveyor belts",
                      "A neural network estimated ash content from camera images.", 2021)]),
        _person("s-ru-food", "Elena Molokova", "ru-kemsu", "mid", ["food"],
                ["functional foods", "probiotics", "dairy products"],
                "Associate professor developing functional dairy products.",
                [_pub("Probiotic lactic acid bacteria isolated from koumiss",
                      "Twelve strains survived simulated digestion and were selected as "
                      "starter cultures.", 2020),
                 _pub("Shelf life of chilled meat products under modified atmosphere",
                      "Modified atmosphere packaging extended shelf life by six days.", 2022)]),
        _person("s-ru-edu", "Maria Shkolnikova", "ru-kemsu", "early", ["education"],
                ["education quality", "learning gaps", "assessment"],
                "Assistant professor studying learning gaps in schools.",
                [_pub("Learning gaps in mathematics after school closures",
                      "Students lost about a third of a school year in mathematics.", 2022),
                 _pub("Localising an instrument for primary school teachers' practices",
                      "The instrument kept measurement invariance across three languages.",
                      2023)]),
        _person("s-ru-water", "Sergei Vodyanov", "ru-kemsu", "mid", ["water"],
                ["water resources", "mine water", "drought"],
                "Associate professor working on water resources of mining regions.",
                [_pub("Reuse of treated mine water in water-scarce mining districts",
                      "Treated mine water could cover a quarter of industrial water demand.",
                      2021),
                 _pub("Drought risk in steppe catchments under climate change",
                      "Drought frequency is projected to double by mid-century.", 2023)]),
        # --- Russia: soil remediation, one of them publishing only in Russian ----------------
        _person("s-ru-ruonly", "Natalia Pochvina", "ru-ksaa", "mid", ["reclamation"],
                ["ремедиация почв", "тяжёлые металлы", "биоуголь", "рекультивация"],
                "Доцент. Основные направления исследований: ремедиация почв, загрязнённых "
                "тяжёлыми металлами, и рекультивация нарушенных земель.",
                [_pub("Ремедиация почв, загрязнённых тяжёлыми металлами, с помощью биоугля",
                      "В полевом опыте внесение биоугля снизило подвижность цинка и свинца в "
                      "почвах вблизи угольного разреза.", 2021),
                 _pub("Фиторемедиация техногенно загрязнённых почв Кузбасса",
                      "Изучено накопление тяжёлых металлов растениями-фиторемедиантами на "
                      "загрязнённых участках.", 2019),
                 _pub("Восстановление плодородия почв на рекультивируемых отвалах угольных "
                      "разрезов",
                      "Оценено содержание гумуса и элементов питания в молодых техноземах на "
                      "отвалах разного возраста.", 2017)],
                languages=["ru"]),
        _person("s-ru-reclaim", "Andrei Otvalov", "ru-kuzstu", "mid", ["reclamation"],
                ["mine-land reclamation", "overburden dumps", "soil remediation"],
                "Associate professor working on the reclamation of land disturbed by coal "
                "mining.",
                [_joint(technosols, "s-de-collab"),
                 _pub("Natural revegetation of overburden dumps at open-pit coal mines",
                      "Vegetation cover on dumps older than 20 years approached that of "
                      "undisturbed sites.", 2020),
                 _pub("Remediation of soils contaminated by heavy metals near coal mines",
                      "Biochar and lime reduced zinc and lead mobility in contaminated soils.",
                      2023)],
                collaborators=["s-de-collab"]),
        # --- Russia: metallurgy (for the Belarus call) ---------------------------------------
        _person("s-ru-metal", "Viktor Stalev", "ru-sibsiu", "senior", ["metallurgy"],
                ["wear-resistant coatings", "surfacing", "powder metallurgy"],
                "Professor at Siberian State Industrial University working on wear-resistant "
                "materials for mining machinery.",
                [_pub("Wear-resistant surfacing of mining machine parts",
                      "Surfaced excavator teeth lasted twice as long as untreated ones.", 2022),
                 _pub("Powder metallurgy of iron-based composites for wear parts",
                      "Iron-based composites with carbides reached high abrasion resistance.",
                      2019)],
                collaborators=["s-ru-metal-junior"], capacity=2),
        _person("s-ru-metal-junior", "Yulia Litova", "ru-sibsiu", "early", ["metallurgy"],
                ["slag recycling", "protective coatings", "metallurgy"],
                "Junior researcher working on metallurgical waste and coatings.",
                [_pub("Recycling blast-furnace slag into binders",
                      "Slag-based binders reached 45 MPa compressive strength.", 2023),
                 _pub("Plasma-sprayed protective coatings for mining equipment",
                      "Coatings reduced the wear rate of chute liners.", 2024)],
                collaborators=["s-ru-metal"]),
        # --- China -------------------------------------------------------------------------
        _person("s-cn-agreement", "Wang Lei", "cn-cumt", "mid", ["mine_safety"],
                ["coal mine methane", "methane drainage", "outburst prevention"],
                "Associate professor at China University of Mining and Technology working on "
                "methane drainage and outburst prevention.",
                [_pub("Directional long boreholes in deep low-permeability coal seams of the "
                      "Huainan coalfield",
                      "Long boreholes drilled along the seam raised the gas flow from deep "
                      "low-permeability seams.", 2021),
                 _pub("Mechanics of coal and gas outbursts in soft coal seams",
                      "Laboratory tests relate outburst intensity to gas pressure and coal "
                      "strength.", 2023)],
                languages=["zh", "en"]),
        _person("s-cn-zh", "Zhao Min", "cn-cumt", "senior", ["mine_safety"],
                ["瓦斯抽采", "煤与瓦斯突出", "矿井安全"],
                "教授，主要从事煤矿瓦斯抽采与突出防治研究。",
                [_pub("煤矿瓦斯抽采钻孔布置与抽采效果评价",
                      "通过现场实测与数值模拟,分析了煤矿瓦斯抽采钻孔间距和抽采负压对抽采效果"
                      "的影响,钻孔间距缩小后瓦斯抽采量提高约30%.", 2020),
                 _pub("煤矿采煤工作面瓦斯涌出量预测",
                      "基于煤矿安全监控数据建立了采煤工作面瓦斯涌出量预测模型,平均相对误差"
                      "小于8%.", 2022)],
                languages=["zh"]),
        _person("s-cn-partner", "Li Jing", "cn-hit", "mid", ["mine_safety", "digital"],
                ["methane monitoring", "machine learning", "coal mine safety"],
                "Associate professor at Harbin Institute of Technology applying machine "
                "learning to methane monitoring in coal mines.",
                [_pub("Machine-learning forecasting of methane concentration from underground "
                      "sensor data",
                      "A recurrent network predicted methane exceedances at the longwall 30 "
                      "minutes ahead.", 2022),
                 _pub("Gas monitoring networks for coal mine safety",
                      "A wireless sensor network for methane and carbon monoxide in "
                      "underground roadways.", 2020)],
                languages=["zh", "en"]),
        _person("s-cn-office-only", "Chen Hao", "cn-tsinghua", "senior", ["mine_safety"],
                ["ventilation air methane", "methane emissions", "coal mine methane"],
                "Professor at Tsinghua University working on methane emissions from coal "
                "mines.",
                [_pub("Ventilation air methane oxidation for power generation",
                      "Regenerative thermal oxidisers burned dilute methane from mine exhaust "
                      "air above 0.3 percent and produced power.", 2021),
                 _pub("Greenhouse gas inventories of the Chinese energy sector",
                      "Emission factors by fuel, basin and year.", 2019)],
                languages=["zh", "en"]),
        _person("s-cn-carbon", "Sun Yan", "cn-cumt", "early", ["coal_chem"],
                ["porous carbon", "supercapacitors", "coal-derived carbon"],
                "Lecturer working on carbon materials from coal.",
                [_pub("Porous carbon from coal for supercapacitor electrodes",
                      "Coal-derived porous carbon reached 250 F/g.", 2023),
                 _pub("Coal-based graphene-like materials", "", 2024)],
                languages=["zh", "en"]),
        _person("s-cn-metal", "Guo Qiang", "cn-hit", "mid", ["metallurgy"],
                ["direct reduction", "hydrogen metallurgy", "iron ore"],
                "Associate professor working on hydrogen metallurgy.",
                [_pub("Hydrogen-based direct reduction of iron ore pellets",
                      "Reduction at 900 °C reached 95 percent metallisation.", 2022),
                 _pub("Wear-resistant coatings by laser cladding",
                      "Laser-clad coatings improved wear resistance.", 2024)],
                languages=["zh", "en"]),
        # --- Kazakhstan ----------------------------------------------------------------------
        _person("s-kz-reclaim", "Askar Abenov", "kz-kstu", "mid", ["reclamation"],
                ["mine-land reclamation", "heavy metal contamination", "coal mine dumps"],
                "Associate professor at Karaganda State Technical University working on the "
                "reclamation of coal mine dumps.",
                [_pub("Reclamation of coal mine dumps in the Karaganda basin",
                      "Assisted revegetation on dumps restored plant cover within ten years.",
                      2022),
                 _pub("Heavy metals in soils around Karaganda coal mines",
                      "Zinc and lead exceeded background levels within two kilometres of the "
                      "mines.", 2020)],
                languages=["kk", "ru", "en"]),
        _person("s-kz-soil", "Aigerim Seitkali", "kz-enu", "early", ["reclamation"],
                ["phytoremediation", "soil remediation", "saline soils"],
                "Assistant professor at L.N. Gumilyov Eurasian National University working on "
                "the remediation of contaminated and saline soils.",
                [_pub("Phytoremediation of saline and contaminated soils in Central "
                      "Kazakhstan",
                      "Halophytes removed salts and cadmium from contaminated soils.", 2023),
                 _pub("Ремедиация засолённых почв Центрального Казахстана",
                      "Оценена эффективность гипсования и промывок засолённых почв.", 2021)],
                languages=["kk", "ru", "en"]),
        _person("s-kz-water", "Daniyar Omarov", "kz-kaznu", "senior", ["water"],
                ["groundwater", "irrigation efficiency", "drought"],
                "Professor at Al-Farabi Kazakh National University studying water resources "
                "of arid basins.",
                [_pub("Groundwater depletion in the Ili river basin",
                      "Groundwater levels fell by half a metre a year under irrigation.", 2021),
                 _pub("Irrigation efficiency under drought in southern Kazakhstan",
                      "Drip irrigation saved a third of irrigation water.", 2023)],
                languages=["kk", "ru", "en"]),
        _person("s-kz-edu", "Dana Mukanova", "kz-enu", "early", ["education"],
                ["education quality", "teacher development"],
                "Assistant professor studying teacher professional development.",
                [_pub("Professional development of rural teachers in Kazakhstan",
                      "Teacher training improved pupils' results in mathematics.", 2022),
                 _pub("Formative assessment in secondary schools", "", 2024)],
                languages=["kk", "ru", "en"]),
        # --- Belarus (reachable only when off-kuzbass-by opens) -----------------------------
        _person("s-by-metal", "Siarhei Kavalenka", "by-bntu", "senior", ["metallurgy"],
                ["wear-resistant coatings", "powder metallurgy", "surfacing"],
                "Professor at Belarusian National Technical University working on "
                "wear-resistant materials and powder metallurgy.",
                [_joint(coatings, "s-by-metal2"),
                 _pub("Powder metallurgy of wear-resistant iron-based composites",
                      "Sintered composites with titanium carbide resisted abrasive wear.",
                      2020),
                 _pub("Износостойкие покрытия для деталей горных машин",
                      "Исследованы структура и износостойкость наплавленных покрытий.", 2018)],
                languages=["be", "ru", "en"], collaborators=["s-by-metal2"]),
        _person("s-by-metal2", "Volha Navitskaya", "by-bntu", "early", ["metallurgy"],
                ["plasma spraying", "coatings", "wear"],
                "Junior researcher at Belarusian National Technical University working on "
                "plasma-sprayed coatings.",
                [_joint(coatings, "s-by-metal"),
                 _pub("Microstructure of plasma-sprayed nickel coatings", "", 2024)],
                languages=["be", "ru", "en"], collaborators=["s-by-metal"]),
        _person("s-by-edu", "Hanna Zhuk", "by-bsu", "mid", ["education"],
                ["reading literacy", "education quality"],
                "Associate professor studying reading literacy.",
                [_pub("Reading literacy in Belarusian schools",
                      "A national assessment of reading literacy in grade four.", 2022)],
                languages=["be", "ru", "en"]),
        # --- Germany: one known through joint work, one not at all -------------------------
        _person("s-de-collab", "Katrin Weber", "de-tubaf", "mid", ["reclamation"],
                ["post-mining landscapes", "technosols", "reclamation"],
                "Researcher at TU Bergakademie Freiberg working on post-mining landscapes.",
                [_joint(technosols, "s-ru-reclaim"),
                 _pub("Post-mining landscape planning in Lusatia",
                      "Scenarios for lakes, forests and farmland on former lignite mines.",
                      2019)],
                languages=["de", "en"], collaborators=["s-ru-reclaim"]),
        _person("s-de-none", "Thomas Richter", "de-tubaf", "senior", ["mine_safety"],
                ["abandoned mine methane", "hard coal mining"],
                "Professor at TU Bergakademie Freiberg working on abandoned coal mines.",
                [_pub("Abandoned mine methane in the Ruhr: emissions and utilisation",
                      "Methane from closed hard coal mines is captured for combined heat and "
                      "power.", 2016)],
                languages=["de", "en"]),
    ]
    profiles.append(
        {"id": "s-org-fccc", "name": "Federal Research Center of Coal and Coal Chemistry SB RAS",
         "kind": "organization", "country": "RU", "institution": "ru-fccc",
         "languages": ["ru", "en"], "keywords": ["coal chemistry", "hydrogen from methane"],
         "summary": "Research centre working on coal chemistry and low-carbon coal conversion.",
         "publications": [_pub("Hydrogen and carbon nanomaterials from coal mine methane",
                               "Catalytic decomposition of drained mine methane into "
                               "hydrogen and carbon.", 2023)],
         "capacity": 2, "topics": ["coal_chem", "hydrogen"]}
    )
    calls: list[dict[str, Any]] = [
        {"id": "c-methane", "title": "RSF-NSFC joint call: coal mine methane drainage and gas "
         "control", "funder": "Russian Science Foundation and National Natural Science "
         "Foundation of China", "deadline": "2027-03-15",
         "description": "Russian-Chinese projects on methane drainage, gas emission forecasting "
         "and outburst prevention in underground coal mines, led from Russia.",
         "keywords": ["coal mine methane", "methane drainage", "gas emission forecasting"],
         "rules": {"min_team_size": 2, "max_team_size": 4,
                   "required_countries": {"RU": 1, "CN": 1}, "eligible_countries": ["RU", "CN"],
                   "lead_countries": ["RU"], "max_per_institution": 2},
         "topics": ["mine_safety"]},
        {"id": "c-remediation", "title": "Russia-Kazakhstan call: remediation of soils and land "
         "disturbed by coal mining", "funder": "Ministry of Science and Higher Education of "
         "the Russian Federation", "deadline": "2027-04-30",
         "description": "Joint projects on the reclamation of mine dumps and the remediation of "
         "soils contaminated with heavy metals in the Kuzbass and Karaganda coal basins.",
         "keywords": ["soil remediation", "heavy metals", "mine-land reclamation"],
         "rules": {"min_team_size": 2, "max_team_size": 4,
                   "required_countries": {"RU": 1, "KZ": 1}, "eligible_countries": ["RU", "KZ"],
                   "lead_countries": ["RU"], "max_per_institution": 2},
         "topics": ["reclamation"]},
        {"id": "c-by-materials", "title": "RSF-BRFFR joint call: wear-resistant materials for "
         "mining machinery", "funder": "Russian Science Foundation and Belarusian Republican "
         "Foundation for Fundamental Research", "deadline": "2027-10-15",
         "description": "Russian-Belarusian projects on wear-resistant coatings, surfacing and "
         "powder metallurgy for mining machinery.",
         "keywords": ["wear-resistant coatings", "powder metallurgy", "surfacing"],
         "rules": {"min_team_size": 2, "max_team_size": 4,
                   "required_countries": {"RU": 1, "BY": 1}, "eligible_countries": ["RU", "BY"],
                   "lead_countries": ["RU"], "max_per_institution": 2},
         "topics": ["metallurgy"]},
    ]
    world = World(
        institutions=[Institution(**record) for record in institutions],
        offices=[Office(**record) for record in offices],
        profiles=[Profile(**record) for record in profiles],
        calls=[Call(**record) for record in calls],
    )
    check_world(world, FIXTURE_WHAT_IF)
    return world
# fmt: on


# =============================================================================================
# Command line
# =============================================================================================


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2026)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="demo dataset folder")
    parser.add_argument(
        "--fixture-out", type=Path, default=DEFAULT_FIXTURE_OUT, help="small test fixture folder"
    )
    parser.add_argument("--skip-fixture", action="store_true", help="write the demo only")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)

    world = generate(args.seed)
    written = write_world(world, args.out)
    readme = args.out / "README.md"
    readme.write_text(describe(world, args.seed), encoding="utf-8", newline="\n")
    written.append(readme)
    if not args.skip_fixture:
        written += write_world(small_fixture(), args.fixture_out)
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
        print(
            f"{len(world.profiles)} profiles, {len(world.calls)} calls, "
            f"{len(world.institutions)} institutions, {len(world.offices)} offices"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
