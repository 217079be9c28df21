"""The chapter-3 lecture file: one scene, its parts in order, a bad part list. (The real command with
no prompt and no version notice: tests/test_build.py, which renders parts 2-3 through it.)"""
import ast
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def test_lecture_file_holds_exactly_one_scene():
    tree = ast.parse((ROOT / "scenes" / "backprop.py").read_text())
    assert [n.name for n in tree.body if isinstance(n, ast.ClassDef)] == ["BackpropagationLecture"]


def test_lecture_parts_are_the_catalog_s_chapter_three_parts_in_order():
    from scenes.catalog import parts
    from scenes.chapters import chapter_three

    titles = [e.title for e in parts() if e.chapter == 3]
    assert len(chapter_three()) == len(titles) == 8       # built lazily: compare the classes' names
    from scenes import averaging, backprop_code, backwards, chain_rule, sensitivity, sgd_recap, wishlist
    classes = [sensitivity.GradientEntryMeaning, wishlist.OneExampleWishes, wishlist.ThreeWays,
               backwards.AddingUpWishes, averaging.FromOneExampleToTheGradient, sgd_recap.MiniBatchSteps,
               backprop_code.TheCode, chain_rule.ChainRuleInSymbols]
    assert [c.name for c in classes] == titles


def test_a_bad_part_list_is_one_line_and_exit_2():
    result = subprocess.run([sys.executable, "-m", "manim", "render", "-s", "-ql", "scenes/backprop.py"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "GDVIZ_PARTS": "9"})
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "9" in lines[0], result.stderr
