"""Building and signing the largest checklist's PDF: at most 100 ms, warm.

The largest checklist with every item applying (all platforms, every profile question yes, a
new starter), all answered, some needing action; a drawn signature; an identity made in
memory. Warm: fonts registered and pyHanko imported by a first run, as for someone who signs
again. What is timed is exactly what the export worker does between unlocking the key and
writing the file: app.pdf.document.build_pdf then app.signing.sign.sign_pdf.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta, timezone

ROUNDS = 20
TARGET_MS = 100.0


def _confirmation():
    from app.checklist_files import load_bundled
    from app.core.audit import Answer, Audit, AuditType, Person, Status
    from app.core.checklist import Profile
    from app.core.confirmation import build_confirmation
    from app.core.platforms import PLATFORMS

    checklists, problems = load_bundled()
    assert not problems
    checklist = max(checklists, key=lambda c: len(c.items))
    profile = Profile(platforms=frozenset(PLATFORMS), new_starter=True,
                      answers={q.id: True for q in checklist.questions})
    audit = Audit(Person("Nguyễn Thị Minh Khai", "S1003", "Teaching assistant"), checklist.school, checklist.id,
                  checklist.version, checklist.sha256, "2026-27", AuditType.INDUCTION,
                  datetime(2026, 9, 2, 9, tzinfo=timezone.utc), profile)
    for n, item in enumerate(checklist.applicable_items(profile)):
        audit = audit.with_answer(item.id, Answer(Status.ACTION, action="Untag the fete photos of me with pupils",
                                                  due=date(2026, 12, 1) + timedelta(days=n))
                                  if n % 4 == 0 else Answer(Status.DONE))
    audit.completed_at = datetime(2026, 9, 3, 10, tzinfo=timezone.utc)
    return build_confirmation(checklist, audit, "SA-2026-27-BENCH"), len(checklist.items)


def test_building_and_signing_the_largest_checklist_takes_at_most_100_ms_warm(report):
    from app.pdf.document import build_pdf
    from app.signing.identity import create_self_signed
    from app.signing.sign import sign_pdf

    confirmation, items = _confirmation()
    identity = create_self_signed(confirmation.staff.name, confirmation.staff.id, confirmation.school)
    handwriting = (tuple((x / 40, 0.5 + 0.3 * ((x % 7) - 3) / 3) for x in range(40)),)

    build_times: list[float] = []

    def build_and_sign() -> bytes:
        started = time.perf_counter()
        built = build_pdf(confirmation, fingerprint=identity.fingerprint, handwriting=handwriting)
        build_times.append((time.perf_counter() - started) * 1000)
        return sign_pdf(built.data, confirmation, identity, signature_page=built.signature_page,
                        signature_box=built.signature_box, signer_name=confirmation.staff.name)

    build_and_sign()  # warm: fonts, pyHanko's lazy modules
    build_times.clear()
    times, cpu_times = [], []
    for _ in range(ROUNDS):
        started, cpu_started = time.perf_counter(), time.process_time()
        signed = build_and_sign()
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
    median = statistics.median(times)
    # The CPU time tells this work from waiting for a core on a shared machine; the target is
    # the wall time someone waits.
    report(f"build + sign, {items}-item checklist, {len(confirmation.items)} items applying "
           f"({len(signed) // 1024} kB PDF): median {median:.0f} ms, fastest {min(times):.0f} ms "
           f"over {ROUNDS} (target <= {TARGET_MS:.0f} ms); build median {statistics.median(build_times):.0f} ms, "
           f"sign {statistics.median(t - b for t, b in zip(times, build_times)):.0f} ms; "
           f"CPU median {statistics.median(cpu_times):.0f} ms")
    assert median <= TARGET_MS, f"build + sign took {median:.0f} ms (median); the target is {TARGET_MS:.0f} ms"
