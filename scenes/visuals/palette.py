"""The palette: one meaning per colour, two themes.

Colour always means the same thing: POSITIVE (blue) and NEGATIVE (red) for signed numbers such as
weights, COST for the cost, GRADIENT for gradient arrows, ACCURACY for accuracy.

Two themes: "dark" (the lecture look; default) and "light" (white background, for printed
handouts and bright rooms). Choose in one place: ``theme = light`` under ``[gdviz]`` in manim.cfg,
or the environment variable ``GDVIZ_THEME=light`` (which wins); see scenes/settings.py.
"""
from __future__ import annotations

import numpy as np
from manim import BLUE, GREEN, GREY_B, RED, WHITE, YELLOW, ManimColor, Text, VMobject, config

from scenes import settings

THEMES = {
    "dark": {"BACKGROUND": "#000000", "TEXT": WHITE, "MUTED": GREY_B, "POSITIVE": BLUE, "NEGATIVE": RED,
             "COST": RED, "GRADIENT": YELLOW, "ACCURACY": GREEN, "BALL": "#F2F2F2"},
    "light": {"BACKGROUND": "#FFFFFF", "TEXT": "#1A1A1A", "MUTED": "#5A5A5A", "POSITIVE": "#1F6FB4",
              "NEGATIVE": "#C0392B", "COST": "#C0392B", "GRADIENT": "#C77700", "ACCURACY": "#2E7D32",
              "BALL": "#3A3A3A"},
}


THEME = settings.or_exit(settings.theme)     # checked once, at import: a bad theme is one line
_palette = THEMES[THEME]
BACKGROUND = _palette["BACKGROUND"]
POSITIVE = _palette["POSITIVE"]
NEGATIVE = _palette["NEGATIVE"]
COST = _palette["COST"]
GRADIENT = _palette["GRADIENT"]
ACCURACY = _palette["ACCURACY"]
TEXT = _palette["TEXT"]
MUTED = _palette["MUTED"]
BALL = _palette["BALL"]
if THEME != "dark":
    config.background_color = BACKGROUND
    # manim draws in white unless told otherwise: make plain lines, arrows and formulas readable.
    from manim import MathTex, SingleStringMathTex, Tex
    for _cls in (VMobject, MathTex, SingleStringMathTex, Tex, Text):
        _cls.set_default(color=TEXT)

# --- how many examples a step uses (the SGD scenes) ---------------------------------------------
FULL_BATCH = GRADIENT                                           # the true gradient, every example
MINI_BATCH = {"dark": "#5CD0B3", "light": "#00796B"}[THEME]     # a mini-batch of examples per step
ONE_EXAMPLE = {"dark": "#EE8CEE", "light": "#8E24AA"}[THEME]    # a single example per step

# --- true labels against shuffled labels (memorisation) -----------------------------------------
TRUE_LABELS = {"dark": "#7FC8F8", "light": "#1F6FB4"}[THEME]    # trained on the real labels
SHUFFLED_LABELS = {"dark": "#F4A259", "light": "#B35C00"}[THEME]  # trained on shuffled labels


def rgb(color) -> np.ndarray:
    """A manim colour as three floats in [0, 1]."""
    return np.array(ManimColor(color).to_rgb())


def signed_color(value: float):
    """POSITIVE for a value above 0, NEGATIVE below 0, MUTED for exactly 0."""
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else MUTED

