"""Report extraction (报告数字提取): read, normalise and extract figures; see ``luoshi.extract.api``."""
