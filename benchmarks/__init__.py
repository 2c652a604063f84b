"""Speed and quality benchmarks (run as scripts; see RESULTS*.md)."""
