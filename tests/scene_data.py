"""Quick, real runs for scene tests (trained once per test session into the session's cache)."""
from functools import lru_cache


@lru_cache(maxsize=None)
def small_run():
    """float64, 2 epochs on the first 2,000 training images: real numbers in about a second."""
    from gdcore import runs

    config = runs.RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                            eta=1.5, batch_size=10, schedule="constant", epochs=2, train_size=2000,
                            dtype="float64", seed=0)
    return runs.get(config, progress=False)


def render_stills(tmp_path, module: str, *scenes: str, extra=()) -> dict:
    """The real command, ``manim render -s -ql`` at 160x90 on scenes/<module>.py, no prompt.

    Asserts it succeeded and that each scene's last frame was written and is not blank;
    returns {scene: (90, 160, channels) array}.
    """
    import subprocess
    import sys
    from pathlib import Path

    import numpy as np
    from PIL import Image

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-s", "-ql", "--resolution", "160,90", "--media_dir",
         str(tmp_path), *extra, f"scenes/{module}.py", *scenes], cwd=root, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    stills = {}
    for scene in scenes:
        pngs = sorted(Path(tmp_path).rglob(f"{scene}_*.png"))
        assert pngs, f"no still written for {scene}"
        stills[scene] = np.asarray(Image.open(pngs[0]))
        assert stills[scene].shape[:2] == (90, 160)
        assert stills[scene][..., :3].max() > 100, f"the last frame of {scene} is blank"
    return stills


TINY = {"dry_run": True, "disable_caching": True, "frame_rate": 15, "pixel_width": 160, "pixel_height": 90}


def play_skipped(scene_class, *mixins):
    """Play ``scene_class`` with every animation skipped to its end (tiny frames, no caching), with
    ``mixins`` (tests/layout.py's LayoutChecked, tests/reading.py's ReadingTimed) in front of it;
    the scene, after its tear_down."""
    from manim import tempconfig

    played = type(f"Played{scene_class.__name__}", (*mixins, scene_class), {})
    with tempconfig(TINY):
        scene = played(skip_animations=True)
        scene.setup()
        scene.construct()
        scene.tear_down()
    return scene


def dry_play_part(part, *mixins):
    """(shown, seconds of running time, scene) of ``part`` played that way on a GdvizScene."""
    from scenes.camera import GdvizScene

    class PartScene(GdvizScene):
        def construct(self):
            part.play(self)

    scene = play_skipped(PartScene, *mixins)
    return part.shown, scene.renderer.time, scene
