"""``pkm new``: start an agreement from one of the standard templates."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .errors import UsageError, suggest
from .output import write_all, write_error
from .resources import resource_dir


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    description: str

    @property
    def sample(self) -> Path:
        return self.path.with_name(f"{self.name}.sample.yaml")


def list_templates() -> list[Template]:
    """The standard agreement templates, each described by its first comment line."""
    out = []
    for path in sorted(resource_dir("templates").glob("*.pkm")):
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        description = first[0].lstrip("# ").strip() if first and first[0].startswith("#") else ""
        out.append(Template(path.stem, path, description))
    return out


def find_template(name: str) -> Template:
    templates = list_templates()
    for template in templates:
        if template.name == name or template.path == Path(name):
            return template
    raise UsageError(f"there is no template `{name}`",
                     suggest(name, [t.name for t in templates]) or "`pkm new --list` shows the templates")


def add_new_parser(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser("new", help="start an agreement from a standard template")
    new.add_argument("template", nargs="?", help="template name (see --list)")
    new.add_argument("file", nargs="?", type=Path, help="the new agreement file (.pkm)")
    new.add_argument("--list", action="store_true", help="list the templates")


def new_command(args: argparse.Namespace, out: TextIO) -> int:
    if args.list:
        templates = list_templates()
        width = max((len(t.name) for t in templates), default=0)
        for template in templates:
            print(f"{template.name:<{width}}  {template.description}", file=out)
        return 0
    if not args.template or not args.file:
        raise UsageError("give a template and a file name", "e.g. `pkm new kesehatan perjanjian.pkm`")
    template = find_template(args.template)
    target: Path = args.file
    if target.is_dir():  # not `FOLDER.pkm` beside it
        example = target / f"{template.name}.pkm"
        raise UsageError(f"{target} is a folder; give the file to write in it, e.g. {example}")
    if target.suffix != ".pkm":
        target = target.with_suffix(".pkm")
    data_target = target.with_suffix(".yaml")
    for path in (target, data_target):
        if path.exists():
            raise UsageError(f"{path} already exists; pkm new does not overwrite files")
    files = {target: template.path.read_bytes()}
    if template.sample.is_file():
        files[data_target] = template.sample.read_bytes()
    try:
        write_all(files)  # both files or neither
    except OSError as exc:
        raise write_error(exc, target.parent) from None
    print(f"wrote {target}", file=out)
    if data_target in files:
        print(f"wrote {data_target} (sample data: replace it with your own)", file=out)
        print(f"build it with: pkm build {target} --data {data_target} -o out", file=out)
    else:
        print(f"build it with: pkm build {target} -o out", file=out)
    return 0
