"""From source text to diagnostics: the gate, the analysis of one file, fixes."""
