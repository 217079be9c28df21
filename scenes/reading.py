"""Reading time, kept by the scenes themselves: no caption or label leaves the screen before it
can be read (about 3 words a second, at least 1.5 s).

``ReadingPace`` is a Scene mixin (part of every gdviz scene base, scenes/camera.py). It notes when
each text arrives on screen (a group made by ``visuals.lines``, such as a caption, counts as one
text of ``reading_words`` words; any other Text or Paragraph with words in it counts alone).
Before a text is taken off screen (``remove``, or a play that fades it out or replaces it), it
waits for whatever reading time the text still lacks. Parts therefore never need a hand-tuned
wait just so that a caption can be read; a wait they do have counts towards it.
tests/reading.py measures the same thing independently, for every part.

The same bookkeeping writes the subtitles: a caption (a mobject with a ``subcaption``, made by
``visuals.caption``) becomes one subtitle from the moment it arrives to the moment it leaves, which
manim writes as an ``.srt`` file beside the video.
"""
from __future__ import annotations

from manim import FadeOut, Paragraph, ReplacementTransform, Text, config

WORDS_PER_SECOND = 3.0
MINIMUM = 1.5


def reading_time(words: int) -> float:
    """Seconds a text of ``words`` words needs on screen."""
    return max(MINIMUM, words / WORDS_PER_SECOND)


def captions_in(mobjects) -> set:
    """The subcaptions (strings) of the captions among ``mobjects`` and their families."""
    found = set()

    def visit(m):
        said = getattr(m, "subcaption", None)
        if said:
            found.add(said)
            return
        for sub in m.submobjects:
            visit(sub)

    for m in mobjects:
        visit(m)
    return found


def texts_in(mobjects) -> dict:
    """{id: (mobject, words)} of the texts among ``mobjects`` and their families."""
    found = {}

    def visit(m, inside):
        words = getattr(m, "reading_words", None)
        if words is not None and not inside:
            found[id(m)] = (m, words)
            inside = True
        elif isinstance(m, (Text, Paragraph)) and not inside:
            said = m.original_text if isinstance(m, Text) else getattr(m, "original_text", "")
            if any(ch.isalpha() for ch in str(said)):
                found[id(m)] = (m, len(str(said).split()))
            return
        for sub in m.submobjects:
            visit(sub, inside)

    for m in mobjects:
        visit(m, False)
    return found


class ReadingPace:
    """Scene mixin: hold every text on screen until it has been readable long enough."""

    def __init__(self, *args, **kwargs):
        self._arrived, self._playing, self._captions = {}, False, {}
        self.subtitles = []          # (caption, start s, end s), in the order they left the screen
        super().__init__(*args, **kwargs)

    def _note_captions(self, leaving_all: bool = False, arrived: float | None = None) -> None:
        """Write a subtitle for every caption that has left the screen (all of them at the end); a new
        one counts from ``arrived`` (default: now)."""
        now = self.renderer.time
        on_screen = set() if leaving_all else captions_in(self.mobjects)
        for said in [c for c in self._captions if c not in on_screen]:
            since = self._captions.pop(said)
            if now - since > 1e-3:
                self.subtitles.append((said, since, now))
                if self._writes_movie():                 # a movie is written: its .srt too
                    self.add_subcaption(said, duration=now - since, offset=since - now)
        for said in on_screen:
            self._captions.setdefault(said, now if arrived is None else arrived)

    def _writes_movie(self) -> bool:
        """Whether this render writes a video (manim 0.22 resolves it into the file writer's
        ``output_spec``; 0.21 has ``config.write_to_movie``)."""
        if config.dry_run:
            return False
        spec = getattr(getattr(self.renderer, "file_writer", None), "output_spec", None)
        if spec is not None:
            return spec.is_video
        return bool(config.write_to_movie)

    def _note_arrivals(self) -> None:
        now = self.renderer.time
        on_screen = texts_in(self.mobjects)
        for key in list(self._arrived):
            if key not in on_screen:
                del self._arrived[key]
        for key, (_, words) in on_screen.items():
            self._arrived.setdefault(key, (now, words))
        self._note_captions()

    def hold_until_read(self, leaving) -> None:
        """Wait until every text among ``leaving`` has had its reading time (before taking them off
        screen in a way this class does not see)."""
        self._hold(leaving)

    def _hold(self, leaving) -> None:
        """Wait until every text among ``leaving`` has had its reading time."""
        now, lacking = self.renderer.time, 0.0
        for key in texts_in(leaving):
            if key in self._arrived:
                since, words = self._arrived[key]
                lacking = max(lacking, reading_time(words) - (now - since))
        if lacking > 1e-3:
            self.wait(lacking)

    def add(self, *mobjects):
        result = super().add(*mobjects)
        if not self._playing:
            self._note_arrivals()
        return result

    def remove(self, *mobjects):
        if not self._playing:
            self._hold(mobjects)
        result = super().remove(*mobjects)
        if not self._playing:
            self._note_arrivals()
        return result

    def tear_down(self):                       # the last frame: let its texts be read too
        self._hold(self.mobjects)
        self._note_captions(leaving_all=True)
        super().tear_down()

    def play(self, *animations, **kwargs):
        leaving = [a.mobject for a in flatten(animations) if isinstance(a, FadeOut)]
        leaving += [a.mobject for a in flatten(animations) if isinstance(a, ReplacementTransform)]
        if leaving:
            self._hold(leaving)
        self._playing, began = True, self.renderer.time
        try:
            super().play(*animations, **kwargs)
        finally:
            self._playing = False
        self._note_captions(arrived=began)      # a caption's subtitle starts with the play that brings it
        self._note_arrivals()


def flatten(animations) -> list:
    """The animations, with those inside groups (LaggedStart, AnimationGroup) listed too."""
    out = []
    for a in animations:
        out.append(a)
        out += flatten(getattr(a, "animations", []))
    return out
