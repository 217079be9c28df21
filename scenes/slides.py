"""The lectures as slide decks (manim-slides): one slide per part, presented step by step.

    make slides        # renders, then writes gallery/slides/chapter2.html and chapter3.html (one
                       # offline file each) and their .pdf handouts
    .venv/bin/manim-slides render -ql scenes/slides.py GradientDescentSlides BackpropagationSlides
    .venv/bin/manim-slides GradientDescentSlides             # present (needs a screen)

``GDVIZ_PARTS`` picks parts by number (see the README's tables), e.g. ``GDVIZ_PARTS=1-3``. Each
slide ends on its part's last frame; the fade to the next part opens the next slide.
"""
from manim_slides import ThreeDSlide

from scenes import settings
from scenes.camera import StableCameraScene, StableThreeDCamera
from scenes.reading import ReadingPace
from scenes.chapters import chapter_three, chapter_two, play_parts, select


class LectureSlides(ReadingPace, StableCameraScene, ThreeDSlide):
    """A lecture with a slide break before every part after the first."""

    CAMERA = StableThreeDCamera

    def lecture(self) -> list:
        raise NotImplementedError

    def construct(self):
        # A bad setting ends with one line (checked here, not at import: the parts are per lecture).
        play_parts(self, settings.or_exit(select, self.lecture()), self.begin_part, self.end_part)

    def begin_part(self, number, part):
        pass

    def end_part(self, number, part):      # the fade to the next part opens the next slide
        self.next_slide()


class GradientDescentSlides(LectureSlides):
    """Chapter 2, one slide per part."""

    def lecture(self):
        return chapter_two(settings.or_exit(settings.seed))


class BackpropagationSlides(LectureSlides):
    """Chapter 3, one slide per part."""

    def lecture(self):
        return chapter_three()
