"""Every standalone scene of the project: the parts of the chapter-2 lecture in lecture order
(so that their numbers, 01-15, are the lecture's part numbers), then further scenes, then the
chapter-3 parts in lecture order (``chapter=3``, numbered 1-8 within it), then the lectures.
``label`` names their exported files by chapter and number (``2-01-Recap``, ``3-04-GoingBackwards``). The export commands, the benchmarks and the tests iterate over it. Add a row when you
add a scene."""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    module: str        # scenes/<module>.py
    scene: str         # the Scene class
    title: str         # what a teacher sees in tables and file names
    lecture: bool = False  # a whole lecture (rendered with --save_sections), not a part
    chapter: int = 2       # which lecture the scene belongs to (the extra SGD scenes: 2)

    @property
    def path(self) -> str:
        return f"scenes/{self.module}.py"

    def load(self):
        """The Scene class itself."""
        return getattr(importlib.import_module(f"scenes.{self.module}"), self.scene)


CATALOG = [
    Entry("cost", "Recap", "Recap: the network reading a digit"),
    Entry("cost", "CostOfOneExample", "The cost of one example"),
    Entry("cost", "TwoFunctions", "Two functions: the network and its cost"),
    Entry("landscape", "OneDimensionalDescent", "Gradient descent in 1-D"),
    Entry("bowl", "TwoDimensionalDescent", "Gradient descent in 2-D"),
    Entry("nudges", "GradientAsNudges", "The gradient as nudges"),
    Entry("nudges", "Learning", "Learning: the cost falling"),
    Entry("stumble", "RealNetworkStumble", "The real network: the drunk man and the careful one"),
    Entry("weights", "HiddenWeights", "What the first layer learns"),
    Entry("weights", "BlankPixels", "Why the weights look random"),
    Entry("accuracy", "HowWellItDoes", "How well it does"),
    Entry("accuracy", "NoiseImages", "Confident nonsense"),
    Entry("dreams", "WhatItThinksADigitIs", "What the network thinks a digit looks like"),
    Entry("memorise", "ShuffledLabels", "True labels against shuffled labels"),
    Entry("weights", "OtherNetworks", "What other networks learn"),
    Entry("exact_sgd", "ExactTwoParameterSGD", "An exact picture: full batch versus mini-batches"),
    Entry("minibatches", "MiniBatches", "Splitting the data into mini-batches"),
    Entry("momentum", "Momentum", "Momentum: a heavy ball keeps rolling"),
    Entry("blowup", "TooLargeLearningRate", "A learning rate that is far too large"),
    Entry("sensitivity", "WhatAGradientEntryMeans", "What a gradient entry means", chapter=3),
    Entry("wishlist", "WishList", "One example's wish list", chapter=3),
    Entry("wishlist", "ThreeWaysToRaiseAnOutput", "Three ways to raise one output", chapter=3),
    Entry("backwards", "GoingBackwards", "Adding up the wishes, going backwards", chapter=3),
    Entry("averaging", "AveragingWishes", "From one example to the gradient", chapter=3),
    Entry("sgd_recap", "MiniBatchesAgain", "Mini-batches: quick, rough steps", chapter=3),
    Entry("backprop_code", "BackpropCode", "The code that computed all of this", chapter=3),
    Entry("chain_rule", "ChainRule", "The same in symbols", chapter=3),
    Entry("descent", "GradientDescentLecture", "Chapter 2: gradient descent (the whole lecture)", lecture=True),
    Entry("backprop", "BackpropagationLecture", "Chapter 3: backpropagation, intuitively (the whole lecture)",
          lecture=True, chapter=3),
]


def label(entry: Entry) -> str:
    """The name of ``entry``'s exported files: its chapter, then its number in its lecture (or 'extra'
    for a scene the lecture does not play, 'lecture' for a whole lecture), then its name:
    ``2-01-Recap``, ``2-extra-MiniBatches``, ``3-04-GoingBackwards``, ``3-lecture-BackpropagationLecture``.
    Sorted by name, a folder of exports is in lecture order."""
    from scenes.build import part_classes       # the lecture's parts, read from scenes/chapters.py

    if entry.lecture:
        return f"{entry.chapter}-lecture-{entry.scene}"
    number = [e.scene for e in parts() if e.chapter == entry.chapter].index(entry.scene) + 1
    played = number <= len(part_classes(entry.chapter))
    return f"{entry.chapter}-{f'{number:02d}' if played else 'extra'}-{entry.scene}"


def parts() -> list[Entry]:
    """The standalone parts (not the lectures)."""
    return [e for e in CATALOG if not e.lecture]


def find(scene: str) -> Entry:
    for e in CATALOG:
        if e.scene == scene:
            return e
    raise KeyError(f"no scene {scene!r}; known: {', '.join(e.scene for e in CATALOG)}")
