"""Hostile text stays inert: bidirectional controls cannot reorder what a reader sees."""

import unicodedata

import pytest

from reports.text import BIDI_CONTROLS, inert

# every character Unicode classes as a bidirectional embedding, override, isolate or mark
BIDI_CLASSES = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
BIDI_MARKS = {"\u200e", "\u200f", "\u061c"}


def test_a_right_to_left_override_is_shown_not_obeyed():
    assert inert("factuur-\u202egpj.exe") == "factuur-[U+202E]gpj.exe"


def test_every_bidi_control_is_caught():
    controls = {chr(c) for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in BIDI_CLASSES} | BIDI_MARKS
    assert {c for c in controls if BIDI_CONTROLS.fullmatch(c)} == controls
    for control in controls:
        assert inert(f"a{control}b") == f"a[U+{ord(control):04X}]b"


@pytest.mark.parametrize("text", ["Ministerie van Binnenwateren", "وزارة", "משרד", "bucket <script>", "Caf\u00e9 \u2014 \u200d"])
def test_other_text_is_unchanged(text):
    assert inert(text) == text
