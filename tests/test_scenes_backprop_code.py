"""Part: the code that computed all of this (scenes/backprop_code.py)."""
import inspect
import textwrap

import numpy as np
import pytest
from manim import Scene, tempconfig
from frames import frame_test

import scene_data
from gdcore import wishes
from gdcore.network import Network
from scenes.backprop_code import TheCode, elide
from scenes.example import early_example

__module_test__ = "backprop_code"

CLAIMS = {   # group: statements its lit lines must hold (independent of the part's own search keys)
    "forward pass": ["self.feedforward(X, work)"],
    "output error": ["np.subtract(a, Y", "slope *= a", "delta *= slope", "delta *= 2 * scale"],
    "chain back": ["for l in range(L, 0, -1)", "np.matmul(delta, self.weights[l]", "slope *= a", "delta *= slope"],
    "average over the batch": ["1.0 / n", "np.matmul(delta.T, activations[l]", "np.add.reduce(delta, axis=0"],
}


def dry_play(part):
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_rate": 5, "pixel_width": 160,
                     "pixel_height": 90}):
        scene = Scene()
        part.play(scene)
    return part.shown, scene


@pytest.fixture(scope="module")
def played():
    return dry_play(TheCode(example=early_example(scene_data.small_run()), pace=0.2))


@frame_test
def test_code_last_frame(scene):
    TheCode(example=early_example(scene_data.small_run()), pace=0.2).play(scene)


def test_listings_are_the_source_verbatim_or_marked_elisions(played):
    shown, _ = played
    assert [l["function"] for l in shown["listings"]] == ["Network._deltas", "Network._deltas", "Network.backprop"]
    for listing in shown["listings"]:
        function = getattr(Network, listing["function"].split(".")[1])
        assert listing["source"] == inspect.getsource(function)
        lines = textwrap.dedent(listing["source"]).splitlines()
        file_lines, first = inspect.getsourcelines(function)
        assert listing["first_line"] == first
        previous = -1
        for text, i in listing["rows"]:
            if i is None:
                assert "…" in text                        # every elision says so
                continue
            assert i > previous                           # in order
            previous = i
            if text != lines[i]:                          # else verbatim, or only its comment cut, and marked
                code = text.removesuffix("  # …")
                assert code != text and lines[i].startswith(code) and lines[i][len(code):].lstrip().startswith("#")


def test_lit_lines_hold_the_statements_they_claim(played):
    shown, _ = played
    groups = {g["name"]: g for g in shown["groups"]}
    assert list(groups) == list(CLAIMS)
    source = {"Network._deltas": inspect.getsourcelines(Network._deltas),
              "Network.backprop": inspect.getsourcelines(Network.backprop)}
    for name, statements in CLAIMS.items():
        lit = "\n".join(groups[name]["lines"])
        for statement in statements:
            assert statement in lit, (name, statement)
        function = "Network.backprop" if name == "average over the batch" else "Network._deltas"
        lines, first = source[function]
        for text, number in zip(groups[name]["lines"], groups[name]["file_lines"]):
            assert text.removesuffix("  # …").strip() in lines[number - first], (text, number)


def test_elision_rules():
    lines = ['def f(x):', '    """Doc', '    more."""', '    y = x  # a comment far too long for the width given',
             '    if x:', '        return y', '    else:', '        z = 2', '        return z', '    return_value_that_is_long = 1']
    rows = elide(lines, 0, len(lines) - 1, width=30)
    assert rows == [('def f(x):', 0), ('    """…"""', None), ('    y = x  # …', 3), ('    if x:', 4),
                    ('        return y', 5), ('    else:', 6), ('        …', None), ('    …', None)]


def test_a_changed_source_fails_loudly():
    def renamed(self, X, Y, scale=1.0, work=None):
        weighted_inputs, activations = self.feedforward(X, work)
        return activations
    with pytest.raises(LookupError):
        dry_play(TheCode(deltas=renamed))


def test_code_lines_are_not_wrapped_and_read_at_480p(played):
    from layout import drawn_size
    from scenes.visuals import MIN_TEXT_SIZE
    part = TheCode()
    with tempconfig({"pixel_width": 160, "pixel_height": 90}):
        for screen in part.screens:
            listing = part.listing(screen)
            paragraph = listing.code.code_lines
            assert drawn_size(paragraph) >= MIN_TEXT_SIZE - 0.05
            assert len(paragraph) == len(listing.rows)
            for line, (text, _) in zip(paragraph, listing.rows):
                glyphs = [g for g in line if len(g.points)]
                assert len(glyphs) == len(text.replace(" ", ""))
                xs = [g.get_center()[0] for g in glyphs]
                assert xs == sorted(xs), f"wrapped: {text!r}"


def test_values_are_the_examples(played):
    shown, _ = played
    ex = early_example(scene_data.small_run())
    zs, activations = ex.net.feedforward(ex.x[None])
    a = activations[-1][0]
    assert shown["values"]["forward a"] == pytest.approx(a.tolist(), rel=1e-12)
    output = 2 * (a - ex.y) * a * (1 - a)
    assert shown["values"]["output delta"] == pytest.approx(output.tolist(), rel=1e-10, abs=1e-15)
    assert shown["values"]["output delta"] == pytest.approx(wishes.deltas(ex.net, ex.x, ex.y)[-1].tolist(), rel=1e-12)
    a2 = activations[-2][0]
    back = (output @ ex.net.weights[-1]) * a2 * (1 - a2)
    assert shown["values"]["layer delta"] == pytest.approx(back.tolist(), rel=1e-10, abs=1e-15)
    assert shown["values"]["cost"] == pytest.approx(float(((a - ex.y) ** 2).sum()), rel=1e-12)


def test_captions_stay_long_enough(played):
    shown, _ = played
    for group in shown["groups"]:
        assert len(group["caption"].split()) / 3.0 >= 1.5

