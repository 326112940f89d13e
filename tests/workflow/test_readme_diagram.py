from pathlib import Path

from workflow.diagram import readme_diagrams

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_shows_the_diagrams_generated_from_the_machines() -> None:
    readme = README.read_text(encoding="utf-8")
    for marker, block in readme_diagrams().items():
        assert marker in readme, f"README lacks {marker}"
        shown = readme.split(marker, 1)[1].lstrip("\n")
        assert shown.startswith(block), (
            f"README's diagram after {marker} differs from the machine; regenerate with "
            "`python -m workflow.diagram` and paste it"
        )
