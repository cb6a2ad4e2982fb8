"""What a benchmark reports: named figures with units, targets and whether they are met."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""

    def formatted_value(self) -> str:
        if self.unit == "%":
            return f"{self.value:.1f} %"
        if abs(self.value) >= 100:
            return f"{self.value:,.0f} {self.unit}"
        return f"{self.value:.2f} {self.unit}"
