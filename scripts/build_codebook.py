"""Write docs/codebook.md from the codebook data in src/storyline/kb/ (tests check it is current).

    python scripts/build_codebook.py          # rewrite docs/codebook.md
"""
from pathlib import Path

from storyline.codebook import markdown

OUT = Path(__file__).resolve().parents[1] / "docs" / "codebook.md"

if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(markdown(), encoding="utf-8")
    print(f"wrote {OUT}")
