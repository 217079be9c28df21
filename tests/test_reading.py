"""The reading-time measure (tests/reading.py) and the scenes' own hold (scenes/reading.py). Every
part is measured in tests/test_layout.py, in the same play as its layout check."""
import pytest
from manim import Scene

from reading import ReadingTimed
from scene_data import play_skipped
from scenes.camera import GdvizScene
from scenes.visuals import caption, recaption

def play_timed(scene_class):
    return play_skipped(scene_class, ReadingTimed)


class Hurried(Scene):
    """A plain manim Scene (gdviz scenes hold their texts: scenes/reading.py)."""

    def construct(self):
        note = caption("Three words here.")
        self.add(note)
        self.wait(2)                                                  # fine: 2 s for 3 words
        note = recaption(self, note, "A caption of twelve words that leaves the screen far too soon.", 0.2)
        self.wait(1)                                                  # 1 s for 12 words: too short
        recaption(self, note, "Gone.", 0.2)
        self.wait(2)


def test_the_check_catches_a_caption_that_leaves_too_soon():
    problems = play_timed(Hurried).too_short()
    assert len(problems) == 1 and "12 words" in problems[0]


class HurriedGdviz(GdvizScene):
    construct = Hurried.construct


def test_gdviz_scenes_hold_a_caption_until_it_can_be_read():
    scene = play_timed(HurriedGdviz)
    assert not scene.too_short()
    assert scene.renderer.time == pytest.approx(2 + 0.2 + 4.0 + 0.2 + 2, abs=0.01)   # held 3 s more
