"""The two fixed vocabularies a tag or register value is read against: classifications and PETs.

Classification: a tag value is compacted (lower case, spaces, dots, hyphens and underscores
removed) and looked up in SPELLINGS, the one table of the usual Dutch spellings; anything else is
unrecognised and the resource's classification is 'unknown' (never the register's default).
'Dep. V.' (departementaal vertrouwelijk) is read as tbb1, the lowest TBB level, a conservative
choice: re-tag such data with its TBB level when it differs.

PET (privacy-enhancing technology, Rijksbreed 2026 section 4.6): one of PETS, after the same
compaction and the synonyms in PET_SPELLINGS. The list follows the EDPB Recommendations 01/2020
on supplementary measures (use cases 1, 2 and 5: encryption with keys held by the organisation,
pseudonymisation, split or multi-party processing) and the technique families of the OECD report
"Emerging privacy-enhancing technologies" (2023). 'none', 'geen', 'unknown' and any other value
are not a PET. A customer-managed key inside the provider's own key service is not a PET by itself:
the provider still holds it (external key management is).
"""

import re

from inventory.vocabulary import CLASSIFICATIONS

SEPARATORS = re.compile(r"[\s._\-]+")
SPELLINGS: dict[str, str] = {
    **{SEPARATORS.sub("", c): c for c in CLASSIFICATIONS},
    "stgconfidentieel": "staatsgeheim", "stggeheim": "staatsgeheim", "stgzeergeheim": "staatsgeheim",
    "staatsgeheimconfidentieel": "staatsgeheim", "staatsgeheimgeheim": "staatsgeheim",
    "staatsgeheimzeergeheim": "staatsgeheim",
    "tbbniveau1": "tbb1", "tbbniveau2": "tbb2", "tbbniveau3": "tbb3",
    "depv": "tbb1", "departementaalvertrouwelijk": "tbb1",
    "bpg": "bijzondere-persoonsgegevens",
}
PETS = ("pseudonymisation", "anonymisation", "client-side-encryption", "external-key-management",
        "confidential-computing", "secure-multi-party-computation", "homomorphic-encryption",
        "differential-privacy", "synthetic-data")
PET_SPELLINGS: dict[str, str] = {
    **{SEPARATORS.sub("", p): p for p in PETS},
    "pseudonymization": "pseudonymisation", "pseudonimisering": "pseudonymisation",
    "anonymization": "anonymisation", "anonimisering": "anonymisation",
    "hyok": "external-key-management", "ekm": "external-key-management",
    "mpc": "secure-multi-party-computation",
}


def compact(value: object) -> str:
    return SEPARATORS.sub("", str(value).strip().lower())


def classification(value: object) -> str | None:
    """The vocabulary word for a tag value, or None when it is not one of the usual spellings."""
    return SPELLINGS.get(compact(value))


def pet(value: object) -> str | None:
    """The PET a value names, or None ('none', 'geen', unknown values)."""
    return PET_SPELLINGS.get(compact(value))
