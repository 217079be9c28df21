"""The lectures as slide decks (manim-slides): one slide per part, presented step by step.

    make slides        # renders, then writes gallery/slides/chapter2.html and chapter3.html (one
                       # offline file each) and their .pdf handouts
    .venv/bin/manim-slides render -ql scenes/slides.py GradientDescentSlides BackpropagationSlides
    .venv/bin/manim-slides GradientDescentSlides             # present (needs a screen)

``GDVIZ_PARTS`` picks parts by number (see the README's tables), e.g. ``GDVIZ_PARTS=1-3``. Each
slide ends on its part's last frame; the fade to the next part opens the next slide.
"""
from manim._config.utils import ManimConfig

# manim-slides 5.7.0 (the newest) sets three config keys that manim 0.22 removed or narrowed; on 0.22
# give them back as no-ops so that its Slide renders (nothing changes on 0.21).
if not hasattr(ManimConfig, "write_to_movie"):       # manim >= 0.22: the output format decides
    ManimConfig.write_to_movie = property(lambda self: True, lambda self, value: None)
    if not hasattr(ManimConfig, "flush_cache"):      # 0.22: `manim cache clear` instead
        ManimConfig.flush_cache = property(lambda self: False, lambda self, value: None)
    _max_files_cached = ManimConfig.max_files_cached  # 0.22: -1, not inf, means unlimited
    ManimConfig.max_files_cached = _max_files_cached.setter(
        lambda self, value: _max_files_cached.fset(self, -1 if value == float("inf") else value))

from manim_slides import ThreeDSlide  # noqa: E402

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
