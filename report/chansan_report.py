#!/usr/bin/env python3
"""chansan-report: one self-contained HTML page from chansan logs.

    chansan-report LOG... -o report.html

Each LOG is what a run wrote with CHANSAN_OPTIONS=report_format=json (one
JSON object per finding, one per line) or report_format=sarif (a SARIF
2.1.0 log; chansan keeps each finding's JSON in the result's
properties.chansan). Logs of many runs -- a whole test suite -- make one
page: findings grouped by kind and deduplicated (the same kind at the same
user source lines is one finding, counted), each with the source around
every user frame (+-3 lines), a race's two stacks side by side, and for a
deadlock, a lock cycle, a goroutine leak or a lock-order inversion its
graph drawn by Graphviz's dot as inline SVG, the cycle in red.

Invariants: the page loads nothing from elsewhere (styles, graphs and
snippets are inline); every string from a log or a source file is HTML-
escaped; a log that is neither format is an error naming the file (exit 2),
never skipped silently.
"""

import argparse
import html
import json
import os
import shutil
import subprocess
import sys

KINDS = [  # (kind as the logs spell it, section title, SARIF rule id)
    ("data race", "Data races", "chansan/data-race"),
    ("deadlock", "Deadlocks", "chansan/deadlock"),
    ("lock-order inversion", "Lock-order inversions", "chansan/lock-order-inversion"),
    ("goroutine leak", "Goroutine leaks", "chansan/goroutine-leak"),
    ("heap-use-after-free", "Heap uses after free", "chansan/heap-use-after-free"),
]
RACE_KINDS = ("data race", "heap-use-after-free")  # two accesses, shown side by side
KIND_OF_RULE = {rule: kind for kind, _, rule in KINDS}
SNIPPET_CONTEXT = 3  # lines shown above and below a user frame's line

# Frames of the C++ standard library and of the csp runtime: folded under
# the frames a user wrote, as the text report does.
LIBRARY_FUNCTION_PREFIXES = ("std::", "__gnu_cxx::", "__cxxabiv1::", "csp::", "chansan::", "__chansan")
LIBRARY_PATH_PARTS = ("/include/c++/", "/bits/", "/csp/", "/libstdc++", "/libc.so", "/libc-", "/nptl/")


class InputError(Exception):
    pass


def is_library_frame(frame):
    fn = frame.get("function", "")
    path = frame.get("file", "")
    return fn.startswith(LIBRARY_FUNCTION_PREFIXES) or any(p in path for p in LIBRARY_PATH_PARTS) or not path


def first_user_frame(stack):
    for f in stack or []:
        if not is_library_frame(f):
            return f
    return (stack or [None])[0]


# ---------------------------------------------------------------- reading

