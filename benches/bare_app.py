"""The baseline: a bare Textual app that draws one line and nothing else."""
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("Inloggen")


if __name__ == "__main__":
    Bare().run()
