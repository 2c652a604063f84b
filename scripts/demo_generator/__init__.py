"""The generator of grantmatch's bundled demo dataset and of the small test fixture.

The demo world: the regional research and education centre "REC Kuzbass" (six universities
and two research centres of the Kemerovo region) looks for foreign partners to staff grant
calls. It reaches them through its representative offices in China and Mongolia (open) and
Belarus (in negotiation), through the offices of Rossotrudnichestvo in Central Asia and the
Caucasus, through cooperation agreements signed at rectors' forums, and through past joint work.

The tables of the world (institutions, agreements, offices, names, topic vocabularies, text
templates, Chinese papers, organisations, calls, the small fixture) are the JSON files of
``scripts/demo_world/``, described in its README; this package holds only the logic.
Institutions are real (names and web domains mostly from the Hipo world-universities list);
the people, their publications, contacts, agreements, offices' partner lists and the calls are
invented for the demo. Some Chinese publication texts are real paper abstracts from the CSL
benchmark (Apache-2.0, see ``demo_world/chinese_papers.json``).

Everything is drawn from ``random.Random(seed)``: the same seed gives byte-identical files.
Every record is validated by constructing the pydantic models of :mod:`matcher.model`, is
written through ``model_dump(mode="json", exclude_none=True)``, and the written files are
loaded back with :func:`matcher.load_dataset` (which owns the reference rules) before they
replace the old ones.

Modules, in the order the data flows:

- :mod:`.tables`: the JSON tables of ``scripts/demo_world/``, loaded once.
- :mod:`.texts`: publication titles and abstracts from the templates and topic vocabularies.
- :mod:`.people`: researchers, their languages, joint work and publications.
- :mod:`.world`: :func:`~.world.generate`, the records of the demo world.
- :mod:`.checks`: every call can be staffed through the routes the demo promises.
- :mod:`.dataset`: the four record lists, written once :func:`matcher.load_dataset` accepts them.
- :mod:`.readme`: the dataset's generated README.
- :mod:`.fixture`: the small hand-written test fixture.
- :mod:`.cli`: the command line (``python scripts/generate_demo_data.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# The package lives outside the installed ones: make ``matcher`` importable when it is run
# from a checkout that has not been installed.
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
