"""Part: true labels against shuffled labels. The lecture's network trained on the same few thousand
images twice, once with their real labels and once with the labels shuffled: it memorises the
shuffled ones too, but slowly, and learns nothing that carries to the test set (real runs)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Scene, VGroup, VMobject, Write

from gdcore import analysis, presets, runs
from scenes import settings
from scenes.camera import GdvizScene
from scenes.visuals import (SHUFFLED_LABELS, SMALL_SIZE, TEXT, TRUE_LABELS, PlainAxes, Readout, caption,
                            nice_step, recaption, step_through, swatch, title)



def memorise_runs() -> tuple:
    """The pair of runs, made with the lecture's network: the presets 'memorise-true' and
    'memorise-shuffled' for the video's network, else the same experiment (its 1,000 images, epochs,
    batches and snapshots) with the teacher's network (gdcore.presets.experiment); trained once if missing."""
    network = settings.lecture_run_config()[0]
    return tuple(runs.get(presets.experiment(name, network)) for name in ("memorise-true", "memorise-shuffled"))


def per_epoch(run) -> dict:
    """The run at epoch 0 and every epoch end: {"epoch", "train_cost", "train_accuracy", "test_accuracy"}."""
    at = np.concatenate([[0], analysis.epoch_ends(run.epochs)])
    return {"epoch": np.round(run.epochs[at]).astype(int), "train_cost": run.train_cost[at].astype(np.float64),
            "train_accuracy": run.train_accuracy[at].astype(np.float64),
            "test_accuracy": run.test_accuracy[at].astype(np.float64)}


