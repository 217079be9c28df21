"""Reading time: how long each text of a scene stays on screen, against how long it takes to read.

``ReadingTimed`` is a Scene mixin that notes, after every play and wait, the scene time and the
texts on screen before and after. A text is a caption or other group made by ``visuals.lines`` (read as one: it
carries ``reading_words``) or a Text or Paragraph outside such a group. Its time on screen runs
from the start of the first step it was there for (or the end of the step that brought it in) to
the end of the last step it was still there after.
Needed: ``max(MINIMUM, words / WORDS_PER_SECOND)`` (about 3 words a second, at least 1.5 s).
The scenes keep this themselves (scenes/reading.py holds a text before it leaves); this measures
it from outside, step by step.
"""
from __future__ import annotations

from manim import Text

from scenes.reading import texts_in

WORDS_PER_SECOND = 3.0
MINIMUM = 1.5
SLACK = 0.05          # seconds: frame rounding


def readables(scene) -> dict:
    """{id: (words, what it says)} of the texts on screen now (what counts as one text:
    scenes.reading.texts_in)."""
    found = {}
    for key, (m, words) in texts_in(scene.mobjects).items():
        said = " ".join(getattr(t, "original_text", "") for t in m.get_family() if isinstance(t, Text))
        found[key] = (words, said)
    return found


class ReadingTimed:
    def setup(self):
        super().setup()
        self.reading_first, self.reading_last, self.reading_said = {}, {}, {}

    def play(self, *args, **kwargs):
        start, before = self.renderer.time, readables(self)
        super().play(*args, **kwargs)
        end, after = self.renderer.time, readables(self)
        for key, what in before.items():          # on screen from the start of this step at least
            self.reading_first.setdefault(key, start)
            self.reading_last[key] = max(self.reading_last.get(key, start), start)
            self.reading_said[key] = what
        for key, what in after.items():           # brought in during the step: counted from its end
            self.reading_first.setdefault(key, end)
            self.reading_last[key] = end
            self.reading_said[key] = what

    def too_short(self) -> list[str]:
        """Texts that left the screen before they could be read, one line each."""
        problems = []
        for key, first in self.reading_first.items():
            words, said = self.reading_said[key]
            shown, needed = self.reading_last[key] - first, max(MINIMUM, words / WORDS_PER_SECOND)
            if shown + SLACK < needed:
                problems.append(f"{shown:.1f} s < {needed:.1f} s for {words} words: {said[:70]!r}")
        return problems
