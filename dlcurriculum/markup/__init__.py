"""Pure cores of the Markdown rendering (no Django): math typeset as MathML."""
