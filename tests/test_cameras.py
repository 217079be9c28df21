"""scenes/camera.py's and scenes/redraw.py's shortcuts draw exactly what manim's own cameras draw."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest
from manim import (DEGREES, UP, Circle, Create, Dot, FadeIn, ImageMobject, Line, Square, Text, ThreeDCamera,
                   VGroup, tempconfig)

from scenes import redraw
from scenes.camera import GdvizScene, GdvizThreeDScene, StableThreeDCamera

SMALL = {"pixel_width": 320, "pixel_height": 180, "frame_rate": 15, "disable_caching": True,
         "verbosity": "ERROR", "progress_bar": "none"}


@pytest.mark.parametrize("zoom, centre", [(1, (0, 0, 0)), (1.7, (0.3, -1.25, 0))])
def test_a_flat_view_projects_as_manims_three_d_camera(zoom, centre):
    rng = np.random.default_rng(3)
    camera = StableThreeDCamera(zoom=zoom, frame_center=np.array(centre, float))
    flat = Square().shift([0.2, 1.1, 0]).set_points(rng.normal(size=(40, 3)) * [3, 2, 0])
    raised = Circle().shift([0, 0, 0.5])
    glyph = Text("g").shift([0, 0, 1e-17])                       # a rotated SVG's rounding
    for angles in ({}, {"phi": 60 * DEGREES, "theta": -30 * DEGREES}):
        camera.set_phi(angles.get("phi", 0))
        camera.set_theta(angles.get("theta", -90 * DEGREES))
        camera.reset_rotation_matrix()
        for mobject in (flat, raised, *glyph.family_members_with_points()):
            ours = camera.transform_points_pre_display(mobject, mobject.points)
            manims = ThreeDCamera.transform_points_pre_display(camera, mobject, mobject.points)
            assert np.array_equal(ours, manims)
    assert camera._flat_view[1] is False                  # the last view was rotated


def overlapping_scene(base):
    """A play whose first mobject has an updater (so manim redraws everything after it), with still
    mobjects in front of it, beside it, and under a moving one, then new ones arriving."""
    class Overlapping(base):
        def construct(self):
            image = ImageMobject(np.uint8(np.arange(64).reshape(8, 8) * 4)).scale_to_fit_height(1.5).shift(3 * UP)
            ticking = Dot(color="#ff0000").add_updater(lambda m, dt: m.shift([0.4 * dt, 0, 0]))
            label = Text("still", font_size=30).shift([-3, -1, 0])
            under = Square(1.2, fill_opacity=0.6).shift([2, -1, 0])
            cover = Square(0.5, fill_opacity=0.5, color="#0000ff").shift([0.3, 0, 0])   # over the ticking dot
            self.add(ticking, image, label, under, cover, Line([-4, 2, 0], [4, 2, 0], stroke_width=12))
            mover = Circle(0.5, color="#00ff00").shift([-2, -1, 0])
            self.play(mover.animate.shift([4, 0, 0]), run_time=1)
            self.play(FadeIn(VGroup(Text("new", font_size=24).shift([0, -3, 0]))), Create(Circle(0.3)), run_time=0.6)
    return Overlapping


def written_frames(scene_class, tmp_path, monkeypatch) -> list[tuple[str, int]]:
    """The SHA-1 of every frame ``scene_class`` sends to its video, with how many times it is sent."""
    from manim.scene.scene_file_writer import SceneFileWriter

    from scenes.encoding import QuickFileWriter

    frames = []
    original = SceneFileWriter.write_frame
    monkeypatch.setattr(QuickFileWriter, "write_frame", lambda self, frame, num_frames=1: (
        frames.append((hashlib.sha1(np.ascontiguousarray(frame).tobytes()).hexdigest(), num_frames)),
        original(self, frame, num_frames))[1])
    with tempconfig({**SMALL, "media_dir": str(tmp_path)}):
        scene_class().render()
    return frames


@pytest.mark.parametrize("base", [GdvizScene, GdvizThreeDScene], ids=["2-D", "lecture (3-D camera)"])
def test_drawing_unchanged_mobjects_once_draws_the_same_frames(base, tmp_path, monkeypatch):
    """scenes/redraw.py: every frame is manim's, and fewer mobjects were drawn."""
    from manim.camera.camera import Camera

    drawn = []
    original = Camera.display_vectorized
    monkeypatch.setattr(Camera, "display_vectorized", lambda self, m, ctx: (drawn.append(1), original(self, m, ctx))[1])
    frames, counts = [], []
    for less in (True, False):
        monkeypatch.setattr(redraw, "REDRAW_LESS", less)
        drawn.clear()
        frames.append(written_frames(overlapping_scene(base), tmp_path / str(less), monkeypatch))
        counts.append(len(drawn))
    assert len(frames[0]) > 20 and frames[0] == frames[1]
    assert len(set(frames[0])) > 15                          # the frames do change
    assert counts[0] < 0.8 * counts[1], counts


