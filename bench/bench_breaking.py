"""Benchmark: `workbench breaking` / `workbench lint` against `buf breaking` / `buf lint`, side by side.

    .venv/bin/python bench/bench_breaking.py [--runs 5] [--messages 5000] [--files 500]
                                             [--many-files 2000] [--with-repo] [--keep DIR]

Inputs, generated into a temp dir at bench time (nothing is committed), each a plain buf module (a
`buf.yaml` v2 at its root) with a `before/` and an `after/` copy; both tools run in `after/` with
`--against ../before`, as a reviewer would:

(a) a 1-file module (the common case in CI): a field deleted, one retyped;
(b) 5,000 messages over 500 files with imports between them, and a mutated copy (deleted, retyped
    and renamed fields, renamed messages, removed reserved ranges, deleted enum values, additions);
(c) ~2,000 files (3 messages each) with imports between them, mutated the same way;
(r) with --with-repo: this repository against a branch (both tools read the base from git).

`workbench lint` and `buf lint` run on each `after/` tree too (STANDARD; on (b) and (c) without
PACKAGE_NO_IMPORT_CYCLE, which `buf lint` does not finish there: see BUF_YAML_GENERATED).

Before any ratio is reported, the two tools' findings are compared (rule, file, line, column, end,
message): a ratio is only printed when they found the same changes, otherwise the differences are.
Runs alternate (workbench, buf, workbench, buf, ...) and the ratios are medians of the per-pair
ratios, so a load spike from other work on the machine hits both sides of a pair. Memory is the whole
process tree's peak PSS (sampled every 5 ms, at least the kernel's max RSS of its biggest process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess  # noqa: S404 - fixed argument lists
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _installed import installed_env  # noqa: E402

PY = sys.executable
BUF = str(Path(PY).parent / "buf") if (Path(PY).parent / "buf").exists() else (shutil.which("buf") or "buf")
# the console script a user runs; `python -m` as a fallback (an uninstalled checkout)
WORKBENCH = [str(Path(PY).parent / "workbench")] if (Path(PY).parent / "workbench").exists() else \
    [PY, "-m", "workbench.cli.main"]
SCALARS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool", "string", "bytes", "double",
           "float", "fixed32", "fixed64"]
BUF_YAML = "version: v2\nbreaking:\n  use: [FILE]\nlint:\n  use: [STANDARD]\n"
# The generated trees (b, c) lint without PACKAGE_NO_IMPORT_CYCLE: `buf lint` follows every import path
# between their 50-200 packages looking for a cycle (there is none) and had not finished after 20
# minutes on (b); with the rule off it takes seconds, and both tools run the other STANDARD rules.
BUF_YAML_GENERATED = BUF_YAML + "  except: [PACKAGE_NO_IMPORT_CYCLE]\n"


@dataclass
class Measure:
    seconds: float
    peak_kib: int
    code: int
    cpu: float = 0.0  # user + system seconds of the process (and the children it waited for)


def _tree_rss_kib(pid: int) -> int:
    """Memory of `pid` and all its descendants (forked compile workers count too), as PSS so pages a
    forked worker still shares with its parent are not counted twice."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def measure(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measure:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1, 100):
        raise SystemExit(f"{args[0]} failed ({proc.returncode}): {err[-2000:]}")
    # the kernel's max RSS of the biggest single process is a floor for the sampled tree peak
    return Measure(elapsed, max(peak, usage.ru_maxrss), proc.returncode, usage.ru_utime + usage.ru_stime)


# --------------------------------------------------------------------- (r) this repository


