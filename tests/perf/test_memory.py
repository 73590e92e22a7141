"""Memory after a whole audit: at most 200 MB resident.

rss_probe.py answers every applicable item of the largest shipped checklist through the real
window's widgets, in a process of its own, and reports its resident memory then and at peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PERF = Path(__file__).resolve().parent
TARGET_MB = 200


def test_a_whole_audit_stays_within_200_mb_resident(child_env, qt_platform, report, tmp_path):
    folder = tmp_path / "data"
    done = subprocess.run([sys.executable, str(PERF / "rss_probe.py"), str(folder)], cwd=tmp_path,
                          env=child_env(SELF_AUDIT_DATA_DIR=str(folder)), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    rss_mb, peak_mb = found["VmRSS"] / 1024, max(found["VmHWM"], found["ru_maxrss"]) / 1024
    report(f"memory after a whole audit ({found['items']} items of {found['checklist']}, {qt_platform}): "
           f"{rss_mb:.0f} MB resident (VmRSS), peak {peak_mb:.0f} MB (VmHWM / ru_maxrss) "
           f"(target <= {TARGET_MB} MB)")
    assert rss_mb <= TARGET_MB and peak_mb <= TARGET_MB
