"""Static scan of a submission's own code: what in it looks like an attempt to game the grader.

The scan reads every code cell the student controls (answer cells, unlocked cells and cells
they added), outside the student's process, and returns one short reason per finding, e.g.
``cell 7: assigns numpy.allclose``. Findings flag the submission in the CSV and the report;
they do not change scores (the instructor decides). The rules aim at what a correct answer
never needs: rebinding library or builtin names, the IPython machinery, reading files or the
environment, exiting or forking, introspecting the caller, and dynamic code.
"""

from __future__ import annotations

import ast
import re

from ..base import pyparse

# Names a submission must never rebind, patch or delete attributes of.
PROTECTED_ROOTS = {"np", "numpy", "torch", "pg", "pg_helpers", "builtins", "__builtins__", "sys", "os",
                   "math", "IPython", "scipy", "random", "gym", "gymnasium", "nbgrader", "unittest"}
FORBIDDEN_IMPORTS = {"subprocess", "ctypes", "multiprocessing", "signal", "socket", "resource", "gc",
                     "inspect", "importlib", "builtins", "pty", "urllib", "requests", "http", "shutil",
                     "glob", "pickle", "marshal", "traceback", "sqlite3", "sqlalchemy", "nbgrader",
                     "nbformat", "IPython", "atexit", "threading", "_thread", "faulthandler", "getpass",
                     "platform", "pathlib", "io", "tempfile"}
FORBIDDEN_CALLS = {
    "exec": "runs dynamic code", "eval": "runs dynamic code", "compile": "compiles dynamic code",
    "__import__": "imports dynamically", "globals": "reads the global namespace",
    "locals": "reads the local namespace", "vars": "reads a namespace", "setattr": "sets attributes dynamically",
    "delattr": "deletes attributes dynamically", "open": "opens files", "exit": "exits", "quit": "exits",
    "get_ipython": "uses the IPython shell", "breakpoint": "starts a debugger", "input": "waits for input",
}
FORBIDDEN_ATTRS = {
    "_exit": "exits the process", "exit": "exits", "abort": "aborts the process", "kill": "kills processes",
    "fork": "forks", "forkpty": "forks", "system": "runs shell commands", "popen": "runs shell commands",
    "execv": "replaces the process", "execvp": "replaces the process", "spawnv": "spawns processes",
    "environ": "reads the environment", "getenv": "reads the environment", "putenv": "changes the environment",
    "listdir": "lists files", "scandir": "lists files", "walk": "lists files", "read_text": "reads files",
    "read_bytes": "reads files", "write_text": "writes files", "write_bytes": "writes files",
    "_getframe": "inspects the caller", "f_back": "inspects the caller", "f_locals": "inspects the caller",
    "f_globals": "inspects the caller", "f_code": "inspects the caller", "co_consts": "reads code objects",
    "__code__": "reads or replaces code objects", "__globals__": "reads a function's globals",
    "__closure__": "reads closures", "__subclasses__": "walks the class hierarchy",
    "input_transformers_cleanup": "rewrites later cells", "input_transformers_post": "rewrites later cells",
    "ast_transformers": "rewrites later cells", "register_magic_function": "registers magics",
    "set_custom_exc": "hides errors", "showtraceback": "hides errors", "run_cell": "runs or replaces cells",
    "register_input_transformer": "rewrites later cells", "setrecursionlimit": "changes interpreter limits",
    "settrace": "traces execution", "setprofile": "traces execution", "__builtins__": "uses builtins",
    "__dict__": "edits a namespace", "__class__": "changes an object's class", "displayhook": "replaces hooks",
    "excepthook": "replaces hooks",
}
# Special methods a result never needs in this course: they make comparisons lie.
FORBIDDEN_METHODS = {"__eq__", "__ne__", "__bool__", "__array_ufunc__", "__array_function__",
                     "__instancecheck__", "__getattr__", "__getattribute__", "__lt__", "__gt__", "__le__",
                     "__ge__", "__abs__", "__float__", "__len__", "__iter__"}
IPYTHON_HISTORY = re.compile(r"^(In|Out|_ih|_oh|_dh|_i{1,3}|_i\d+|_\d+|__)$")
# Paths and names of the grader's files, never of an answer ("hidden" alone is a hidden layer).
SUSPICIOUS_STRINGS = re.compile(r"solutions/|gradebook|submitted/|autograded|hidden tests|\.ipynb|nbgrader|/work/"
                                r"|/proc/", re.IGNORECASE)
ALLOWED_MAGICS = {"matplotlib", "time", "timeit", "config"}
# pg_helpers modules that hold reference answers to exercises -> the assignments they answer.
# A later notebook may use a reference form; only the students of the notebook it answers are flagged.
ANSWER_MODULES: dict[str, set[str]] = {
    "policies": {"01_softmax_policy"},
    "returns": {"02_log_derivative_trick"},
    "reinforce": {"03_reinforce"},
    "advantages": {"04_baselines"},
    "gaussian": {"05_gaussian_policies"},
    "importance": {"06_importance_sampling"},
    "natural": {"07_natural_gradient"},
}  # 08 and 09 have none: their answers exist only in the notebooks' solutions


