"""The chapter-2 lecture, "Gradient descent, how neural networks learn", from the real network.

    manim -pqh scenes/descent.py        # the whole lecture (this file holds exactly one scene)
    manim -qh --save_sections scenes/descent.py   # also one clip per part, in media/videos/.../sections

Each part lives in a topic module as a standalone scene too; here they are only sequenced, with a
section per part (named for a teacher), fading out between parts.
"""
from manim import FadeOut, Group, ThreeDScene

from gdcore import analysis, load_mnist
from scenes.accuracy import ConfidentNonsense, ScoreOnTestSet
from scenes.cost import NetworkAndCost, NetworkRecap, OneExampleCost
from scenes.landscape import DescentInOneDimension, DescentInTwoDimensions
from scenes.nudges import LearningCurve, NudgeVector
from scenes.weights import EvolvingWeights, UntouchedPixels, video_run


class GradientDescentLecture(ThreeDScene):
    """Chapter 2, part by part; every number on screen comes from gdcore's 'video' run.

    A ThreeDScene so the 2-D descent part can tilt the camera; 2-D parts run at the default view.
    """

    def construct(self):
        run = video_run()
        a_three = analysis.first_with_label(load_mnist().train_labels, 3)
        self.parts = [
            NetworkRecap(run), OneExampleCost(run, a_three), NetworkAndCost(run),
            DescentInOneDimension(run), DescentInTwoDimensions(), NudgeVector(run), LearningCurve(run),
            EvolvingWeights(run), UntouchedPixels(run), ScoreOnTestSet(run), ConfidentNonsense(run),
        ]
        for i, part in enumerate(self.parts):
            if i:
                self.play(FadeOut(Group(*self.mobjects)))
            self.next_section(f"{i + 1:02d} {part.name}")
            part.play(self)
