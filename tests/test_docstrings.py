"""Every public function, class and method of groundup has a docstring of its own
(or inherits one from a groundup base class, as the losses do)."""

import importlib
import inspect
import pkgutil

import groundup


def _own_or_groundup_doc(cls, name) -> bool:
    for base in cls.__mro__:
        member = vars(base).get(name)
        if member is None or not base.__module__.startswith("groundup"):
            continue
        function = member.fget if isinstance(member, property) else member
        if getattr(function, "__doc__", None):
            return True
    return False


def _public_members():
    for info in pkgutil.walk_packages(groundup.__path__, "groundup."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                name.startswith("_")
                or getattr(obj, "__module__", None) != module.__name__
            ):
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    function = member.fget if isinstance(member, property) else member
                    function = getattr(function, "__func__", function)
                    if not attr.startswith("_") and inspect.isfunction(function):
                        yield f"{module.__name__}.{name}.{attr}", (obj, attr)


def test_every_public_name_has_a_docstring():
    missing = []
    for path, obj in _public_members():
        if isinstance(obj, tuple):
            if not _own_or_groundup_doc(*obj):
                missing.append(path)
        elif not obj.__doc__:
            missing.append(path)
    assert not missing, missing
