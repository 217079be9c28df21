"""The lectures as lists of parts, and how a lecture plays them: shared by the videos
(scenes/descent.py, scenes/backprop.py) and the slide decks (scenes/slides.py)."""
from __future__ import annotations

import json
from pathlib import Path

from manim import config

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
from scenes.visuals import fade_to_background
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


def lecture_runs(chapter: int) -> list:
    """Loaders of the runs the parts of lecture ``chapter`` are made from (each trained once if missing):
    scenes/build.py calls them before it renders the parts, so training is a phase of its own."""
    loaders = [video_run, stumble_runs]
    return loaders + [memorise_runs, other_networks] if chapter == 2 else loaders


def play_parts(scene, numbered_parts, begin_part, end_part=None, lecture_length: int | None = None) -> None:
    """Build and play (number, build) pairs on ``scene`` one after the other, each followed by a
    fade to black if another part follows. ``begin_part(number, part)`` is called before each part
    plays (a video starts a section there); ``end_part(number, part)`` before its fade (a slide deck
    starts the next slide there, so that a slide ends on its part's last frame, not on black).

    With ``lecture_length`` (a fragment of the lecture, rendered on its own by scenes/build.py) a
    part fades out unless it is the lecture's last, so fragments joined end to end are the lecture,
    and the gdcore cache files the fragment was made from are listed in manim's media dir
    (scenes/build.py re-renders a kept part when one of them has changed).
    """
    numbered_parts = list(numbered_parts)
    for i, (number, build) in enumerate(numbered_parts):
        part = build()
        begin_part(number, part)
        part.play(scene)
        last = number == lecture_length if lecture_length else i == len(numbered_parts) - 1
        if not last:
            if end_part is not None:
                end_part(number, part)
            fade_to_background(scene)
    if lecture_length:
        from scenes.build import READS

        note_reads(Path(config.media_dir) / READS)


def note_reads(path: Path) -> None:
    """Write the names of the gdcore cache files this process read or made, as JSON, to ``path``."""
    from gdcore.cache import used_entries

    path.write_text(json.dumps([entry.name for entry in used_entries()]))


def select(parts: list, spec: str | None = None) -> list:
    """(number, part) pairs for the parts numbered in ``spec`` ("1-3,8"; numbered from 1 as in the
    README; default: the ``parts`` setting, $GDVIZ_PARTS); all of them if it is empty. A bad spec
    raises settings.SettingError."""
    return [(n, parts[n - 1]) for n in settings.parts(len(parts), spec)]