def repo_pair(tmp: Path) -> tuple[Path, list[str], list[str]]:
    clone = tmp / "repo"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)  # noqa: S603, S607
    subprocess.run(["git", "-C", str(clone), "checkout", "-qb", "bench-change"], check=True)  # noqa: S603, S607
    protos = sorted((clone / "proto").rglob("*.proto"))
    if not protos:
        raise SystemExit("this repository has no committed protos to benchmark")
    path = protos[0]
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    # delete the first plain scalar field we meet, retype the next one, add an entity
    done: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("string ", "int64 ", "bool ", "int32 ")) and stripped.endswith(";"):
            if "delete" not in done:
                lines[i] = ""
                done.append("delete")
            elif "retype" not in done and stripped.startswith("string "):
                lines[i] = line.replace("string ", "bytes ", 1)
                done.append("retype")
            elif "json" not in done and "[" not in stripped:
                lines[i] = line.replace(";", ' [json_name = "renamedForBench"];', 1)
                done.append("json")
    path.write_text("".join(lines) + "\n// Added by the benchmark.\nmessage BenchAdded {\n  int64 id = 1;\n}\n")
    subprocess.run(["git", "-C", str(clone), "commit", "-qam", "bench change"], check=True)  # noqa: S603, S607
    ours = [*WORKBENCH, "--root", str(clone), "breaking", "--against", "main", "--error-format", "json"]
    theirs = [BUF, "breaking", "proto", "--against", ".git#branch=main,subdir=proto", "--error-format", "json"]
    return clone, ours, theirs


# --------------------------------------------------------------------- generated inputs


def generate(root: Path, messages: int, files: int, seed: int = 7) -> None:
    """`files` files in packages of 10 files, `messages` messages, imports between files."""
    rng = random.Random(seed)
    per_file = max(1, messages // files)
    for f in range(files):
        pkg = f"bench.p{f // 10:03d}.v1"
        rel = Path(f"bench/p{f // 10:03d}/v1/f{f:04d}.proto")
        imports = sorted({rng.randrange(f) for _ in range(min(f, 3))}) if f else []
        out = ['syntax = "proto3";', "", f"package {pkg};", ""]
        out += [f'import "bench/p{i // 10:03d}/v1/f{i:04d}.proto";' for i in imports]
        out += ["", f"enum F{f}Kind {{", f"  F{f}_KIND_UNSPECIFIED = 0;"]
        out += [f"  F{f}_KIND_V{v} = {v};" for v in range(1, 6)]
        out.append("}")
        for m in range(per_file):
            out += ["", f"// Message {m} of file {f}.", f"message F{f}M{m} {{", "  reserved 100 to 110;",
                    '  reserved "legacy";']
            for n in range(1, rng.randint(8, 15)):
                roll = rng.random()
                if roll < 0.1 and imports:
                    i = rng.choice(imports)
                    kind = f"bench.p{i // 10:03d}.v1.F{i}M{rng.randrange(min(per_file, 5))}"
                elif roll < 0.2:
                    kind = f"F{f}Kind"
                elif roll < 0.25 and m:
                    kind = f"F{f}M{rng.randrange(min(m, 5))}"  # refs only to the first five messages
                else:
                    kind = rng.choice(SCALARS)
                label = rng.choice(["", "", "", "repeated ", "optional "]) if not kind.startswith("bench") else ""
                out.append(f"  // Field {n}.")
                out.append(f"  {label}{kind} field_{n} = {n};")
            out.append("}")
        if f % 10 == 0:
            out += ["", f"service F{f}Service {{"]
            out += [f"  rpc Call{m}(F{f}M{m}) returns (F{f}M{(m + 1) % per_file});" for m in range(min(per_file, 4))]
            out.append("}")
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out) + "\n")


