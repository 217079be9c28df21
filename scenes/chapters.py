"""The lectures as lists of parts, and how a lecture plays them: shared by the videos
(scenes/descent.py, scenes/backprop.py) and the slide decks (scenes/slides.py)."""
from __future__ import annotations

from manim import FadeOut, Group

from gdcore import analysis, load_mnist
from scenes import settings
from scenes.accuracy import ConfidentNonsense, ScoreOnTestSet
from scenes.bowl import DescentInTwoDimensions
from scenes.cost import NetworkAndCost, NetworkRecap, OneExampleCost
from scenes.dreams import WhatItThinks
from scenes.landscape import DescentInOneDimension
from scenes.memorise import TrueAgainstShuffled, memorise_runs
from scenes.nudges import LearningCurve, NudgeVector
from scenes.stumble import RealStumble, stumble_runs
from scenes.weights import EvolvingWeights, OtherFirstLayers, UntouchedPixels, other_networks, video_run


def chapter_two(seed: int = 0) -> list:
    """The parts of "Gradient descent, how neural networks learn", in lecture order, each as a
    function that builds it (from the 'video' run unless it says otherwise), so that a lecture
    builds only the parts it plays. ``seed`` seeds the noise images of the last part."""
    def first_three():
        return analysis.first_with_label(load_mnist().train_labels, 3)

    return [
        lambda: NetworkRecap(video_run()), lambda: OneExampleCost(video_run(), first_three()),
        lambda: NetworkAndCost(video_run()), lambda: DescentInOneDimension(video_run()),
        lambda: DescentInTwoDimensions(), lambda: NudgeVector(video_run()), lambda: LearningCurve(video_run()),
        lambda: RealStumble(*stumble_runs(), contrast=False),
        lambda: EvolvingWeights(video_run()), lambda: UntouchedPixels(video_run()),
        lambda: ScoreOnTestSet(video_run()), lambda: ConfidentNonsense(video_run(), seed=seed),
        lambda: WhatItThinks(video_run()), lambda: TrueAgainstShuffled(*memorise_runs()),
        lambda: OtherFirstLayers(other_networks()),
    ]


def chapter_three(run=None) -> list:
    """The parts of "Backpropagation, intuitively", in lecture order, each as a function that builds
    it from ``run`` (default: the 'video' run) and its running example (scenes/example.py: the first
    training 2 the network still gets wrong early in training)."""
    from scenes.averaging import FromOneExampleToTheGradient
    from scenes.backprop_code import TheCode
    from scenes.backwards import AddingUpWishes
    from scenes.chain_rule import ChainRuleInSymbols
    from scenes.example import early_example
    from scenes.sensitivity import GradientEntryMeaning
    from scenes.sgd_recap import MiniBatchSteps
    from scenes.wishlist import OneExampleWishes, ThreeWays

    def example():
        return early_example(run if run is not None else video_run())

    return [
        lambda: GradientEntryMeaning(example()), lambda: OneExampleWishes(example()),
        lambda: ThreeWays(example()), lambda: AddingUpWishes(example()),
        lambda: FromOneExampleToTheGradient(example()),
        lambda: MiniBatchSteps(run if run is not None else video_run(), RealStumble(*stumble_runs(), contrast=False)),
        lambda: TheCode(example=example()), lambda: ChainRuleInSymbols(example()),
    ]


def play_parts(scene, numbered_parts, begin_part) -> None:
    """Build and play (number, build) pairs on ``scene`` one after the other, fading out between
    parts; ``begin_part(number, part)`` is called before each (a video starts a section there, a
    slide deck a new slide), and before the fade: so a section or slide ends on its part's last
    frame, the one a presenter pauses on, not on black."""
    for i, (number, build) in enumerate(numbered_parts):
        part = build()
        begin_part(number, part)
        if i:
            scene.play(FadeOut(Group(*scene.mobjects)))
        part.play(scene)


def select(parts: list, spec: str | None = None) -> list:
    """(number, part) pairs for the parts numbered in ``spec`` ("1-3,8"; numbered from 1 as in the
    README; default: the ``parts`` setting, $GDVIZ_PARTS); all of them if it is empty. A bad spec
    raises settings.SettingError."""
    return [(n, parts[n - 1]) for n in settings.parts(len(parts), spec)]
