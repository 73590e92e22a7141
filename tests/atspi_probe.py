#!/usr/bin/python3
"""Look at a running app the way a screen reader does, through AT-SPI, and print JSON.

Runs on the *system* Python, which has python3-pyatspi (the app's venv does not):

    /usr/bin/python3 tests/atspi_probe.py StaffSelfAudit [--pid PID] [--timeout 20] [--steps JSON]

It waits (at most --timeout seconds) for the application to appear on the accessibility bus
with a showing window, then either prints every node of its tree that is showing and visible
(role, name, description, states, actions, the names of the labels it is labelled by, and
the path of roles to it; hidden pages stay in the tree and are left out) or, with --steps,
runs a list of steps and prints what each found:

    {"do": "dump"}                                        the showing nodes
    {"do": "type", "role": "text", "name": "Full name", "text": "Ada"}   setTextContents
    {"do": "press", "role": "push button", "name": "Start my audit"}      doAction(0)
    {"do": "wait", "role": "push button", "name": "Next item"}            until it is showing

A step that finds no showing node with that role and name fails: the probe prints what it
did find and exits 1. Exit 2: the application never appeared (or its process ended).
Only the standard library and pyatspi, so it runs wherever the Debian package is installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pyatspi

POLL_S = 0.1
MAX_NODES = 5000  # a guard against a tree that never ends (a model with a million rows)
STATE_NAMES = {
    pyatspi.STATE_SHOWING: "showing", pyatspi.STATE_VISIBLE: "visible", pyatspi.STATE_FOCUSABLE: "focusable",
    pyatspi.STATE_FOCUSED: "focused", pyatspi.STATE_ENABLED: "enabled", pyatspi.STATE_SENSITIVE: "sensitive",
    pyatspi.STATE_EDITABLE: "editable", pyatspi.STATE_CHECKED: "checked", pyatspi.STATE_SELECTED: "selected",
    pyatspi.STATE_READ_ONLY: "read-only", pyatspi.STATE_IS_DEFAULT: "default",
}


class ProbeError(Exception):
    def __init__(self, message: str, code: int = 1, found=None):
        super().__init__(message)
        self.code = code
        self.found = found


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def find_app(name: str, pid: int | None):
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        try:
            app = desktop.getChildAtIndex(index)
            if app is None:
                continue
            if pid is not None:
                if app.get_process_id() == pid:
                    return app
            elif app.name == name:
                return app
        except Exception:  # an application leaving the bus while we look
            continue
    return None


def states_of(node) -> set:
    try:
        return set(node.getState().getStates())
    except Exception:
        return set()


def has_showing_window(app) -> bool:
    for index in range(app.childCount):
        child = app.getChildAtIndex(index)
        if child is not None and pyatspi.STATE_SHOWING in states_of(child) and child.childCount:
            return True
    return False


def wait_for_app(name: str, pid: int | None, deadline: float):
    while True:
        if pid is not None and not process_alive(pid):
            raise ProbeError(f"the application (pid {pid}) is no longer running", code=2)
        try:
            app = find_app(name, pid)
            if app is not None and has_showing_window(app):
                return app
        except Exception:
            pass
        if time.monotonic() > deadline:
            raise ProbeError(f"{name} (pid {pid}) did not appear on the accessibility bus with a showing window",
                             code=2)
        time.sleep(POLL_S)


def walk(app) -> list[dict]:
    """Every showing node under the application, depth first, with the path of roles to it."""
    found: list[dict] = []
    stack = [(app, [], "")]
    seen = 0
    while stack:
        node, path, where = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ProbeError(f"more than {MAX_NODES} nodes: is a model exposing every row?", found=found)
        states = states_of(node)
        is_app = node is app
        if not is_app and not {pyatspi.STATE_SHOWING, pyatspi.STATE_VISIBLE} <= states:
            continue  # hidden pages stay in the tree; what is not showing is not read out
        role = node.getRoleName()
        name = node.name or ""
        if not is_app:
            found.append({
                "role": role,
                "name": name,
                "description": node.description or "",
                "states": sorted(STATE_NAMES[s] for s in states if s in STATE_NAMES),
                "path": where,
                "actions": _action_names(node),
                "labelled_by": _labels(node),
            })
        here = path + [f"{role}:{name}" if name else role]
        children = []
        for index in range(node.childCount):
            try:
                child = node.getChildAtIndex(index)
            except Exception:
                child = None
            if child is not None:
                children.append(child)
        for child in reversed(children):
            stack.append((child, here, " > ".join(here)))
    return found


def _action_names(node) -> list[str]:
    try:
        action = node.queryAction()
    except Exception:  # NotImplementedError, or the node left the bus
        return []
    return [action.getName(i) for i in range(action.nActions)]


def _labels(node) -> list[str]:
    """The names of the nodes that label this one (a form's buddy labels)."""
    try:
        relations = node.getRelationSet()
    except Exception:
        return []
    names = []
    for relation in relations:
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for index in range(relation.getNTargets()):
                target = relation.getTarget(index)
                if target is not None and target.name:
                    names.append(target.name)
    return names


def find_node(app, role: str, name: str):
    """The showing node with this role and name (the first, depth first), or None."""
    stack = [app]
    while stack:
        node = stack.pop()
        if node is not app and not {pyatspi.STATE_SHOWING, pyatspi.STATE_VISIBLE} <= states_of(node):
            continue
        if node is not app and node.getRoleName() == role and (node.name or "") == name:
            return node
        children = [node.getChildAtIndex(i) for i in range(node.childCount)]
        stack.extend(c for c in reversed(children) if c is not None)
    return None


def run_step(app, step: dict, deadline: float):
    kind = step["do"]
    if kind == "dump":
        return walk(app)
    role, name = step["role"], step["name"]
    while True:
        node = find_node(app, role, name)
        if node is not None or kind != "wait" or time.monotonic() > deadline:
            break
        time.sleep(POLL_S)
    if node is None:
        raise ProbeError(f"no showing {role!r} named {name!r}", found=walk(app))
    if kind == "wait":
        return {"role": role, "name": name}
    if kind == "type":
        node.queryEditableText().setTextContents(step["text"])
        return {"role": role, "name": name, "text": node.queryText().getText(0, -1)}
    if kind == "press":
        return {"role": role, "name": name, "done": bool(node.queryAction().doAction(step.get("action", 0)))}
    raise ProbeError(f"unknown step {kind!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app", help="the application's accessible name (Qt: its applicationName)")
    parser.add_argument("--pid", type=int, help="the application's process id (picks it among several)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for the app and for 'wait'")
    parser.add_argument("--steps", help="a JSON list of steps (see the module docstring); default: one dump")
    args = parser.parse_args(argv)
    steps = json.loads(args.steps) if args.steps else [{"do": "dump"}]
    started = time.monotonic()
    deadline = started + args.timeout
    results = []
    try:
        app = wait_for_app(args.app, args.pid, deadline)
        for step in steps:
            results.append(run_step(app, step, time.monotonic() + args.timeout))
    except ProbeError as exc:
        json.dump({"error": str(exc), "results": results, "found": exc.found,
                   "seconds": round(time.monotonic() - started, 2)}, sys.stdout, indent=1)
        return exc.code
    json.dump({"app": args.app, "pid": args.pid, "results": results,
               "seconds": round(time.monotonic() - started, 2)}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