def mutate(src: Path, dst: Path, seed: int = 11) -> dict[str, int]:
    """Copy `src` to `dst` with a realistic mix of changes (counts returned)."""
    rng = random.Random(seed)
    counts = {"field deleted": 0, "type changed": 0, "field renamed": 0, "message renamed": 0,
              "reserved removed": 0, "field added": 0, "message added": 0, "enum value deleted": 0}
    for path in sorted(src.rglob("*.proto")):
        lines = path.read_text().splitlines()
        out = []
        message = ""
        for line in lines:
            s = line.strip()
            if s.startswith("message "):
                message = s.split()[1]
                # messages past the first five are never referenced: safe to rename
                if int(message.split("M")[-1]) >= 5 and rng.random() < 0.01:
                    line = line.replace(message, message + "Renamed", 1)
                    counts["message renamed"] += 1
            elif s.startswith("reserved 100") and rng.random() < 0.01:
                counts["reserved removed"] += 1
                continue
            elif s.endswith(";") and " field_" in s and not s.startswith("//"):
                roll = rng.random()
                if roll < 0.01:
                    counts["field deleted"] += 1
                    continue
                if roll < 0.02 and any(s.startswith(t + " ") for t in ("int32", "string", "bool")):
                    line = line.replace("int32 ", "int64 ", 1).replace("string ", "bytes ", 1).replace(
                        "bool ", "int32 ", 1)
                    counts["type changed"] += 1
                elif roll < 0.03:
                    line = line.replace(" field_", " renamed_field_", 1)
                    counts["field renamed"] += 1
            elif s == "}" and message:
                if rng.random() < 0.02:
                    out.append("  string added_field = 50;")
                    counts["field added"] += 1
                message = ""
            elif "_KIND_V5 = 5;" in s and rng.random() < 0.02:
                counts["enum value deleted"] += 1
                continue
            out.append(line)
        if rng.random() < 0.05:
            out += ["", f"message Added{path.stem} {{", "  int64 id = 1;", "}"]
            counts["message added"] += 1
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(out) + "\n")
    return counts




def one_file_module(root: Path) -> None:
    """(a): one file, as most modules a CI job checks are small."""
    text = ('syntax = "proto3";\n\npackage shop.v1;\n\n// An order.\nmessage Order {\n  // id\n  string id = 1;\n'
            '  // total\n  int64 total_minor = 2;\n  // note\n  string note = 3;\n}\n')
    for side in ("before", "after"):
        (root / side / "shop" / "v1").mkdir(parents=True, exist_ok=True)
        (root / side / "buf.yaml").write_text(BUF_YAML)
    (root / "before" / "shop" / "v1" / "order.proto").write_text(text)
    (root / "after" / "shop" / "v1" / "order.proto").write_text(
        text.replace("  // note\n  string note = 3;\n", "").replace("int64 total_minor", "int32 total_minor"))


def generated_module(root: Path, messages: int, files: int) -> dict[str, int]:
    generate(root / "before", messages, files)
    counts = mutate(root / "before", root / "after")
    for side in ("before", "after"):
        (root / side / "buf.yaml").write_text(BUF_YAML_GENERATED)
    return counts


# --------------------------------------------------------------------- running and comparing


Key = tuple[str, str, int, int, int, int, str]


