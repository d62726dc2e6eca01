"""The small database the web tests share: the example, the two test stories, a story whose text
is full of HTML that must show as text, and a business story. Built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, KHERSON

# Our own story (no evaluation data): markup a browser would run if the page did not escape it.
XSS_STORY = """ date 2023-06-01
French police arrested 30 protesters in Paris on Tuesday <img src=x onerror="document.title='pwned'">, \
the interior ministry said. <script>document.title='pwned'</script>

"We will not stop <b onmouseover=alert(1)>marching</b>," said protest leader Jean Dupont.
"""

# Our own business story: its events are in the business domain, which pages leave out by default,
# as `storyline events` does.
BUSINESS_STORY = """ date 2023-04-03
Acme Holdings Inc said on Monday it agreed to acquire Widget Systems Corp for 40 mln dlrs. Widget Systems \
rejected an earlier offer from Bolt Industries Inc.
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
    (stories / "acme-2023-04-03.txt").write_text(BUSINESS_STORY, encoding="utf-8")
    summary = ingest([stories], path, pipeline=pipeline)
    assert summary.stories == 5, summary
    return path
