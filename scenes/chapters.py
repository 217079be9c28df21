"""The lectures as lists of parts, and how a lecture plays them: shared by the video
(scenes/descent.py) and the slide deck (scenes/slides.py)."""
from __future__ import annotations

from manim import FadeOut, Group

from gdcore import analysis, load_mnist
from scenes.accuracy import ConfidentNonsense, ScoreOnTestSet
from scenes.cost import NetworkAndCost, NetworkRecap, OneExampleCost
from scenes.landscape import DescentInOneDimension, DescentInTwoDimensions
from scenes.nudges import LearningCurve, NudgeVector
from scenes.sgd import RealStumble, stumble_runs
from scenes.visuals import noise_seed
from scenes.weights import EvolvingWeights, UntouchedPixels


def chapter_two(run) -> list:
    """The parts of "Gradient descent, how neural networks learn", in lecture order."""
    a_three = analysis.first_with_label(load_mnist().train_labels, 3)
    return [
        NetworkRecap(run), OneExampleCost(run, a_three), NetworkAndCost(run),
        DescentInOneDimension(run), DescentInTwoDimensions(), NudgeVector(run), LearningCurve(run),
        RealStumble(*stumble_runs(), contrast=False),
        EvolvingWeights(run), UntouchedPixels(run), ScoreOnTestSet(run),
        ConfidentNonsense(run, seed=noise_seed()),
    ]


def play_parts(scene, numbered_parts, begin_part) -> None:
    """Play (number, part) pairs on ``scene``, fading out between parts; ``begin_part(number, part)``
    is called before each (a video starts a section there, a slide deck a new slide)."""
    for i, (number, part) in enumerate(numbered_parts):
        if i:
            scene.play(FadeOut(Group(*scene.mobjects)))
        begin_part(number, part)
        part.play(scene)


def select(parts: list, spec: str = "") -> list:
    """(number, part) pairs for the parts numbered in ``spec`` ("1-3,8"; numbered from 1 as in the
    README); all of them if ``spec`` is empty. $GDVIZ_PARTS passes a spec to the lectures."""
    if not spec.strip():
        return list(enumerate(parts, start=1))
    chosen = []
    for item in spec.split(","):
        lo, _, hi = item.strip().partition("-")
        try:
            first, last = int(lo), int(hi or lo)
        except ValueError:
            raise ValueError(f"bad part list {spec!r}: use numbers and ranges like 1-3,8") from None
        if not 1 <= first <= last <= len(parts):
            raise ValueError(f"bad part list {spec!r}: parts are numbered 1 to {len(parts)}")
        chosen += [(n, parts[n - 1]) for n in range(first, last + 1)]
    return chosen
