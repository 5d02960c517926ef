"""Hostile text made inert for display: bidirectional controls cannot reorder what a reader sees.

Resource names, tags and API messages are attacker-controlled. A right-to-left override
(U+202E) in a bucket name makes ``gpj.exe`` read as ``exe.jpg``; HTML escaping does not stop
that. ``inert`` shows every bidirectional control as its code point instead, so the text reads
in its stored order and the trick stays visible.
"""

import re

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """``text`` with each bidirectional control replaced by a visible ``[U+XXXX]``."""
    return BIDI_CONTROLS.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)
