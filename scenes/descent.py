"""The chapter-2 lecture, "Gradient descent, how neural networks learn", from the real network.

    manim -pqh scenes/descent.py        # the whole lecture (this file holds exactly one scene)

Each part lives in a topic module as a standalone scene too; here they are only sequenced, with a
section per part so the lecture also exports as clips (``--save_sections``).
"""
from manim import FadeOut, Group, Scene

from scenes.weights import EvolvingWeights, video_run


class GradientDescentLecture(Scene):
    """Chapter 2, part by part; every number on screen comes from gdcore's 'video' run."""

    def construct(self):
        run = video_run()
        self.parts = [EvolvingWeights(run)]
        for i, part in enumerate(self.parts):
            if i:
                self.play(FadeOut(Group(*self.mobjects)))
            self.next_section(part.name)
            part.play(self)