def answer_modules(assignment: str | None) -> set[str]:
    """The pg_helpers modules that answer ``assignment``'s exercises (all of them when it is unknown)."""
    return {m for m, answered in ANSWER_MODULES.items() if assignment is None or assignment in answered}


def _root(node: ast.AST) -> str | None:
    """``np`` for ``np.linalg.norm``; None when the chain does not start at a plain name."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Subscript):
        parts.append(_dotted(node.value) + "[...]")
    return ".".join(reversed(parts))


def _python_source(source: str) -> tuple[str, list[str]]:
    """Cell source as plain Python (IPython magics translated); findings about the magics."""
    found = []
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("!") or stripped.startswith("%%") or re.match(r"^[\w.]+\s*=\s*!", stripped):
            found.append(f"shell escape or cell magic `{stripped[:40]}`")
            lines.append("")
        elif stripped.startswith("%"):
            magic = stripped[1:].split()[0] if stripped[1:].split() else ""
            if magic not in ALLOWED_MAGICS:
                found.append(f"magic `%{magic}`")
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines), found


def scan_source(source: str, imported: set[str] | None = None, assignment: str | None = None) -> list[str]:
    """Findings for one cell's source (empty if nothing suspicious).

    ``assignment`` decides which reference-answer modules count (see ``ANSWER_MODULES``);
    None treats every one of them as an answer.
    """
    code, found = _python_source(source)
    answers = answer_modules(assignment)
    try:
        tree = pyparse.parse(code)
    except SyntaxError:
        return found  # a syntax error costs the student already; nothing to scan
    protected = PROTECTED_ROOTS | (imported or set()) | imported_names([source])

    def target_findings(target: ast.AST, verb: str) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                target_findings(elt, verb)
        elif isinstance(target, ast.Starred):
            target_findings(target.value, verb)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            root = _root(target)
            if root in protected:
                found.append(f"{verb} {_dotted(target)}")
        elif isinstance(target, ast.Name) and target.id in FORBIDDEN_METHODS:
            found.append(f"defines {target.id} (makes comparisons or conversions lie)")
        elif isinstance(target, ast.Name) and target.id in {"__builtins__", "pg", "np"} and verb == "assigns":
            found.append(f"rebinds {target.id}")

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                target_findings(t, "assigns")
        elif isinstance(node, ast.Delete):
            for t in node.targets:
                target_findings(t, "deletes")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for mod in mods:
                top = mod.split(".")[0]
                if top in FORBIDDEN_IMPORTS:
                    found.append(f"imports {mod}")
                names = mod.split(".")[1:2] + ([a.name for a in node.names] if isinstance(node, ast.ImportFrom) else [])
                if top == "pg_helpers" and answers & set(names):
                    found.append(f"imports {mod} (reference answers)")
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {"os", "sys"}:
                for alias in node.names:
                    if alias.name in FORBIDDEN_ATTRS or alias.name == "*":
                        found.append(f"imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"calls {node.func.id}() ({FORBIDDEN_CALLS[node.func.id]})")
        elif isinstance(node, ast.Attribute) and node.attr in answers and _root(node) in {"pg", "pg_helpers"}:
            found.append(f"uses {_dotted(node)} (reference answers)")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRS:
            found.append(f"uses .{node.attr} ({FORBIDDEN_ATTRS[node.attr]})")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in FORBIDDEN_METHODS:
            found.append(f"defines {node.name} (makes comparisons or conversions lie)")
        elif isinstance(node, ast.Name) and IPYTHON_HISTORY.match(node.id):
            found.append(f"reads IPython history `{node.id}`")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in FORBIDDEN_METHODS:
            found.append(f"names {node.value} (makes comparisons or conversions lie)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SUSPICIOUS_STRINGS.search(node.value):
            found.append(f"mentions {SUSPICIOUS_STRINGS.search(node.value).group(0)!r}")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                if name in protected:
                    found.append(f"rebinds {name} globally")
    return list(dict.fromkeys(found))  # unique, in order


def imported_names(sources: list[str]) -> set[str]:
    """Names bound by ``import`` anywhere in the notebook (aliases of modules to protect)."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = pyparse.parse(_python_source(source)[0])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def scan_cells(cells: list[tuple[int, str]], context_sources: list[str], assignment: str | None = None) -> list[str]:
    """Findings for the student's cells ``(index, source)`` of ``assignment``, each prefixed with its cell number."""
    imported = imported_names(context_sources)
    out = []
    for index, source in cells:
        for finding in scan_source(source, imported, assignment):
            out.append(f"cell {index}: {finding}")
    return out