def captured_frames(scene_class, tmp_path, monkeypatch, **settings) -> list[np.ndarray]:
    """Every frame ``scene_class`` sends to its video (one per frame of a wait)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    frames = []
    original = SceneFileWriter.write_frame
    monkeypatch.setattr(SceneFileWriter, "write_frame", lambda self, frame, num_frames=1: (
        frames.extend([np.array(frame)] * num_frames), original(self, frame, num_frames))[1])
    with tempconfig({**SMALL, "media_dir": str(tmp_path), **settings}):
        scene_class().render()
    return frames


@pytest.mark.parametrize("base, tilt", [(GdvizScene, 0), (GdvizThreeDScene, 0), (GdvizThreeDScene, 70)],
                         ids=["2-D", "lecture", "lecture, tilted camera"])
def test_a_fade_to_the_background_dims_the_last_frame_as_one_picture(base, tilt, tmp_path, monkeypatch):
    """scenes/visuals/motion.py's fade_to_background: after the caption's reading time, every frame
    of the fade is the last frame, dimmed by the same factor everywhere, and then the screen is empty."""
    from scenes.visuals import caption, fade_to_background

    class Fading(base):
        def construct(self):
            if tilt:
                self.set_camera_orientation(phi=tilt * DEGREES)
            self.add(Square(2, fill_opacity=0.7, color="#3080ff"), Circle(1.2, fill_opacity=0.5, color="#ff8000"))
            self.add(caption("seven words to read before it goes"))
            self.wait(0.2)
            fade_to_background(self, run_time=1)

    frames = captured_frames(Fading, tmp_path, monkeypatch)
    fps, reading = 15, 7 / 3
    still, fade = frames[:-fps], frames[-fps:]
    assert len(still) >= round(reading * fps) - 1                  # the caption was held until read
    last = still[-1].astype(float)
    assert last[..., :3].max() > 200
    kept = [frame[..., :3].sum() / last[..., :3].sum() for frame in fade]       # how much of it is left
    assert all(a > b for a, b in zip(kept, kept[1:])) and kept[0] > 0.9, kept
    errors = [np.abs(frame[..., :3] - last[..., :3] * k).max() for frame, k in zip(fade, kept)]
    assert max(errors) <= 2.5, errors                              # the same factor on every pixel
    assert kept[-1] < 0.05


def test_axes_shaded_once_have_manims_sheen_as_they_move():
    """scenes/bowl.py's shade_axes_once: the same gradient ends as ThreeDAxes' own, also after a move."""
    from manim import ThreeDAxes

    from scenes.bowl import shade_axes_once

    def axes():
        return ThreeDAxes(x_range=[-1.5, 1.5, 1], y_range=[-1.5, 1.5, 1], z_range=[0, 4, 1], tips=False)

    manims, ours = axes(), shade_axes_once(axes())
    for step in range(3):
        pairs = list(zip(manims.family_members_with_points(), ours.family_members_with_points()))
        assert len(pairs) > 50
        for theirs, mine in pairs:
            assert all(np.array_equal(a, b) for a, b in zip(theirs.get_gradient_start_and_end_points(),
                                                            mine.get_gradient_start_and_end_points()))
        for a in (manims, ours):
            a.shift([0.3, -0.2, 0.1]).rotate(0.4 * step)


def flashing_scene(base, round_caps_first: bool):
    """Plays whose curves are drawn piece by piece (ShowPassingFlash, Create, Write), so that most
    frames hold curves shrunk to one point; optionally after a round-capped line has left round caps
    in the Cairo context (manim sets a cap style only for a mobject that has one of its own)."""
    from manim import CapStyleType, ShowPassingFlash, Write

    class Flashing(base):
        def construct(self):
            if round_caps_first:
                self.play(Create(Line([-5, 3, 0], [5, 3, 0], stroke_width=30, cap_style=CapStyleType.ROUND)),
                          run_time=0.2)
                self.clear()
            lines = VGroup(*(Line([-4, y, 0], [4, 0.5 * y, 0], stroke_width=14, color="#ffcc00")
                             for y in np.linspace(-2.5, 2.5, 12)))
            self.add(Square(6, fill_opacity=0.3, color="#3080ff"))
            self.play(ShowPassingFlash(lines.copy(), time_width=0.2), run_time=1, rate_func=lambda t: t)
            self.play(Write(Text("written", font_size=40).shift(2 * UP)), Create(lines), run_time=0.8)
    return Flashing


@pytest.mark.parametrize("round_caps_first", [False, True], ids=["butt caps", "round caps left in the context"])
def test_curves_shrunk_to_a_point_are_skipped_only_where_they_draw_nothing(round_caps_first, tmp_path, monkeypatch):
    """scenes/redraw.py's _draws_nothing: skipping curves not yet drawn keeps every frame manim's, and
    with round caps left in the Cairo context (where such a curve is a dot) nothing is skipped."""
    from manim.camera.camera import Camera

    drawn = []
    original = Camera.display_vectorized
    monkeypatch.setattr(Camera, "display_vectorized", lambda self, m, ctx: (drawn.append(1), original(self, m, ctx))[1])
    scene = flashing_scene(GdvizScene, round_caps_first)
    draws_nothing, runs = redraw._draws_nothing, {}
    for name, less, skip in (("manim", False, True), ("cached", True, False), ("skipping", True, True)):
        monkeypatch.setattr(redraw, "REDRAW_LESS", less)
        monkeypatch.setattr(redraw, "_draws_nothing", draws_nothing if skip else (lambda m: False))
        drawn.clear()
        runs[name] = (written_frames(scene, tmp_path / name, monkeypatch), len(drawn))
    frames = runs["manim"][0]
    assert len(set(frames)) > 20
    assert runs["cached"][0] == frames and runs["skipping"][0] == frames
    if round_caps_first:
        assert runs["skipping"][1] == runs["cached"][1]            # nothing skipped: a point is a dot
        monkeypatch.setattr(redraw, "REDRAW_LESS", True)
        monkeypatch.setattr(redraw.RedrawLess, "_butt_caps", lambda self: True)
        assert written_frames(scene, tmp_path / "wrong", monkeypatch) != frames   # the dots are missing
    else:
        assert runs["skipping"][1] < 0.8 * runs["cached"][1], (runs["skipping"][1], runs["cached"][1])


def test_mobjects_still_again_are_drawn_once_again(tmp_path, monkeypatch):
    """scenes/redraw.py's waiting list: lines created one after another (each changes, then stays
    still), some crossed by a moving circle for a while, come back into the cached frame: the same
    frames as manim's, fewer draws than if a change or an overlap banned them for the whole play."""
    from manim.camera.camera import Camera

    class OneByOne(GdvizScene):
        def construct(self):
            self.add(Dot(color="#ff0000").add_updater(lambda m, dt: m.shift([0.2 * dt, 0, 0])).shift(3 * UP))
            lines = VGroup(*(Line([-5, y, 0], [5, y + 0.3, 0], stroke_width=6) for y in np.linspace(-2.5, 2, 24)))
            crossing = Circle(0.4, color="#00ff00").shift([-6, -2, 0])
            self.add(crossing)
            self.play(Create(lines, lag_ratio=1), crossing.animate.shift([0, 5, 0]), run_time=3, rate_func=lambda t: t)

    drawn = []
    original = Camera.display_vectorized
    monkeypatch.setattr(Camera, "display_vectorized", lambda self, m, ctx: (drawn.append(1), original(self, m, ctx))[1])
    runs = {}
    for name, less, returns in (("manim", False, 2), ("banned for the play", True, 0), ("coming back", True, 2)):
        monkeypatch.setattr(redraw, "REDRAW_LESS", less)
        monkeypatch.setattr(redraw, "MAX_RETURNS", returns)
        drawn.clear()
        runs[name] = (written_frames(OneByOne, tmp_path / str(len(runs)), monkeypatch), len(drawn))
    frames = runs["manim"][0]
    assert len(set(frames)) > 40
    assert runs["banned for the play"][0] == frames and runs["coming back"][0] == frames
    assert runs["coming back"][1] < 0.7 * runs["banned for the play"][1], runs
