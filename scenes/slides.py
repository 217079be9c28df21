"""The chapter-2 lecture as a slide deck (manim-slides): one slide per part, presented step by step.

    make slides        # renders, then writes gallery/slides/chapter2.html (one offline file) and .pdf
    .venv/bin/manim-slides render -ql scenes/slides.py GradientDescentSlides
    .venv/bin/manim-slides GradientDescentSlides             # present (needs a screen)

``GDVIZ_PARTS`` picks parts by number (see the README's table), e.g. ``GDVIZ_PARTS=1-3,8``.
"""
import os

from manim_slides import ThreeDSlide

from scenes.chapters import chapter_two, play_parts, select
from scenes.weights import video_run


class GradientDescentSlides(ThreeDSlide):
    """Chapter 2 with a slide break before every part after the first."""

    def construct(self):
        parts = select(chapter_two(video_run()), os.environ.get("GDVIZ_PARTS", ""))
        play_parts(self, parts, self.begin_part)

    def begin_part(self, number, part):
        if number > 1:
            self.next_slide()
