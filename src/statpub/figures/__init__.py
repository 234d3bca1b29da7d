"""The maintainer's figure files: sources, indicators and the figures quoted from them."""
