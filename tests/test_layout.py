"""The layout check over every part in the catalog (the lectures' parts and the extra scenes), and
proof that it catches a broken layout. A lecture is its parts played one after another with a fade
to black between them, so checking every part checks the lectures."""
import pytest
from manim import DOWN, UP, Rectangle, tempconfig

from layout import LayoutChecked, check_layout, layout_report
from reading import ReadingTimed
from scene_data import TINY, play_skipped
from gdcore import load_mnist
from scenes.camera import GdvizScene
from scenes.catalog import parts
from scenes.visuals import SMALL_SIZE, TINY_SIZE, DigitImage, NetworkDiagram, caption, may_overlap, text



def play_checked(scene_class):
    """Play ``scene_class`` (animations skipped to their end) with the layout checked at every step
    and every text's time on screen measured (tests/reading.py)."""
    return play_skipped(scene_class, LayoutChecked, ReadingTimed)


@pytest.mark.parametrize("entry", parts(), ids=[e.scene for e in parts()])
def test_layout_holds_and_every_text_can_be_read(entry):
    """One play of each part for both checks (a play is the slow part)."""
    scene = play_checked(entry.load())
    assert scene.layout_steps > 3
    assert not scene.layout_log, f"{entry.scene}, {scene.layout_steps} steps:\n{layout_report(scene)}"
    assert scene.reading_first, "no text recorded"
    too_short = scene.too_short()
    assert not too_short, f"{entry.scene}: texts that left before they could be read:\n" + "\n".join(too_short)


# --- the check fails on a deliberately broken layout -----------------------------------------------
class Broken(GdvizScene):
    """One of each mistake, then the same things laid out well."""

    def construct(self):
        self.add(caption("A caption at the bottom of the frame."))
        self.wait(0.1)                                                     # fine
        self.add(text("a label pushed onto the caption", SMALL_SIZE).to_edge(DOWN, buff=0.3))
        self.wait(0.1)                                                     # overlap
        self.clear()
        self.add(text("off the edge", SMALL_SIZE).move_to([7.0, 0, 0]))
        self.wait(0.1)                                                     # off-frame
        self.clear()
        self.add(text("shrunk", TINY_SIZE).scale(0.75))
        self.wait(0.1)                                                     # too small
        self.clear()
        digit = DigitImage(load_mnist().train_images[0], height=2)
        self.add(digit, text("covered", SMALL_SIZE).move_to(digit))
        self.wait(0.1)                                                     # an image covers text
        self.clear()
        net = NetworkDiagram([4, 3, 2], height=3)
        self.add(net, text("under the edges", TINY_SIZE).move_to(net))
        self.wait(0.1)                                                     # a diagram covers text
        self.clear()
        bar = Rectangle(width=2, height=0.5)
        label = text("on its image", TINY_SIZE)
        digit = DigitImage(load_mnist().train_images[0], height=1).move_to(UP * 2)
        may_overlap(label.move_to(digit), digit, reason="label drawn on its image")
        self.add(bar, digit, label)
        self.wait(0.1)                                                     # fine: a named exception


def test_the_check_catches_each_broken_layout():
    scene = play_checked(Broken)
    steps = dict(scene.layout_log)
    assert set(steps) == {"step 2", "step 3", "step 4", "step 5", "step 6"}, layout_report(scene)
    assert "overlaps" in steps["step 2"][0] and "caption" in steps["step 2"][0]
    assert "sticks out of the frame" in steps["step 3"][0]
    assert "too small: font size 13.5" in steps["step 4"][0]
    assert "PixelImage covers Text 'covered'" in steps["step 5"][0]
    assert "NetworkDiagram covers" in steps["step 6"][0]


def test_an_exception_only_covers_what_it_names():
    with tempconfig(TINY):
        scene = GdvizScene()
        a = may_overlap(text("first", SMALL_SIZE), reason="stacked on purpose")
        b = may_overlap(text("second", SMALL_SIZE), reason="stacked on purpose")
        c = text("third", SMALL_SIZE)
        scene.add(a, b)
        assert check_layout(scene) == []
        scene.add(c)
        assert len(check_layout(scene)) == 2          # the third overlaps both


def test_long_captions_wrap_instead_of_shrinking():
    with tempconfig(TINY):
        long = caption("A caption far too long for one line of the frame, which a teacher would still like to "
                       "read at the size of every other caption.")
        assert len(long) == 2 and all(line.font_size == pytest.approx(SMALL_SIZE) for line in long)
        with pytest.raises(ValueError, match="say less"):
            caption("words " * 80)


def test_code_and_paragraphs_are_checked_too():
    from manim import Code, Paragraph
    with tempconfig(TINY):
        scene = GdvizScene()
        code = Code(code_string="def cost(a, y):\n    return ((a - y) ** 2).sum()", language="python")
        scene.add(code, text("over the code", SMALL_SIZE).move_to(code))
        assert any("overlaps" in p for p in check_layout(scene))
        scene.clear()
        scene.add(Paragraph("two lines", "of small print", font_size=18).scale(0.6))
        assert any("too small" in p for p in check_layout(scene))
