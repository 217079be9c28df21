"""Part of chapter 3: mini-batches. The lecture's real shuffle dealt into mini-batches of its own
size (scenes/minibatches.py; a batch wider than 10 drawn smaller), one step per batch with its
recorded cost, what a step costs in examples through backprop, then the drunk man against the
careful man (scenes/stumble.py). Every count is computed
from the runs' configurations; every cost is recorded or computed by gdcore."""
from __future__ import annotations

from manim import DOWN, Group, Scene, VGroup, Write

from gdcore.train import steps_per_epoch
from scenes.camera import GdvizScene
from scenes.minibatches import DealMiniBatches
from scenes.stumble import RealStumble, stumble_runs
from scenes.visuals import fade_to_background, FULL_BATCH, MINI_BATCH, SMALL_SIZE, DigitImage, arrive, caption, cascade, text, title
from scenes.weights import video_run


class DealAnyMiniBatches(DealMiniBatches):
    """DealMiniBatches for the lecture's run whatever its batch size: a mini-batch of more than 10
    images is still drawn whole, in a row of smaller thumbnails as wide as a row of 10 (rows as far
    apart as ever, so that each keeps its label), left of the steps."""

    WIDEST, HEIGHT, GAP = 10, 0.5, 0.07      # DealMiniBatches' row: 10 thumbnails 0.5 high, 0.07 apart

    def thumbnails(self, indices):
        if self.b <= self.WIDEST:
            return super().thumbnails(indices)
        width = self.WIDEST * self.HEIGHT + (self.WIDEST - 1) * self.GAP
        height = width / (self.b + (self.b - 1) * self.GAP / self.HEIGHT)
        grid = Group(*[DigitImage(self.data.train_images[i], height=height) for i in indices])
        return grid.arrange_in_grid(self.rows, self.b, buff=(height * self.GAP / self.HEIGHT,
                                                             self.HEIGHT + self.GAP - height))


class MiniBatchSteps:
    """DealMiniBatches on ``run``, a card of what one step costs, then RealStumble (``stumble``)."""

    name = "Mini-batches: quick, rough steps"

    def __init__(self, run, stumble: RealStumble, pace: float = 1.0):
        self.deal, self.stumble, self.pace = DealAnyMiniBatches(run, pace=pace), stumble, pace
        n = run.config.train_size or self.deal.n
        b = run.config.batch_size
        self.shown = {"deal": self.deal.shown, "stumble": stumble.shown,
                      "cost_of_a_step": {"n": n, "batch_size": b, "steps_per_pass": steps_per_epoch(n, b)}}

    def play(self, scene: Scene) -> None:
        self.deal.play(scene)
        self.clear(scene)
        self.what_a_step_costs(scene)
        self.clear(scene)
        self.stumble.play(scene)

    def clear(self, scene) -> None:
        fade_to_background(scene, run_time=0.5 * self.pace)

    def what_a_step_costs(self, scene) -> None:
        c = self.shown["cost_of_a_step"]
        heading = title("What one step costs")
        full = VGroup(text("a full-batch step", SMALL_SIZE, FULL_BATCH),
                      text(f"backprop through all {c['n']:,} images", SMALL_SIZE))
        mini = VGroup(text("a mini-batch step", SMALL_SIZE, MINI_BATCH),
                      text(f"backprop through {c['batch_size']} images", SMALL_SIZE))
        for group in (full, mini):
            group.arrange(DOWN, buff=0.2)
        VGroup(full, mini).arrange(DOWN, buff=0.8).shift(DOWN * 0.2)
        same = text(f"= {c['steps_per_pass']:,} mini-batch steps for the price of one full step", SMALL_SIZE,
                    MINI_BATCH).next_to(mini, DOWN, buff=0.6)
        note = caption("Each mini-batch step is a rough estimate of the downhill direction, "
                       f"but {c['steps_per_pass']:,} of them cost what one exact step does.")
        scene.play(Write(heading), cascade([Write(full), Write(mini)], lag_ratio=0.5), run_time=1.5 * self.pace)
        scene.play(arrive([full[1], mini[1]], same), run_time=1.2 * self.pace)
        scene.play(Write(note), run_time=0.6 * self.pace)
        scene.wait(4 * self.pace)


class MiniBatchesAgain(GdvizScene):
    """Standalone: the lecture run dealt into mini-batches, a step's cost, the drunk and careful men."""

    def construct(self):
        self.part = MiniBatchSteps(video_run(), RealStumble(*stumble_runs(), contrast=False))
        self.part.play(self)
