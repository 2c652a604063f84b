"""One identity per institution and person.

The same university is "КемГУ", "Kemerovo State University" and "KemSU"; the same researcher
is "Petrov, I." and "Иван Петров". This package resolves them:

* :mod:`.transliterate`: Cyrillic to Latin (Russian, Kazakh, Mongolian rules) and back;
* :mod:`.normalise`: comparable forms of names; :mod:`.vocabulary`: institution words
  across languages; :mod:`.legal_forms`: "LLC", "GmbH", "ООО", "ФГБОУ ВО";
* :mod:`.acronyms`: acronyms from names in both scripts;
* :mod:`.similarity`: how alike two institution names are;
* :mod:`.reference`: reference lists (the bundled world-universities list, a dataset's
  institutions, a ROR dump); :mod:`.institutions`: :class:`InstitutionResolver`;
* :mod:`.person_names`: parsing and comparing person names; :mod:`.people`:
  :class:`PersonResolver` (ORCID, name, institution, co-authors);
* :mod:`.pipeline`: :func:`resolve_identities` over the engine's records, and
  :mod:`.report`: what it merged and what it left for review.

>>> from matcher.identity import InstitutionResolver, bundled_universities
>>> resolver = InstitutionResolver().fit(bundled_universities())
>>> resolver.resolve_one("КемГУ", "RU").reference_name
'Kemerovo State University'
"""

from matcher.identity.institutions import InstitutionMatch, InstitutionResolver
from matcher.identity.normalise import InstitutionKey, institution_key, simple_form
from matcher.identity.people import (
    PersonMatch,
    PersonRecord,
    PersonResolver,
    normalise_orcid,
)
from matcher.identity.person_names import PersonName, name_evidence, parse_person_name
from matcher.identity.pipeline import remap_offices, resolve_identities
from matcher.identity.reference import (
    ReferenceInstitution,
    bundled_universities,
    from_institutions,
    load_ror,
)
from matcher.identity.report import IdentityReport, Merge, ReviewItem
from matcher.identity.transliterate import to_cyrillic, to_latin

__all__ = [
    "IdentityReport",
    "InstitutionKey",
    "InstitutionMatch",
    "InstitutionResolver",
    "Merge",
    "PersonMatch",
    "PersonName",
    "PersonRecord",
    "PersonResolver",
    "ReferenceInstitution",
    "ReviewItem",
    "bundled_universities",
    "from_institutions",
    "institution_key",
    "load_ror",
    "name_evidence",
    "normalise_orcid",
    "parse_person_name",
    "remap_offices",
    "resolve_identities",
    "simple_form",
    "to_cyrillic",
    "to_latin",
]
