"""The Qt-free, I/O-free core: checklists, audits and their rules."""
