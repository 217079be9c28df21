"""The narration script (scenes/script.py, `python -m scenes.export script`): each part with its start
time, its captions with their times, and the numbers its ``shown`` records."""
import re

import pytest

import scene_data
from scenes.chapters import chapter_three, select
from scenes.script import clock, lecture_script, numbers


def test_numbers_are_listed_readably():
    shown = {"eta": 1.5, "steps": 1000, "label": "a 2", "path": list(range(11)), "pair": [0.25, 0.5],
             "rows": [{"name": "w", "value": -0.0031}], "grid": [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]], "none": None,
             "captions": ["said"]}
    assert dict(numbers(shown)) == {"eta": "1.5", "steps": "1,000", "label": "a 2", "path": "11 values, from 0 to 10",
                                    "pair": "0.25, 0.5", "rows[0].name": "w", "rows[0].value": "-0.0031",
                                    "grid": "6×2 values, from 1 to 12"}
    assert clock(0) == "0:00.0" and clock(75.25) == "1:15.2"


def test_a_script_times_each_part_and_lists_its_captions_and_numbers():
    builders = select(chapter_three(scene_data.small_run()), "2-3")
    parts = []
    script = lecture_script(3, [(n, (lambda b=b: parts.append(b()) or parts[-1])) for n, b in builders])
    heads = re.findall(r"^## Part (\d+) \((\d+):(\d+\.\d)–(\d+):(\d+\.\d)\): (.+)$", script, re.M)
    assert [h[0] for h in heads] == ["2", "3"] and [h[5] for h in heads] == [p.name for p in parts]
    starts = [60 * int(h[1]) + float(h[2]) for h in heads]
    ends = [60 * int(h[3]) + float(h[4]) for h in heads]
    assert starts[0] == 0 and ends[0] == pytest.approx(starts[1]) and ends[1] > starts[1] > 10
    for part, start, end, chunk in zip(parts, starts, ends, script.split("\n## Part ")[1:]):
        rows = re.findall(r"^\| (\d+):(\d+\.\d) \| (\d+):(\d+\.\d) \| (.+) \|$", chunk, re.M)
        assert len(rows) >= 3                                # every caption the part shows, in order
        times = [60 * int(r[0]) + float(r[1]) for r in rows]
        assert times == sorted(times) and start - 0.05 <= times[0] and times[-1] < end
        for name, value in numbers(part.shown):
            assert f"- `{name}`: {value}" in chunk
    assert "Where its numbers come from" in script