def read_log(path):
    """The findings in one log, as chansan's JSON objects."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror))
    stripped = text.strip()
    if not stripped:
        return []  # a run with no finding writes an empty JSON log
    try:
        doc = json.loads(stripped)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and "runs" in doc:
        return read_sarif(path, doc)
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError("%s:%d: not a chansan JSON or SARIF log (%s); write one with "
                             "CHANSAN_OPTIONS=report_format=json or report_format=sarif" % (path, number, e.msg))
        if not isinstance(obj, dict) or obj.get("kind") not in KIND_OF_RULE.values():
            raise InputError("%s:%d: not a chansan finding (no known \"kind\")" % (path, number))
        findings.append(obj)
    return findings


def read_sarif(path, doc):
    findings = []
    for run in doc.get("runs", []):
        if run.get("tool", {}).get("driver", {}).get("name") != "chansan":
            raise InputError("%s: a SARIF log from %r, not from chansan" %
                             (path, run.get("tool", {}).get("driver", {}).get("name")))
        for result in run.get("results", []):
            obj = result.get("properties", {}).get("chansan")
            if not isinstance(obj, dict):
                raise InputError("%s: a SARIF result without properties.chansan (written by chansan "
                                 "before 0.18?)" % path)
            findings.append(obj)
    return findings


# ---------------------------------------------------------------- grouping

def primary_stacks(f):
    kind = f["kind"]
    if kind in RACE_KINDS:
        return [a.get("stack", []) for a in f.get("accesses", [])]
    if kind == "lock-order inversion":
        return [e.get("to_stack", []) for e in f.get("edges", [])]
    return [g.get("stack", []) for g in f.get("goroutines", [])]


def finding_key(f):
    """Same kind at the same user lines: one finding, whatever the
    addresses, goroutine ids or which access came first."""
    sites = []
    for stack in primary_stacks(f):
        fr = first_user_frame(stack)
        sites.append("%s:%s" % (fr.get("file", "?"), fr.get("line", 0)) if fr else "?")
    return (f["kind"], tuple(sorted(sites)))


def group(logs):
    groups = {}  # key -> {"finding", "count", "logs"}
    for path, findings in logs:
        for f in findings:
            g = groups.setdefault(finding_key(f), {"finding": f, "count": 0, "logs": []})
            g["count"] += 1
            if path not in g["logs"]:
                g["logs"].append(path)
    return list(groups.values())


# ---------------------------------------------------------------- rendering

def esc(s):
    return html.escape(str(s), quote=True)


def short_path(path):
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("../..") else path
    except ValueError:
        return path


def frame_site(fr):
    if not fr:
        return "?"
    if not fr.get("file"):
        return "&lt;unknown&gt;"
    s = esc(short_path(fr["file"]))
    if fr.get("line"):
        s += ":%d" % fr["line"]
    return s


class SourceCache:
    def __init__(self):
        self.files = {}

    def lines(self, path):
        if path not in self.files:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.files[path] = f.read().splitlines()
            except OSError:
                self.files[path] = None
        return self.files[path]

    def snippet(self, fr):
        lines = self.lines(fr.get("file", "")) if fr.get("file") else None
        line = fr.get("line", 0)
        if not lines or not (1 <= line <= len(lines)):
            return '<div class="nosrc">source not available: %s</div>' % frame_site(fr)
        lo, hi = max(1, line - SNIPPET_CONTEXT), min(len(lines), line + SNIPPET_CONTEXT)
        rows = []
        for n in range(lo, hi + 1):
            cls = ' class="hit"' if n == line else ""
            rows.append('<tr%s><td class="ln">%d</td><td><code>%s</code></td></tr>' % (cls, n, esc(lines[n - 1]) or " "))
        return '<div class="src"><div class="srcname">%s</div><table>%s</table></div>' % (frame_site(fr), "".join(rows))


def render_stack(stack, sources, title, empty_why="stack not recorded"):
    out = ['<div class="stack"><div class="stacktitle">%s</div>' % title]
    if not stack:
        out.append('<div class="nosrc">%s</div>' % esc(empty_why))
    folded = []

    def flush():
        if folded:
            out.append('<details class="lib"><summary>... %d frame%s in libraries</summary>%s</details>' %
                       (len(folded), "" if len(folded) == 1 else "s", "".join(folded)))
            folded.clear()

    for i, fr in enumerate(stack or []):
        line = '<div class="frame%s">#%d <span class="fn">%s</span> <span class="site">%s</span></div>' % (
            " libframe" if is_library_frame(fr) else "", i, esc(fr.get("function", "?")), frame_site(fr))
        if i > 0 and is_library_frame(fr):
            folded.append(line)
            continue
        flush()
        out.append(line)
        if not is_library_frame(fr):
            out.append(sources.snippet(fr))
    flush()
    out.append("</div>")
    return "".join(out)


def goroutine_label(gid, goroutines):
    for g in goroutines or []:
        if g.get("id") == gid and g.get("main"):
            return "goroutine %d (main)" % gid
    return "goroutine %d" % gid


def creation(gid, goroutines, sources):
    for g in goroutines or []:
        if g.get("id") == gid and g.get("created_at"):
            return render_stack(g["created_at"], sources, "%s created at" % esc(goroutine_label(gid, goroutines)))
    return ""


# Graphs: dot source, rendered to inline SVG.

def dot_quote(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def site_text(stack):
    fr = first_user_frame(stack)
    if not fr or not fr.get("file"):
        return ""
    return "%s:%s" % (os.path.basename(fr["file"]), fr.get("line", "?"))


def wait_for_dot(f):
    """Goroutines (ellipses) and the objects they wait on (boxes): "waits
    for" from a goroutine to its object, "held by" from a lock to its
    holder. The cycle's edges and nodes are red."""
    gs = f.get("goroutines", [])
    cycle = set(f.get("cycle", []))
    lines = ["digraph waitfor {", 'rankdir=LR; bgcolor="transparent";',
             'node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10];']
    objects = {}
    for g in gs:
        gid = g.get("id")
        name = goroutine_label(gid, gs) if not g.get("is_thread") else "thread %d" % gid
        if g.get("count", 1) > 1:
            name += " (+%d more)" % (g["count"] - 1)
        in_cycle = gid in cycle
        label = name + "\n" + (g.get("waiting") or "") + ("\n" + site_text(g.get("stack")) if site_text(g.get("stack")) else "")
        lines.append("g%d [shape=ellipse, label=%s%s];" % (gid, dot_quote(label),
                     ', color="#c0392b", penwidth=2.5, fontcolor="#c0392b", class="cycle"' if in_cycle else ""))
        for obj in g.get("objects", []):
            oid = "o" + obj.replace("0x", "")
            objects.setdefault(oid, (g.get("object_kind") or "object", obj, set()))
            holders = g.get("holders", [])
            closes = in_cycle and any(h in cycle for h in holders)
            lines.append("g%d -> %s [label=%s%s];" % (gid, oid, dot_quote("waits for"),
                         ', color="#c0392b", penwidth=2.5, fontcolor="#c0392b", class="cycle"' if closes else ""))
            for h in holders:
                objects[oid][2].add(h)
                red = closes and h in cycle
                lines.append("%s -> g%d [label=%s, style=dashed%s];" % (oid, h, dot_quote("held by"),
                             ', color="#c0392b", penwidth=2.5, fontcolor="#c0392b", class="cycle"' if red else ""))
                if not any(x.get("id") == h for x in gs):
                    lines.append("g%d [shape=ellipse, label=%s];" % (h, dot_quote("goroutine %d" % h)))
    for oid, (kind, addr, holders) in objects.items():
        red = any(h in cycle for h in holders)
        lines.append("%s [shape=box, style=rounded, label=%s%s];" % (oid, dot_quote("%s\n%s" % (kind, addr)),
                     ', color="#c0392b", penwidth=2.5, class="cycle"' if red else ""))
    lines.append("}")
    return "\n".join(lines)