def findings(args: list[str], cwd: Path, env: dict[str, str]) -> set[Key]:
    """(rule, file, line, column, end line, end column, message) of one run's JSON lines (buf's
    --error-format json, which both print)."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode not in (0, 1, 100):
        raise SystemExit(f"{args[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    out = set()
    for line in done.stdout.splitlines():
        if line.strip():
            d = json.loads(line)
            out.add((d["type"], d.get("path", ""), int(d.get("start_line", 0)), int(d.get("start_column", 0)),
                     int(d.get("end_line", 0)), int(d.get("end_column", 0)), d.get("message", "")))
    return out


@dataclass
class Row:
    label: str
    ours: list[Measure]
    theirs: list[Measure]
    same: bool
    only_ours: list[Key]
    only_buf: list[Key]
    count: int


def run_pair(label: str, ours: list[str], theirs: list[str], cwd: Path, runs: int) -> Row:
    env = installed_env()  # run as an installed package does: with cached bytecode
    env["BUF_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "wb-bench-buf-cache")
    a, b = findings(ours, cwd, env), findings(theirs, cwd, env)  # also the warm-up of both tools
    row = Row(label, [], [], a == b, sorted(a - b)[:5], sorted(b - a)[:5], len(b))
    if not row.same:
        return row  # a ratio between tools that disagree means nothing
    for _ in range(runs):
        row.ours.append(measure(ours, cwd, env))
        row.theirs.append(measure(theirs, cwd, env))
    return row


HEAD = (f"{'input':<44} {'found':>6} {'workbench s':>11} {'buf s':>7} {'time':>7} {'cpu':>7} "
        f"{'workbench MiB':>13} {'buf MiB':>8} {'memory':>7}")


def print_row(row: Row) -> None:
    """One line per input as soon as it is measured (a long run still shows what it has)."""
    if not row.same:
        print(f"{row.label:<44} DIFFERENT FINDINGS (no ratio): only workbench {row.only_ours}, only buf "
              f"{row.only_buf}", flush=True)
        return
    pairs = list(zip(row.ours, row.theirs, strict=True))
    ours_t = statistics.median(m.seconds for m in row.ours)
    buf_t = statistics.median(m.seconds for m in row.theirs)
    ratio_t = statistics.median(o.seconds / t.seconds for o, t in pairs)
    cpu_pairs = [o.cpu / t.cpu for o, t in pairs if t.cpu > 0]
    ratio_c = statistics.median(cpu_pairs) if cpu_pairs else float("nan")
    ours_m = statistics.median(m.peak_kib for m in row.ours) / 1024
    buf_m = statistics.median(m.peak_kib for m in row.theirs) / 1024
    ratio_m = statistics.median(o.peak_kib / t.peak_kib for o, t in pairs)
    print(f"{row.label:<44} {row.count:>6} {ours_t:>11.3f} {buf_t:>7.3f} {ratio_t:>6.2f}x {ratio_c:>6.2f}x "
          f"{ours_m:>13.1f} {buf_m:>8.1f} {ratio_m:>6.2f}x   (load {os.getloadavg()[0]:.1f})", flush=True)


def report(rows: list[Row]) -> None:
    print(HEAD)
    print("-" * len(HEAD))
    for row in rows:
        print_row(row)
    print_notes()


def print_notes() -> None:
    print("\n(seconds and MiB: medians over the runs; time, cpu (user+system) and memory: medians of the "
          "per-pair ratios workbench / buf. On a busy machine wall time favours buf, whose Go runtime runs "
          "several threads and so gets a bigger share of the cores than a one-threaded Python process.)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--many-files", type=int, default=2000, help="files of input (c), 3 messages each")
    parser.add_argument("--with-repo", action="store_true", help="also this repository against a branch")
    parser.add_argument("--only", default="abcr", help="which inputs to run (letters of a, b, c, r)")
    parser.add_argument("--keep", type=Path, default=None, help="generate into DIR and keep it")
    parser.add_argument("--tools", default="breaking,lint", help="which commands to compare (breaking, lint)")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="wb-bench-breaking-"))
    tmp.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        print(f"buf: {subprocess.run([BUF, '--version'], capture_output=True, text=True).stdout.strip()}  "  # noqa: S603
              f"python: {sys.version.split()[0]}  cpus: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}\n")
        inputs: list[tuple[str, Path]] = []
        if "a" in args.only:
            one_file_module(tmp / "a")
            inputs.append(("(a) 1-file module", tmp / "a"))
        for key, label, messages, files in (("b", f"(b) generated {args.messages} msgs/{args.files} files",
                                             args.messages, args.files),
                                            ("c", f"(c) generated {args.many_files} files",
                                             args.many_files * 3, args.many_files)):
            if key not in args.only:
                continue
            t = time.perf_counter()
            counts = generated_module(tmp / key, messages, files)
            print(f"{label}: generated in {time.perf_counter() - t:.1f}s; changes: "
                  f"{', '.join(f'{v} {k}' for k, v in counts.items())}")
            inputs.append((label, tmp / key))
        print()
        print(HEAD)
        print("-" * len(HEAD), flush=True)
        for label, root in inputs if "breaking" in args.tools else ():
            after = root / "after"
            rows.append(run_pair(f"breaking {label}",
                                 [*WORKBENCH, "breaking", "--against", "../before", "--error-format", "json"],
                                 [BUF, "breaking", "--against", "../before", "--error-format", "json"],
                                 after, args.runs))
            print_row(rows[-1])
        for label, root in inputs if "lint" in args.tools else ():
            rows.append(run_pair(f"lint {label}", [*WORKBENCH, "lint", "--error-format", "json"],
                                 [BUF, "lint", "--error-format", "json"], root / "after", args.runs))
            print_row(rows[-1])
        if args.with_repo and "r" in args.only:
            clone, ours, theirs = repo_pair(tmp)
            rows.append(run_pair("breaking (r) this repository", ours, theirs, clone, args.runs))
            print_row(rows[-1])
        print_notes()
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
