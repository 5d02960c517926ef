"""Build table: the build an on-premises Exchange or SharePoint server announces -> product, version, end of support.

Sources: Microsoft's "Exchange Server build numbers and release dates" and "SharePoint Server
build numbers" pages, and the Microsoft lifecycle pages for end-of-support dates.

| product | builds | end of support |
|---|---|---|
| Exchange Server 2013 | 15.0.x | 2023-04-11 |
| Exchange Server 2016 | 15.1.x | 2025-10-14 |
| Exchange Server 2019 | 15.2.x below 15.2.2562.17 (CU15 = 15.2.1748.10) | 2025-10-14 |
| Exchange Server Subscription Edition | 15.2.2562.17 (SE RTM) and later | none announced (Modern Lifecycle) |
| SharePoint Server 2013 | 15.0.x | 2023-04-11 |
| SharePoint Server 2016 | 16.0.4xxx | 2026-07-14 |
| SharePoint Server 2019 | 16.0.10xxx | 2026-07-14 |
| SharePoint Server Subscription Edition | 16.0.14326 (RTM, 16.0.14326.20450) and later | none announced (Modern Lifecycle) |

SharePoint's ``MicrosoftSharePointTeamServices`` header reads ``16.0.0.<build>``: the third part
is always 0, so the build is the fourth part.
"""

import re
from datetime import date
from typing import NamedTuple


class Product(NamedTuple):
    product: str
    version: str
    end_of_support: date | None


EXCHANGE_SE_RTM = (15, 2, 2562, 17)
SHAREPOINT_SE_RTM = 14326


def parse(text: str | None) -> tuple[int, ...] | None:
    """'15.2.2562.17' -> (15, 2, 2562, 17); None when it is not a dotted number."""
    match = re.search(r"\d+(\.\d+){1,3}", text or "")
    return tuple(int(p) for p in match.group(0).split(".")) if match else None


def exchange(build: tuple[int, ...]) -> Product | None:
    major, minor = build[0], build[1] if len(build) > 1 else -1
    if major == 15 and minor == 0:
        return Product("Exchange Server", "2013", date(2023, 4, 11))
    if major == 15 and minor == 1:
        return Product("Exchange Server", "2016", date(2025, 10, 14))
    if major == 15 and minor == 2:
        padded = build + (0,) * (4 - len(build))
        if padded >= EXCHANGE_SE_RTM:
            return Product("Exchange Server", "Subscription Edition", None)
        return Product("Exchange Server", "2019", date(2025, 10, 14))
    return None


def sharepoint(build: tuple[int, ...]) -> Product | None:
    if build[0] == 15:
        return Product("SharePoint Server", "2013", date(2023, 4, 11))
    if build[0] != 16:
        return None
    number = build[3] if len(build) == 4 and build[2] == 0 else (build[2] if len(build) > 2 else None)
    if number is None:
        return None
    if number >= SHAREPOINT_SE_RTM:
        return Product("SharePoint Server", "Subscription Edition", None)
    if 10000 <= number < SHAREPOINT_SE_RTM:
        return Product("SharePoint Server", "2019", date(2026, 7, 14))
    if 4000 <= number < 5000:
        return Product("SharePoint Server", "2016", date(2026, 7, 14))
    return None


def identify(kind: str, header: str | None) -> tuple[str | None, Product | None]:
    """(normalised build, product) for kind 'exchange' or 'sharepoint'; product None when unknown."""
    build = parse(header)
    if build is None:
        return None, None
    return ".".join(map(str, build)), (exchange if kind == "exchange" else sharepoint)(build)
