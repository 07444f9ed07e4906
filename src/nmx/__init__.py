"""nmx: the 六安市 2023 暖民心行动 publicity plan as data you can query, check and act on."""

__version__ = "0.1.0"
