"""scenes/visuals/typography.py: glyphs that forget their SVG path keep manim's points."""
from __future__ import annotations

import numpy as np
from manim import MathTex, Text
from manim.mobject.svg import svg_mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from scenes.visuals import typography


def test_glyphs_forget_their_svg_path_and_keep_manims_points(monkeypatch):
    makers = (lambda: typography.text("g 0.53, Δw", typography.SMALL_SIZE),
              lambda: Text("1080p", font_size=typography.BODY_SIZE),
              lambda: MathTex(r"\frac{\partial C}{\partial w}"))
    ours = [make() for make in makers]
    glyphs = [g for mobject in ours for g in mobject.family_members_with_points()]
    paths = [g for g in glyphs if isinstance(g, VMobjectFromSVGPath)]     # (a fraction bar is a rectangle)
    assert len(paths) > 15 and len(paths) >= len(glyphs) - 1
    assert all(g.path_obj is None for g in paths)
    copies = [mobject.copy() for mobject in ours]

    monkeypatch.setattr(VMobjectFromSVGPath, "generate_points", typography._generate_points)   # manim's own
    monkeypatch.setattr(svg_mobject, "SVG_HASH_TO_MOB_MAP", {})          # parsed anew, not copied from ours
    for make, mine, copy in zip(makers, ours, copies):
        theirs = make()
        assert all(g.path_obj is not None for g in theirs.family_members_with_points()
                   if isinstance(g, VMobjectFromSVGPath))
        expected = [m.points for m in theirs.family_members_with_points()]
        for got in (mine, copy):
            points = [m.points for m in got.family_members_with_points()]
            assert len(points) == len(expected)
            assert all(np.array_equal(a, b) for a, b in zip(points, expected))
