"""The app's colours, in one place, for every chart builder.

Series use the Okabe-Ito palette, readable with every common colour-vision deficiency. The theme in
.streamlit/config.toml cannot import Python: it repeats PRIMARY, TEXT, BORDER, SECONDARY_BACKGROUND
and CATEGORICAL, and tests/unit/test_palette.py keeps the two equal.
"""

from __future__ import annotations

# The theme's colours.
PRIMARY = "#1d4e89"  # buttons, links, the keyboard focus ring
TEXT = "#0e1620"
BORDER = "#7f8da1"  # widget outlines; neutral bars (3.4:1 on white)
SECONDARY_BACKGROUND = "#f3f6fa"
WHITE = "#ffffff"
TRANSPARENT = "rgba(0,0,0,0)"

# Okabe-Ito, with the contrast on white of those that draw data (WCAG 1.4.11 asks 3:1).
BLUE = "#0072B2"  # 5.2
VERMILLION = "#D55E00"  # 3.9
GREEN = "#009E73"  # bluish green, 3.4
PURPLE = "#CC79A7"  # reddish purple, 3.1
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
YELLOW = "#F0E442"
# In this order the first five reach WCAG 1.4.11's 3:1 on white; the last three do not, so a chart
# with more than five series must also tell them apart by dash, marker or label.
CATEGORICAL = (BLUE, VERMILLION, GREEN, PURPLE, BLACK, ORANGE, SKY_BLUE, YELLOW)

# Neutrals.
GREY = "#5b6573"  # secondary text, reference lines (5.9)
INK = "#1b2430"  # the darkest series and outlines on staff charts
GRID = "#e3e7ec"
GAP = "#eef0f3"  # a heatmap cell with no value
LOW_N_CELL = "#d4d8de"  # a heatmap cell under the k threshold: flat grey, off the colour scale

BLUE_FILL = "rgba(0,114,178,0.12)"  # BLUE, faint: the company's area on the radar
SKY_FILL = "rgba(86,180,233,0.35)"  # SKY_BLUE, light: the room's middle half on the projector
HEATMAP_SCALE = "Cividis"  # sequential, readable with every common colour-vision deficiency
# Change from the previous wave: orange (down) - white (no change) - blue (up), readable with every
# common colour-vision deficiency (no red against green).
DIVERGING_SCALE = [
    [0.0, "#b35806"],
    [0.25, "#f1a340"],
    [0.5, "#f7f7f7"],
    [0.75, "#67a9cf"],
    [1.0, "#2166ac"],
]
