"""Every operation a staff member performs declares the right it needs (``@requires``), visibly, on itself."""

import importlib
import inspect
import pkgutil

import cloudplatform

# Operations whose staff argument may be None (the system) and that check a finer rule themselves.
CHECKED_INSIDE = {
    "cloudplatform.identity.operations.create_staff_account",  # permissions.can_grant: role and scope
    "cloudplatform.identity.operations.link_staff_to_user",  # the console loads the account to manage
}


def staff_operations():
    for info in pkgutil.walk_packages(cloudplatform.__path__, "cloudplatform."):
        if not info.name.endswith(".operations"):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = list(inspect.signature(inspect.unwrap(function)).parameters)
            if parameters and parameters[0] == "staff":
                yield f"{info.name}.{name}", function


def test_there_are_staff_operations_to_check():
    assert len(list(staff_operations())) >= 10


def test_every_staff_operation_declares_its_right():
    undeclared = [
        name
        for name, function in staff_operations()
        if not hasattr(function, "action") and name not in CHECKED_INSIDE
    ]
    assert undeclared == []
