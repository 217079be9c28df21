"""The chapter-2 lecture as a slide deck (manim-slides): one slide per part, presented step by step.

    make slides        # renders, then writes gallery/slides/chapter2.html (one offline file) and .pdf
    .venv/bin/manim-slides render -ql scenes/slides.py GradientDescentSlides
    .venv/bin/manim-slides GradientDescentSlides             # present (needs a screen)

``GDVIZ_PARTS`` picks parts by number (see the README's table), e.g. ``GDVIZ_PARTS=1-3,8``.
"""
from manim_slides import ThreeDSlide

from scenes import settings

from scenes.camera import StableCameraScene, StableThreeDCamera
from scenes.chapters import chapter_two, play_parts, select

# Checked at import, before any run is loaded or trained: a bad setting ends with one line.
PARTS = settings.or_exit(select, chapter_two(settings.or_exit(settings.seed)))


class GradientDescentSlides(StableCameraScene, ThreeDSlide):
    """Chapter 2 with a slide break before every part after the first."""

    CAMERA = StableThreeDCamera

    def construct(self):
        play_parts(self, PARTS, self.begin_part)

    def begin_part(self, number, part):
        if number > 1:
            self.next_slide()