def lock_order_dot(f):
    """Mutexes as boxes; an edge A -> B where a goroutine took B while
    holding A. The inversion is a cycle: every edge is red."""
    names = f.get("names", {})
    lines = ["digraph lockorder {", 'rankdir=LR; bgcolor="transparent";',
             'node [fontname="Helvetica", fontsize=11, shape=box, style=rounded, color="#c0392b", penwidth=2.5];',
             'edge [fontname="Helvetica", fontsize=10, color="#c0392b", fontcolor="#c0392b", penwidth=2.5];']
    seen = set()
    for e in f.get("edges", []):
        for m in (e.get("from"), e.get("to")):
            if m in seen:
                continue
            seen.add(m)
            label = "mutex '%s'\n%s" % (names[m], m) if m in names else "mutex\n%s" % m
            lines.append("m%s [label=%s, class=\"cycle\"];" % (m.replace("0x", ""), dot_quote(label)))
        label = "%s\ntakes it at %s\nholding the other since %s" % (
            goroutine_label(e.get("goroutine"), f.get("goroutines")), site_text(e.get("to_stack")),
            site_text(e.get("from_stack")))
        lines.append("m%s -> m%s [label=%s, class=\"cycle\"];" % (e["from"].replace("0x", ""), e["to"].replace("0x", ""),
                                                                 dot_quote(label)))
    lines.append("}")
    return "\n".join(lines)


