"""The desk's themes: Textual's own, and a high-contrast one for who reads the screen less well.

High contrast: white and yellow on black, no mid-grey text; every status also carries a mark or
a word (✓/✗, "binnen", "dicht"), so it reads without colour too, as it does with NO_COLOR.
"""
from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = "bwk-hoog-contrast"
STANDARD = "textual-dark"

HIGH_CONTRAST_THEME = Theme(
    name=HIGH_CONTRAST,
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    warning="#FFB000",
    error="#FF5555",
    success="#00FF66",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "text-disabled": "#C0C0C0",
        "input-selection-background": "#FFFF00 60%",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
    },
)


def theme_for(setting: str) -> str:
    return HIGH_CONTRAST if setting == "hoog-contrast" else STANDARD
