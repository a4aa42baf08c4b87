"""Benchmark: `workbench breaking` against `buf breaking` on the same pair, side by side in one run.

    .venv/bin/python bench/bench_breaking.py [--runs 3] [--messages 5000] [--files 500] [--keep DIR]

(a) this repository: its committed contracts against a branch that deletes a field, renames a
    JSON name, changes a type and adds an entity (both tools read the base from git);
(b) a generated proto set (default 5,000 messages over 500 files with imports between them) and a
    mutated copy with deletions, type changes, renames, reserved-range removals and additions.
    Generated into a temp dir at bench time; nothing is committed.

Prints wall time (best and median of --runs) and peak memory (the whole process tree's PSS sampled
from /proc every 5 ms, at least the kernel's max RSS of its biggest process) for each tool, and the
ratios workbench/buf. Both tools run with warm caches (bytecode, buf's cache, page cache).
"""

from __future__ import annotations

import argparse
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
SCALARS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool", "string", "bytes", "double",
           "float", "fixed32", "fixed64"]


@dataclass
class Measure:
    seconds: float
    peak_kib: int
    code: int


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
    return Measure(elapsed, max(peak, usage.ru_maxrss), proc.returncode)


def run_pair(label: str, ours: list[str], theirs: list[str], cwd: Path, runs: int) -> dict[str, object]:
    env = installed_env()  # run as an installed package does: with cached bytecode
    env["BUF_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "wb-bench-buf-cache")
    measure(ours, cwd, env)  # warm-up: bytecode and page cache for both tools
    measure(theirs, cwd, env)
    mine, bufs = [], []
    for _ in range(runs):
        mine.append(measure(ours, cwd, env))
        bufs.append(measure(theirs, cwd, env))
    return {"label": label, "ours": mine, "buf": bufs}


def report(rows: list[dict[str, object]]) -> None:
    head = f"{'input':<34} {'tool':<10} {'best s':>8} {'median s':>9} {'peak MiB':>9} {'exit':>5}"
    print(head)
    print("-" * len(head))
    for row in rows:
        for tool in ("ours", "buf"):
            ms: list[Measure] = row[tool]  # type: ignore[assignment]
            name = "workbench" if tool == "ours" else "buf"
            print(f"{row['label']:<34} {name:<10} {min(m.seconds for m in ms):>8.3f} "
                  f"{statistics.median(m.seconds for m in ms):>9.3f} {max(m.peak_kib for m in ms) / 1024:>9.1f} "
                  f"{ms[-1].code:>5}")
        ours: list[Measure] = row["ours"]  # type: ignore[assignment]
        theirs: list[Measure] = row["buf"]  # type: ignore[assignment]
        t = statistics.median(m.seconds for m in ours) / statistics.median(m.seconds for m in theirs)
        mem = max(m.peak_kib for m in ours) / max(m.peak_kib for m in theirs)
        print(f"{row['label']:<34} {'ratio':<10} {'':>8} {t:>8.2f}x {mem:>8.2f}x   (workbench / buf)")
    print()


# --------------------------------------------------------------------- (a) this repository


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
    ours = [PY, "-m", "workbench.cli.main", "--root", str(clone), "breaking", "--against", "main",
            "--format", "json"]
    theirs = [BUF, "breaking", "proto", "--against", ".git#branch=main,subdir=proto", "--error-format", "json"]
    return clone, ours, theirs


# --------------------------------------------------------------------- (b) generated set


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--keep", type=Path, default=None, help="generate into DIR and keep it")
    parser.add_argument("--skip-repo", action="store_true")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="wb-bench-breaking-"))
    tmp.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        print(f"buf: {subprocess.run([BUF, '--version'], capture_output=True, text=True).stdout.strip()}  "  # noqa: S603
              f"python: {sys.version.split()[0]}  cpus: {os.cpu_count()}\n")
        if not args.skip_repo:
            clone, ours, theirs = repo_pair(tmp)
            rows.append(run_pair("(a) this repository", ours, theirs, clone, args.runs))
        before, after = tmp / "gen" / "before", tmp / "gen" / "after"
        t = time.perf_counter()
        generate(before, args.messages, args.files)
        counts = mutate(before, after)
        n_files = len(list(before.rglob("*.proto")))
        print(f"generated {args.messages} messages in {n_files} files in {time.perf_counter() - t:.1f}s; "
              f"changes: {', '.join(f'{v} {k}' for k, v in counts.items())}\n")
        ours = [PY, "-m", "workbench.cli.main", "--root", str(REPO), "breaking", str(after), "--against",
                str(before), "--format", "json"]
        theirs = [BUF, "breaking", str(after), "--against", str(before), "--error-format", "json"]
        label = f"(b) generated {args.messages}/{n_files}"
        rows.append(run_pair(label, ours, theirs, REPO, args.runs))
        report(rows)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
