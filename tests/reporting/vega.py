"""Reading a chart's Vega-Lite specification in tests: what each mark is drawn for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def bar_values(spec: dict[str, Any]) -> dict[str, Decimal]:
    """The bars of a bar chart's specification by label, with the value each is drawn for
    (altair may hoist the layers' shared data into ``datasets``)."""
    datasets = spec.get("datasets", {})
    for layer in spec.get("layer", [spec]):
        mark = layer.get("mark")
        if (mark.get("type") if isinstance(mark, dict) else mark) != "bar":
            continue
        data = layer.get("data") or spec["data"]
        values = datasets[data["name"]] if "name" in data else data["values"]
        return {str(row["label"]): Decimal(str(row["value"])) for row in values}
    raise AssertionError("the specification has no bar layer")
