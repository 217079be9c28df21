"""The chapter-2 lecture, "Gradient descent, how neural networks learn", from the real network.

    manim -pqh scenes/descent.py        # the whole lecture (this file holds exactly one scene)
    manim -qh --save_sections scenes/descent.py   # also one clip per part, in media/videos/.../sections

Each part lives in a topic module as a standalone scene too; here they are only sequenced
(scenes/chapters.py), with a section per part named for a teacher. ``GDVIZ_PARTS=1-3,8`` renders
only those parts (numbered as in the README).
"""
from scenes import settings
from scenes.camera import GdvizThreeDScene
from scenes.chapters import chapter_two, play_parts, select

# Checked at import, before any run is loaded or trained: a bad setting ends manim with one line.
LECTURE = chapter_two(settings.or_exit(settings.seed))
PARTS = settings.or_exit(select, LECTURE)
FRAGMENT = settings.or_exit(settings.fragment)  # rendered by scenes/build.py
settings.or_exit(settings.lecture_run_config)   # the network: a bad preset or file stops here


class GradientDescentLecture(GdvizThreeDScene):
    """Chapter 2, part by part; every number on screen comes from gdcore's 'video' run.

    A ThreeDScene so the 2-D descent part can tilt the camera; 2-D parts run at the default view.
    """

    def construct(self):
        play_parts(self, PARTS, self.begin_part, lecture_length=len(LECTURE) if FRAGMENT else None)

    def begin_part(self, number, part):
        self.next_section(f"{number:02d} {part.name}")
