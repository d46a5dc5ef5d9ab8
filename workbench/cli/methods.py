"""``workbench methods [--json]``: the catalogue of methods with their parameters."""

from __future__ import annotations

import argparse
import json

from workbench.core import registry

COMMAND = "methods"
HELP = "list the restoration methods and their parameters"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the catalogue as JSON")


def run(args: argparse.Namespace) -> int:
    methods = registry.available()
    if args.json:
        print(json.dumps([method.describe() for method in methods], indent=2))
        return 0
    for method in methods:
        tasks = ",".join(sorted(task.value for task in method.tasks))
        print(f"{method.name:<16} {method.family:<12} {tasks:<22} {method.summary}")
        for param in method.params:
            facts = param.describe()
            span = f" [{facts['min']}..{facts['max']}]" if "min" in facts else ""
            choices = f" {{{','.join(facts['choices'])}}}" if "choices" in facts else ""
            unit = f" {facts['unit']}" if facts.get("unit") else ""
            special = f" ({facts['special']} = {facts['min']})" if facts.get("special") else ""
            default = param.show(param.default) if facts.get("special") else param.default
            print(f"    {param.name}={default}{span}{choices}{unit}{special}  {param.help}")
    return 0
