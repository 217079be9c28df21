"""How gdviz's videos are encoded: manim's H.264 files, with the same frames, at a fraction of the cost.

manim's writer sends every frame to a thread that turns it into a video frame
(``av.VideoFrame.from_ndarray(frame, "rgba")``), which PyAV converts to yuv420p and x264 encodes. At
1080p60 on this kind of machine (``bench/encode_speed.py``) that cost, per frame, in CPU time:

- 12 ms to copy the RGBA array into a new frame (``from_ndarray``), where
  ``av.VideoFrame.from_numpy_buffer`` wraps the same array without a copy;
- 8 ms to convert it to yuv420p, repeated for each of a ``wait``'s identical frames (manim sends a
  still frame once with its count), where converting it once and copying the planes costs 0.1 ms;
- then x264 itself: with ``veryfast``, about 15 ms for a changing frame and 10 for a still one.

``QuickFileWriter`` does both: the same yuv420p frames reach the same encoder (``tests/test_frames.py``
checks that the video decodes to the same frames), and it encodes with x264's ``veryfast`` preset instead
of manim's default ``medium`` (which manim does not let one change): 400 frames of the nudges part
encoded at 37-50 frames a second with ``medium``, 77-80 with ``veryfast``, files 20 % smaller at the
same quality setting (crf 23).
"""
from __future__ import annotations

import dataclasses
import functools

import av
import numpy as np
from manim.scene.scene_file_writer import SceneFileWriter

X264_PRESET = "veryfast"


def still_copies(frame: av.VideoFrame, count: int):
    """``count`` new frames holding ``frame``'s pixels (an encoder keeps the frames it is given)."""
    for _ in range(count):
        copy = av.VideoFrame(frame.width, frame.height, frame.format.name)
        for plane, source in zip(copy.planes, frame.planes):
            plane.update(source)
        yield copy


def encode_frames(stream, container, pixels: np.ndarray, count: int) -> None:
    """Encode the RGBA array ``pixels`` (height x width x 4, uint8) ``count`` times into ``stream``
    and mux the packets into ``container``, as manim does, converting it once without copying it."""
    converted = av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(pixels), format="rgba").reformat(
        format=stream.pix_fmt, width=stream.width, height=stream.height)
    for frame in still_copies(converted, count):
        for packet in stream.encode(frame):
            container.mux(packet)


class QuickFileWriter(SceneFileWriter):
    """manim's file writer, encoding H.264 with the ``X264_PRESET`` preset, each frame wrapped
    without a copy and a still frame converted once (unless ``CONVERT_ONCE`` is False)."""

    CONVERT_ONCE = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = getattr(self, "video_encoder", None)   # manim 0.22: the resolved encoder of every segment
        if spec is not None and spec.codec == "libx264":
            self.video_encoder = dataclasses.replace(
                spec, options=tuple(sorted({**dict(spec.options), "preset": X264_PRESET}.items())))

    def open_partial_movie_stream(self, *args, **kwargs) -> None:
        super().open_partial_movie_stream(*args, **kwargs)
        if hasattr(self, "video_encoder"):            # manim 0.22: done in __init__
            return
        job = self._current_encode_job
        context = job.stream.codec_context
        if context.name == "libx264":          # the codec opens at the first frame, with these options
            context.options = {**context.options, "preset": X264_PRESET}
        if self.CONVERT_ONCE and job.stream.pix_fmt == "yuv420p":    # not a transparent or webm movie
            # called by the job's thread for each frame it is sent; not a closure over the job itself,
            # whose cycle would keep it (and its encoder) alive until a garbage collection, which in a
            # forked child (manim-slides reverses videos in a process pool) waited forever for x264
            job._encode_and_write_frame = functools.partial(encode_frames, job.stream, job.container)
