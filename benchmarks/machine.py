"""What machine and software a benchmark ran on (shared by the benchmark scripts)."""

from __future__ import annotations

import os
import platform

import numpy as np


def machine() -> dict[str, str]:
    """A short description of the machine and software the benchmark ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(), "numpy": np.__version__,
            "os": f"{platform.system()} {platform.release()}"}
