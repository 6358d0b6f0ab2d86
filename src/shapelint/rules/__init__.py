"""The judgments over model graphs and their pages."""
