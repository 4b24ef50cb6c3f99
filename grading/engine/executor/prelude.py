"""The integrity prelude, run silently in the kernel before any student code (see ``__init__.py``).

It captures the identity of every public function of builtins, numpy, numpy.testing, numpy.linalg,
pg_helpers (and torch when asked) and the IPython shell's transformers and hooks, and installs two
functions under a random token: ``check`` (what changed since) and ``restore`` (put it all back).
``notebook_run.py`` fills in ``{token!r}`` and ``{watch_torch!r}``.
"""

PRELUDE = r'''
def _pg_grading_install(token, watch_torch):
    import builtins, sys, types
    import numpy, numpy.testing, numpy.linalg
    modules = {"builtins": builtins, "numpy": numpy, "numpy.testing": numpy.testing,
               "numpy.linalg": numpy.linalg}
    try:
        import pg_helpers, pg_helpers.checks
        modules["pg_helpers"] = pg_helpers
        modules["pg_helpers.checks"] = pg_helpers.checks
    except Exception:
        pass
    if watch_torch:
        try:
            import torch, torch.testing
            modules["torch"] = torch
            modules["torch.testing"] = torch.testing
        except Exception:
            pass
    IPYTHON_BUILTINS = {"input", "raw_input", "get_ipython", "exit", "quit", "display", "help",
                        "copyright", "credits", "license", "dreload"}
    watched = {}
    for mname, mod in modules.items():
        for key in list(vars(mod)):
            # Names IPython and ipykernel swap during every execution are not the student's doing.
            if key.startswith("_") or (mname == "builtins" and key in IPYTHON_BUILTINS):
                continue
            value = vars(mod)[key]
            if callable(value) or isinstance(value, types.ModuleType):
                watched[(mname, key)] = value
    import os
    # Code that lives in the Python installation, the venv or pg_helpers is library code: torch
    # wraps some of its own functions on first use (torch.manual_seed, when dynamo loads), and
    # matplotlib registers its own post-execute hooks; code from a notebook cell lives elsewhere.
    trusted = tuple(os.path.realpath(p) for p in {sys.prefix, sys.base_prefix}
                    | {os.path.dirname(os.path.dirname(m.__file__)) for m in modules.values()
                       if getattr(m, "__file__", None)})

    def library_code(fn):
        code = getattr(getattr(fn, "__func__", fn), "__code__", None)
        return code is not None and os.path.realpath(code.co_filename).startswith(trusted)

    def same(now, then):
        return now is then or (getattr(now, "__wrapped__", None) is then and library_code(now))

    def foreign(callbacks):
        return [cb for cb in callbacks if not library_code(cb)]

    shell = get_ipython()
    hooks = {
        "input_transformers_cleanup": lambda: list(shell.input_transformers_cleanup),
        "input_transformers_post": lambda: list(shell.input_transformers_post),
        "ast_transformers": lambda: list(shell.ast_transformers),
        "events": lambda: {k: foreign(v) for k, v in shell.events.callbacks.items()},
        "custom_exceptions": lambda: shell.custom_exceptions,
        "shell instance attributes": lambda: sorted(k for k in ("run_cell", "run_ast_nodes", "run_code",
            "showtraceback", "transform_cell", "ex", "ev") if k in vars(shell)),
        "shell class": lambda: type(shell),
        "sys.modules": lambda: [sys.modules.get(m) is modules[m] for m in modules],
    }
    before = {name: get() for name, get in hooks.items()}
    missing = object()

    def check():
        changed = []
        for (mname, key), value in watched.items():
            if not same(vars(modules[mname]).get(key, missing), value):
                changed.append(f"{mname}.{key}")
        for name, get in hooks.items():
            try:
                now = get()
            except Exception:
                changed.append(name)
                continue
            if now != before[name]:
                changed.append(name)
        return token + json_dumps(changed)

    saved_lists = {name: list(getattr(shell, name)) for name in
                   ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")}
    saved_custom = shell.custom_exceptions
    shell_class = type(shell)

    def restore():
        """Put back everything the tests rely on, just before a test cell runs."""
        restored = []
        for (mname, key), value in watched.items():
            if not same(vars(modules[mname]).get(key, missing), value):
                setattr(modules[mname], key, value)
                restored.append(f"{mname}.{key}")
        for mname, mod in modules.items():
            if sys.modules.get(mname) is not mod:
                sys.modules[mname] = mod
                restored.append(f"sys.modules[{mname!r}]")
        for name, items in saved_lists.items():
            if list(getattr(shell, name)) != items:
                getattr(shell, name)[:] = items
                restored.append(name)
        for event, callbacks in shell.events.callbacks.items():
            if foreign(callbacks):
                callbacks[:] = [cb for cb in callbacks if library_code(cb)]
                restored.append(f"events[{event!r}]")
        if shell.custom_exceptions != saved_custom:
            shell.custom_exceptions = saved_custom
            restored.append("custom_exceptions")
        for key in ("run_cell", "run_ast_nodes", "run_code", "showtraceback", "transform_cell", "ex", "ev"):
            if key in vars(shell):
                delattr(shell, key)
                restored.append(f"shell.{key}")
        if type(shell) is not shell_class:
            shell.__class__ = shell_class
            restored.append("shell class")
        return token + json_dumps(restored)

    import json
    json_dumps = json.dumps
    setattr(builtins, "_pg_grading_check_" + token, check)
    setattr(builtins, "_pg_grading_restore_" + token, restore)

_pg_grading_install({token!r}, {watch_torch!r})
del _pg_grading_install
'''
