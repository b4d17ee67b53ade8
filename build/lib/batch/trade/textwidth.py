"""Display width of Korean text: Hangul counts 2, everything else 1 (the marketplaces' rule)."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def width(text: str) -> int:
    return len(text) + len(HANGUL.findall(text))
