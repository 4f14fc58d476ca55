"""Write the messy sample workbooks and expected.yaml, then check them.

Run `.venv/bin/python sample_data/generate.py` (or `python -m sample_data.generate`);
`--check` regenerates into a temporary folder and fails if the committed files differ.
"""

import argparse
import hashlib
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `sample_data` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from sample_data import checks  # noqa: E402
from sample_data.cards import write_cards  # noqa: E402
from sample_data.departments import write_departments  # noqa: E402
from sample_data.ledger import write_ledger  # noqa: E402
from sample_data.records import make_companies  # noqa: E402
from sample_data.sales import write_sales  # noqa: E402
from sample_data.shop import write_shop  # noqa: E402
from sample_data.us import write_us  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 20240401
EXPECTED = "expected.yaml"
PREAMBLE = (
    "# What sample_data/generate.py meant each file to hold. Written by the generator;\n"
    "# do not edit by hand. Rows are 1-based Excel rows (CSV: line numbers).\n"
)


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no &anchors for repeated lists, digit strings quoted (`'000123'`)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    """Quote strings starting with a digit so no YAML reader turns '000123' into 123."""
    style = "'" if data[:1].isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """YAML as people read it: source order, Japanese unescaped, short lists on one line."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)


def _rng(seed: int, part: str) -> random.Random:
    """One random stream per file, so changing one file leaves the others as they were."""
    return random.Random(f"{seed}:{part}")


def generate(out: Path = HERE, seed: int = SEED) -> dict[str, Any]:
    """Write every sample file and expected.yaml into `out`; return the expected data."""
    companies = make_companies(_rng(seed, "companies"), [14, 13, 13], extra=8)
    ledger = [c for c in companies if c.department != "東京支店"]
    tables = write_ledger(out, companies)
    department_tables, duplicates, department_rows = write_departments(
        out, companies, _rng(seed, "departments"))
    tables += department_tables
    tables += write_cards(out, ledger, _rng(seed, "cards"))
    tables += write_shop(out, _rng(seed, "shop"))
    tables += write_us(out, _rng(seed, "us"))
    tables += write_sales(out, [c.code for c in ledger], _rng(seed, "sales"))
    expected = {"version": 1, "seed": seed, "tables": tables, "duplicates": duplicates,
                "department_rows": department_rows}
    (out / EXPECTED).write_text(PREAMBLE + dump_yaml(expected), encoding="utf-8")
    return expected


def verify(folder: Path = HERE) -> None:
    """Re-read every file with python-calamine and openpyxl; assert expected.yaml holds."""
    expected = yaml.safe_load((folder / EXPECTED).read_text(encoding="utf-8"))
    for entry in expected["tables"]:
        checks.check_entry(folder, entry)
    checks.check_quirks(folder)


def fingerprints(folder: Path) -> dict[str, str]:
    """SHA-256 of each generated file, by name."""
    expected = yaml.safe_load((folder / EXPECTED).read_text(encoding="utf-8"))
    files = sorted({entry["file"] for entry in expected["tables"]} | {EXPECTED})
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in files}


def check_current(folder: Path = HERE, seed: int = SEED) -> list[str]:
    """Regenerate into a temporary folder; return the names of files that differ."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), seed)
        fresh = fingerprints(Path(tmp))
    committed = fingerprints(folder) if (folder / EXPECTED).exists() else {}
    return sorted(name for name in fresh if committed.get(name) != fresh[name])


def main(argv: list[str] | None = None) -> int:
    """Command line: generate and verify, or with --check compare with a fresh run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="fail if files are not current")
    args = parser.parse_args(argv)
    if args.check:
        stale = check_current(args.out, args.seed)
        print("up to date" if not stale else f"stale or non-deterministic: {', '.join(stale)}")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    generate(args.out, args.seed)
    verify(args.out)
    for name, digest in fingerprints(args.out).items():
        size = (args.out / name).stat().st_size
        print(f"{digest[:12]}  {size:>7}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
