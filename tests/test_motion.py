"""How the lectures move, counted in the source of scenes/ the way issue 12 counts it: every call of a
manim animation class (``FadeIn(...)``, ``Write(...)``, ...), every ``.animate`` chain, and every call
of a shared motion helper (``arrive``, ``cascade``, ... from scenes/visuals/motion.py). Fade-ins may
be at most a third of them: a derived value arrives from its sources, text is written, a diagram is
drawn, and only what has no better entrance (a picture, a panel of readouts) fades in.

    .venv/bin/python -m tests.test_motion      # prints the counts
"""
from __future__ import annotations

import ast
import collections
from pathlib import Path

import manim

SCENES = Path(__file__).resolve().parents[1] / "scenes"
MOTION = SCENES / "visuals" / "motion.py"
ANIMATIONS = {name for name in dir(manim)
              if isinstance(getattr(manim, name), type) and issubclass(getattr(manim, name), manim.Animation)}


def motion_helpers() -> set[str]:
    """The public functions of scenes/visuals/motion.py that return an animation (not the ones that play)."""
    tree = ast.parse(MOTION.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
            and not any(isinstance(a, ast.arg) and a.arg == "scene" for a in node.args.args)}


def called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "animate":
        return ".animate"
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def animation_calls(root: Path = SCENES) -> collections.Counter:
    """Counts of animation calls in every .py file under ``root``, by name."""
    names = ANIMATIONS | motion_helpers() | {".animate"}
    counts = collections.Counter()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and called_name(node) in names:
                counts[called_name(node)] += 1
    return counts


def test_the_counter_counts_what_it_should(tmp_path):
    (tmp_path / "a.py").write_text("scene.play(FadeIn(a), Write(b), arrive([c], d), a.animate.shift(UP))\n"
                                   "FadeIn = print\nnot_an_animation(x)\n")
    assert animation_calls(tmp_path) == {"FadeIn": 1, "Write": 1, "arrive": 1, ".animate": 1}


def test_fade_ins_are_at_most_a_third_of_the_animations():
    counts = animation_calls()
    total = sum(counts.values())
    assert total > 300, f"only {total} animation calls found: is the counter still finding them?"
    assert counts["FadeIn"] <= total / 3, (f"{counts['FadeIn']} of {total} animation calls are FadeIn "
                                           f"({counts['FadeIn'] / total:.0%}): {counts.most_common(8)}")


if __name__ == "__main__":
    counts = animation_calls()
    total = sum(counts.values())
    print(f"{total} animation calls; FadeIn {counts['FadeIn']} ({counts['FadeIn'] / total:.0%})")
    for name, n in counts.most_common():
        print(f"  {n:4d}  {name}")