class TrueAgainstShuffled:
    """Training cost and training accuracy per epoch of two runs on the same images, one with true and
    one with shuffled labels, drawn epoch by epoch; then how far memorisation got, and how much later.

    ``shown``: both runs' per-epoch numbers, the level compared, the epoch each reached it, the test
    accuracies.
    """

    name = "True labels against shuffled labels"

    def __init__(self, true_run, shuffled_run, seconds: float = 8.0):
        if not shuffled_run.config.shuffle_labels or true_run.config.shuffle_labels:
            raise ValueError("the first run must have the true labels and the second shuffled ones")
        self.runs, self.seconds = {"true": true_run, "shuffled": shuffled_run}, seconds
        self.curves = {k: per_epoch(r) for k, r in self.runs.items()}
        self.n = true_run.config.train_size
        final = float(self.curves["shuffled"]["train_accuracy"][-1])
        self.level = float(np.floor(final * 10) / 10)           # a round level the shuffled run reached
        self.reached = {k: analysis.epochs_to_reach(r, self.level) for k, r in self.runs.items()}
        self.tests = {k: float(c["test_accuracy"][-1]) for k, c in self.curves.items()}
        self.shown = {"n": self.n, "level": self.level, "reached": self.reached, "test_accuracy": self.tests,
                      "curves": {k: {m: v.tolist() for m, v in c.items()} for k, c in self.curves.items()},
                      "readouts": {}}

    def play(self, scene: Scene) -> None:
        stage = self.show_axes(scene)
        self.train_both(scene, stage)
        self.conclude(scene, stage)

    def show_axes(self, scene):
        epochs = int(max(c["epoch"][-1] for c in self.curves.values()))
        top = float(np.ceil(max(c["train_cost"].max() for c in self.curves.values()) * 2) / 2)
        heading = title(f"The same {self.n:,} images, with true and with shuffled labels")
        x_range = [0, epochs, nice_step(epochs, 4)]
        cost = PlainAxes(x_range, [0, top, nice_step(top, 4)], width=5.2, height=3.0, x_name="epoch",
                         y_name="training cost", x_format="{:,.0f}")
        accuracy = PlainAxes(x_range, [0, 1, 0.25], width=5.2, height=3.0, x_name="epoch",
                             y_name="training accuracy", x_format="{:,.0f}", y_format="{:.0%}")
        VGroup(cost, accuracy).arrange(RIGHT, buff=1.5).move_to(DOWN * 0.35)
        key = VGroup(swatch(TRUE_LABELS, "true labels", SMALL_SIZE),
                     swatch(SHUFFLED_LABELS, "shuffled labels", SMALL_SIZE)).arrange(RIGHT, buff=0.8)
        epoch = Readout("epoch", 0, TEXT, "{:,d}", SMALL_SIZE)
        VGroup(key, epoch).arrange(RIGHT, buff=1.2).next_to(heading, DOWN, buff=0.3)
        first = self.runs["true"].config
        note = caption(f"The lecture's network ({'-'.join(map(str, first.sizes))}), the same start and the same "
                       f"training (η = {first.eta:g}), twice: only the labels differ.")
        scene.play(Write(heading), Write(cost), Write(accuracy), Write(key), Write(epoch), Write(note), run_time=1)
        lines = {(k, m): VMobject(stroke_color=colour, stroke_width=3)
                 for k, colour in (("true", TRUE_LABELS), ("shuffled", SHUFFLED_LABELS))
                 for m in ("train_cost", "train_accuracy")}
        scene.add(*lines.values())
        return type("Stage", (), {"cost": cost, "accuracy": accuracy, "epoch": epoch, "lines": lines, "note": note})

    def train_both(self, scene, stage) -> None:
        last = int(max(c["epoch"][-1] for c in self.curves.values()))

        def show(e):
            for (k, m), line in stage.lines.items():
                c = self.curves[k]
                upto = c["epoch"] <= e
                axes = stage.cost if m == "train_cost" else stage.accuracy
                pts = [axes.c2p(x, y) for x, y in zip(c["epoch"][upto], c[m][upto])]
                line.set_points_as_corners(pts if len(pts) > 1 else pts * 2)
            stage.epoch.set_value(e)
            self.shown["readouts"].setdefault("epoch", []).append(e)

        step_through(scene, 0, last, show, self.seconds, host=stage.cost)
        scene.wait(1)

    def conclude(self, scene, stage) -> None:
        tests = self.tests
        stage.note = recaption(scene, stage.note, self.reached_words(), 0.4)
        scene.wait(2)
        stage.note = recaption(scene, stage.note, f"On the 10,000 test images: {tests['true']:.1%} with true labels, "
                               f"{tests['shuffled']:.1%} with shuffled ones (chance is 10%){self.verdict()}", 0.4)
        scene.wait(2.5)

    MEMORISED = 0.9   # the share of shuffled training labels from which the run is said to have memorised them
    NEAR_CHANCE = 0.15  # a test accuracy up to which the shuffled run is said to have learned nothing

    def verdict(self) -> str:
        """What the shuffled run did, as its numbers say: ': memorised, not learned.' when it got most of its
        training labels right yet is near chance on the test set; less when it did less."""
        final = float(self.curves["shuffled"]["train_accuracy"][-1])
        if self.tests["shuffled"] > self.NEAR_CHANCE:
            return "."
        if final >= self.MEMORISED:
            return ": memorised, not learned."
        return f": not learned, and only {final:.0%} of its labels memorised."

    def reached_words(self) -> str:
        """How far the shuffled labels got and when each run got there, as the runs say."""
        true, shuffled = self.reached["true"], self.reached["shuffled"]
        epochs = int(self.curves["shuffled"]["epoch"][-1])
        if self.level < 0.1:    # never above chance: there is no level worth comparing
            return (f"The shuffled labels stay near chance on the {self.n:,} images in {epochs:,} epochs "
                    f"({float(self.curves['shuffled']['train_accuracy'][-1]):.0%} right).")
        if true is None:
            return (f"The shuffled labels reach {self.level:.0%} of the {self.n:,} images by epoch {shuffled}; "
                    f"the true ones never do in {epochs:,} epochs.")
        later = "only " if shuffled > true else ""
        return (f"Both get {self.level:.0%} of the {self.n:,} images right: the true labels by epoch {true}, the "
                f"shuffled ones {later}by epoch {shuffled}.")


class ShuffledLabels(GdvizScene):
    """Standalone: the presets 'memorise-true' and 'memorise-shuffled' (the same experiment with the
    teacher's network when another is chosen)."""

    def construct(self):
        self.part = TrueAgainstShuffled(*memorise_runs())
        self.part.play(self)