class Dot:
    def __init__(self):
        self.exe = shutil.which("dot")
        self.missing_noted = False

    def svg(self, source):
        if not self.exe:
            if not self.missing_noted:
                print("chansan-report: graphviz's dot not found: graphs are shown as dot source "
                      "(apt-get install graphviz)", file=sys.stderr)
                self.missing_noted = True
            return '<pre class="dotsrc">%s</pre>' % esc(source)
        r = subprocess.run([self.exe, "-Tsvg"], input=source, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("dot failed: %s\n%s" % (r.stderr, source))
        svg = r.stdout
        at = svg.find("<svg")  # drop the XML prolog and doctype: inline SVG
        return '<div class="graph">%s</div>' % svg[at:]


def render_finding(number, grp, sources, dot):
    f = grp["finding"]
    kind = f["kind"]
    summary = f.get("summary", {})
    where = "%s in %s" % (frame_site(summary), esc(summary.get("function", "?"))) if summary else ""
    seen = "seen %d time%s in %s" % (grp["count"], "" if grp["count"] == 1 else "s",
                                      ", ".join(esc(os.path.basename(p)) for p in grp["logs"]))
    out = ['<section class="finding" id="f%d"><h3>%s <span class="where">%s</span></h3><div class="seen">%s</div>' %
           (number, esc(kind), where, seen)]
    if kind in RACE_KINDS:
        acc = f.get("accesses", [])
        loc = f.get("location", {})
        if loc.get("kind") == "global":
            out.append('<p class="loc">Location: global <code>%s</code> of size %s at %s</p>' %
                       (esc(loc.get("name")), esc(loc.get("size")), esc(loc.get("address"))))
        elif loc.get("kind") == "heap":
            out.append('<p class="loc">Location: heap block of size %s at %s</p>' % (esc(loc.get("size")),
                                                                                    esc(loc.get("address"))))
        out.append('<div class="sidebyside">')
        for i, a in enumerate(acc[:2]):
            op = ("atomic " if a.get("atomic") else "") + a.get("op", "access")
            title = "%s%s of size %s by %s" % ("Previous " if i else "", esc(op), esc(a.get("size")),
                                              esc(goroutine_label(a.get("goroutine"), f.get("goroutines"))))
            col = [render_stack(a.get("stack"), sources, title.capitalize() if not i else title,
                                "the stack of this earlier access is beyond the history kept (history_size)")]
            col.append(creation(a.get("goroutine"), f.get("goroutines"), sources))
            out.append('<div class="col">%s</div>' % "".join(col))
        out.append("</div>")
        if loc.get("kind") == "heap" and loc.get("allocated_at"):
            out.append(render_stack(loc["allocated_at"], sources, "Heap block allocated at"))
    elif kind == "lock-order inversion":
        out.append(dot.svg(lock_order_dot(f)))
        out.append('<div class="sidebyside">')
        for e in f.get("edges", []):
            who = esc(goroutine_label(e.get("goroutine"), f.get("goroutines")))
            out.append('<div class="col">%s%s</div>' % (
                render_stack(e.get("from_stack"), sources, "%s took mutex %s" % (who, esc(e.get("from")))),
                render_stack(e.get("to_stack"), sources, "then, holding it, mutex %s" % esc(e.get("to")))))
        out.append("</div>")
    else:
        if f.get("title"):
            out.append('<p class="loc">%s</p>' % esc(f["title"]))
        out.append(dot.svg(wait_for_dot(f)))
        if f.get("cycle"):
            ids = f["cycle"] + f["cycle"][:1]
            out.append('<p class="loc">Cycle: %s</p>' % " &rarr; ".join(esc(goroutine_label(g, f.get("goroutines")))
                                                                        for g in ids))
        out.append('<div class="sidebyside">')
        for g in f.get("goroutines", []):
            who = goroutine_label(g.get("id"), f.get("goroutines"))
            what = "%s: %s" % (who, g.get("waiting", ""))
            if g.get("objects"):
                what += " on %s %s" % (g.get("object_kind", ""), ", ".join(g["objects"]))
            if g.get("holders"):
                what += ", held by " + ", ".join(goroutine_label(h, f.get("goroutines")) for h in g["holders"])
            out.append('<div class="col">%s%s</div>' % (render_stack(g.get("stack"), sources, esc(what)),
                                                       creation(g.get("id"), f.get("goroutines"), sources)))
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 4px 0; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 2px solid #ddd; }
h3 { font-size: 15px; margin: 0 0 4px 0; color: #c0392b; } .where { color: #222; font-weight: normal; }
.meta, .seen { color: #666; font-size: 12px; } .finding { background: #fff; border: 1px solid #ddd; border-radius: 6px;
  padding: 12px 16px; margin: 14px 0; } table.counts td { padding: 2px 12px 2px 0; }
.sidebyside { display: flex; gap: 12px; flex-wrap: wrap; } .col { flex: 1 1 420px; min-width: 0; }
.stack { margin: 8px 0; } .stacktitle { font-weight: 600; font-size: 13px; margin-bottom: 2px; }
.frame { font-family: monospace; font-size: 12px; padding: 1px 0; } .libframe { color: #888; }
.fn { color: #1a5276; } .libframe .fn { color: #888; } .site { color: #555; }
details.lib summary { font-family: monospace; font-size: 12px; color: #888; cursor: pointer; }
.src { border: 1px solid #e3e3e3; border-radius: 4px; margin: 2px 0 6px 24px; background: #f6f8fa; overflow-x: auto; }
.srcname { font-size: 11px; color: #666; padding: 2px 6px; border-bottom: 1px solid #e3e3e3; }
.src table { border-collapse: collapse; font-size: 12px; } .src td { padding: 0 6px; white-space: pre; }
.src td.ln { color: #999; text-align: right; user-select: none; } .src tr.hit { background: #fdebd0; }
.nosrc { font-size: 12px; color: #999; margin-left: 24px; } .loc { font-size: 13px; margin: 4px 0; }
.graph { margin: 8px 0; overflow-x: auto; } .graph svg { max-width: 100%; height: auto; }
pre.dotsrc { font-size: 11px; background: #f6f8fa; padding: 6px; }
.none { color: #1e8449; font-weight: 600; }
"""


def render_page(logs, groups):
    sources = SourceCache()
    dot = Dot()
    total = sum(len(f) for _, f in logs)
    out = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>chansan report</title>",
           "<style>%s</style></head><body>" % STYLE,
           "<h1>chansan report</h1>",
           '<div class="meta">%d log%s, %d report%s, %d distinct finding%s</div>' % (
               len(logs), "" if len(logs) == 1 else "s", total, "" if total == 1 else "s",
               len(groups), "" if len(groups) == 1 else "s")]
    out.append('<table class="counts">')
    for kind, title, _ in KINDS:
        n = sum(1 for g in groups if g["finding"]["kind"] == kind)
        out.append("<tr><td>%s</td><td>%d</td></tr>" % (esc(title), n))
    out.append("</table>")
    if not groups:
        out.append('<p class="none">No findings.</p>')
    number = 0
    for kind, title, _ in KINDS:
        mine = [g for g in groups if g["finding"]["kind"] == kind]
        if not mine:
            continue
        out.append("<h2>%s (%d)</h2>" % (esc(title), len(mine)))
        for g in mine:
            number += 1
            out.append(render_finding(number, g, sources, dot))
    out.append('<div class="meta">Logs: %s</div></body></html>' % esc(", ".join(p for p, _ in logs)))
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(prog="chansan-report",
                                 description="One HTML page from chansan JSON or SARIF logs "
                                             "(CHANSAN_OPTIONS=report_format=json|sarif:log_path=...).")
    ap.add_argument("logs", nargs="+", metavar="LOG", help="a JSON or SARIF log written by chansan")
    ap.add_argument("-o", "--output", required=True, metavar="HTML", help="the page to write")
    args = ap.parse_args(argv)
    try:
        logs = [(p, read_log(p)) for p in args.logs]
    except InputError as e:
        print("chansan-report: %s" % e, file=sys.stderr)
        return 2
    groups = group(logs)
    page = render_page(logs, groups)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(page)
    print("chansan-report: %d distinct finding%s from %d log%s -> %s" % (
        len(groups), "" if len(groups) == 1 else "s", len(logs), "" if len(logs) == 1 else "s", args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
