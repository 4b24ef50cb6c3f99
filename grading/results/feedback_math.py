"""The notebook's math in a feedback page, as MathML: browsers render it natively, with no network.

nbconvert's HTML page leaves ``$...$`` to MathJax, loaded from a CDN: offline (an exam room, a student
reading the page later on a train) the student sees raw LaTeX. Each ``$...$`` and ``$$...$$`` of a
markdown cell becomes a ``<math>`` element when the page is written; code spans and fenced blocks are
left alone, and LaTeX the converter cannot read stays as it was.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)  # fenced blocks and code spans: no math inside
MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)(?<!\\)\$", re.S)


def _mathml(match: re.Match) -> str:
    display = match.group("display") is not None
    tex = match.group("display") if display else match.group("inline")
    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises several types; keep what it cannot read
        return html.escape(match.group(0))


def markdown_math_to_mathml(source: str) -> str:
    """``source`` (a markdown cell) with its math as MathML elements."""
    parts = CODE.split(source)
    return "".join(part if i % 2 else MATH.sub(_mathml, part) for i, part in enumerate(parts))
