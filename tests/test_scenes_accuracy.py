"""Parts 8-10: blank pixels, the test-set score and mistakes, confident nonsense."""

import numpy as np
import pytest
from manim import Scene, tempconfig
from frames import frame_test

import scene_data
from gdcore import inputs, load_mnist
from scenes.accuracy import ConfidentNonsense, ScoreOnTestSet
from scenes.weights import UntouchedPixels

__module_test__ = "accuracy"


def dry_play(part):
    with tempconfig({"dry_run": True, "frame_rate": 15, "pixel_width": 160, "pixel_height": 90}):
        part.play(Scene())
    return part.shown


@frame_test
def test_mistakes_gallery(scene):
    ScoreOnTestSet(scene_data.small_run(), seconds=1, gallery=8).play(scene)


@frame_test
def test_noise_statistics(scene):
    ConfidentNonsense(scene_data.small_run(), seed=3, samples=200).play(scene)


@frame_test
def test_blank_pixels(scene):
    UntouchedPixels(scene_data.small_run(), neuron=2).play(scene)


def test_test_set_score_shows_gdcore_values():
    run = scene_data.small_run()
    shown = dry_play(ScoreOnTestSet(run, seconds=2, gallery=6))
    data = load_mnist()
    outputs = run.network(-1).forward(inputs(data.test_images))
    right = outputs.argmax(axis=1) == data.test_labels
    assert shown["accuracy"] == right.mean()
    assert shown["counted"][-1] == 10000
    for k, c in zip(shown["counted"], shown["correct"]):
        assert c == right[:k].sum()
    wrong = np.flatnonzero(~right)
    assert [m[0] for m in shown["mistakes"]] == wrong[:6].tolist()
    for index, guess, confidence in shown["mistakes"]:
        assert guess == outputs[index].argmax() != data.test_labels[index]
        assert confidence == pytest.approx(outputs[index, guess], abs=0)


def test_confident_nonsense_shows_gdcore_values():
    run = scene_data.small_run()
    shown = dry_play(ConfidentNonsense(run, seed=5, samples=300))
    noise = np.random.default_rng(5).random((300, 784))
    outputs = run.network(-1).forward(noise)
    assert shown["counts"] == np.bincount(outputs.argmax(axis=1), minlength=10).tolist()
    assert sum(shown["counts"]) == 300
    assert shown["mean_top_activation"] == pytest.approx(outputs.max(axis=1).mean(), rel=1e-12)
    assert shown["outputs"] == pytest.approx(outputs[0].tolist(), rel=1e-12)
    assert shown["guess"] == outputs[0].argmax()


def test_blank_pixels_shows_gdcore_values():
    run = scene_data.small_run()  # no weight decay: blank-pixel weights must not move at all
    shown = dry_play(UntouchedPixels(run))
    images = load_mnist().train_images[:run.config.train_size].reshape(run.config.train_size, -1)
    blank = images.max(axis=0) == 0
    assert shown["blank_pixels"] == blank.sum() > 0
    assert shown["training_images"] == run.config.train_size
    assert shown["max_change"] == 0.0
    W0, W1 = run.network(0).weights[0], run.network(-1).weights[0]
    assert np.array_equal(W0[:, blank], W1[:, blank]) and not np.array_equal(W0, W1)


@pytest.mark.parametrize("module,scenes", [("accuracy", ["HowWellItDoes", "NoiseImages"]),
                                           ("weights", ["HiddenWeights", "BlankPixels"])])
def test_standalone_scenes_render(tmp_path, module, scenes):
    scene_data.render_stills(tmp_path, module, *scenes)
