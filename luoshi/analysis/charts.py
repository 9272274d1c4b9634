"""Bar charts of the monthly report as PNG bytes (matplotlib, Agg, a real CJK font), the same bytes every time.

No pyplot: each chart is its own ``Figure`` on an Agg canvas, so nothing global is touched and jobs may run
side by side. PNG metadata carries no software version and the resolution is fixed, so one set of numbers
always gives one image.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

from django.utils.translation import gettext as _
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from luoshi.core.errors import RuleViolation

# Simplified Chinese first: the Noto CJK collection's first face is the Japanese one.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
)
DPI = 120
SIZE = (8.0, 3.8)
COLOURS = ("#2f6fb0", "#4caf50", "#e0a800", "#d9534f")


class NoChineseFont(RuleViolation):
    """No font that draws Chinese is installed: charts would show empty boxes, so none is drawn."""

    code = "no_cjk_font"


@cache
def cjk_family() -> str:
    """The first installed CJK font family; ``NoChineseFont`` when there is none."""
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    raise NoChineseFont(
        _(
            "未找到中文字体，无法绘制统计图。"
            "请在服务器上安装 Noto CJK 字体（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重试。"
        )
    )


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | int | None]]],
    *,
    ylabel: str = "",
    top: float | None = None,
) -> bytes:
    """Grouped bars, one group per label and one bar per series (missing values drawn as 0), as PNG bytes."""
    family = cjk_family()
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    count = max(len(series), 1)
    width = 0.8 / count
    positions = list(range(len(labels)))
    for index, (name, values) in enumerate(series):
        shifted = [p - 0.4 + width * (index + 0.5) for p in positions]
        heights = [float(v) if v is not None else 0.0 for v in values]
        axes.bar(shifted, heights, width=width, label=name, color=COLOURS[index % len(COLOURS)])
    axes.set_xticks(positions)
    rotate = 45 if len(labels) > 8 else 0
    axes.set_xticklabels(labels, fontfamily=family, fontsize=8, rotation=rotate, ha="right" if rotate else "center")
    axes.set_title(title, fontfamily=family, fontsize=11)
    if ylabel:
        axes.set_ylabel(ylabel, fontfamily=family, fontsize=9)
    if top is not None:
        axes.set_ylim(0, top)
    else:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=8)
    if len(series) > 1:
        axes.legend(prop={"family": family, "size": 8}, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    target = io.BytesIO()
    figure.savefig(target, format="png", dpi=DPI, metadata={"Software": None})
    return target.getvalue()
