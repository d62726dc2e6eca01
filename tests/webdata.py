"""The small database the web tests share: the example, the two test stories and a story whose
text is full of HTML that must show as text. Built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, KHERSON

# Our own story (no evaluation data): markup a browser would run if the page did not escape it.
XSS_STORY = """ date 2023-06-01
French police arrested <img src=x onerror="document.title='pwned'"> protesters in Paris on Tuesday, \
the interior ministry said. <script>document.title='pwned'</script>

"We will not stop <b onmouseover=alert(1)>marching</b>," said protest leader Jean Dupont.
"""


def build_web_db(tmp_path_factory, pipeline) -> Path:
    base = tmp_path_factory.getbasetemp() / "web-db"
    path = base / "web.duckdb"
    if path.exists():
        return path
    from storyline.runner import ingest

    stories = base / "stories"
    stories.mkdir(parents=True)
    shutil.copy(KHERSON, stories / KHERSON.name)
    for f in DATA.glob("*.txt"):
        shutil.copy(f, stories / f.name)
    (stories / "xss-2023-06-01.txt").write_text(XSS_STORY, encoding="utf-8")
    summary = ingest([stories], path, pipeline=pipeline)
    assert summary.stories == 4, summary
    return path
