"""The chapter-3 lecture, "Backpropagation, intuitively", from the real network.

    manim -pqh scenes/backprop.py        # the whole lecture (this file holds exactly one scene)
    manim -qh --save_sections scenes/backprop.py   # also one clip per part, in media/videos/.../sections

Each part lives in a topic module as a standalone scene too; here they are only sequenced
(scenes/chapters.py), with a section per part named for a teacher. ``GDVIZ_PARTS=2-4`` renders
only those parts (numbered as in the README's chapter-3 table).
"""
from scenes import settings
from scenes.camera import GdvizScene
from scenes.chapters import chapter_three, play_parts, select

# Checked at import, before any run is loaded or trained: a bad setting ends manim with one line.
LECTURE = chapter_three()
PARTS = settings.or_exit(select, LECTURE)
FRAGMENT = settings.or_exit(settings.fragment)  # rendered by scenes/build.py
settings.or_exit(settings.lecture_run_config)   # the network: a bad preset or file stops here


class BackpropagationLecture(GdvizScene):
    """Chapter 3, part by part; every number on screen comes from gdcore's 'video' run and its
    backpropagation of one real training image."""

    def construct(self):
        play_parts(self, PARTS, self.begin_part, lecture_length=len(LECTURE) if FRAGMENT else None)

    def begin_part(self, number, part):
        self.next_section(f"{number:02d} {part.name}")
