# SPDX-License-Identifier: Apache-2.0
# The exception hierarchy: bases, structured attributes and messages of every civicplan error.
import builtins

import pytest

import civicplan as cp

SUBCLASSES = [cp.ParseError, cp.ValidationError, cp.NotFoundError, cp.PermissionError,
              cp.ConflictError, cp.CycleError, cp.StorageError]


def test_hierarchy():
    assert issubclass(cp.Error, Exception)
    assert issubclass(cp.Error, RuntimeError)
    for cls in SUBCLASSES:
        assert issubclass(cls, cp.Error), cls
        assert cls.__module__ == "civicplan"
        assert cls.__doc__
    assert cp.PermissionError is not builtins.PermissionError
    assert not issubclass(cp.NotFoundError, KeyError)
    assert len(set(SUBCLASSES)) == len(SUBCLASSES)


@pytest.mark.parametrize("code, cls", [
    ("parse", cp.ParseError), ("validation", cp.ValidationError), ("not_found", cp.NotFoundError),
    ("permission", cp.PermissionError), ("conflict", cp.ConflictError), ("cycle", cp.CycleError),
    ("storage", cp.StorageError), ("usage", cp.Error),
])
def test_each_error_maps_to_its_class(code, cls):
    with pytest.raises(cls) as info:
        cp._civicplan._raise_error(code, "boom")
    assert type(info.value) is cls
    assert info.value.code == code
    assert "boom" in str(info.value)


def test_structured_attributes():
    with pytest.raises(cp.ParseError) as parse:
        cp._civicplan._raise_error("parse", "unexpected token")
    assert (parse.value.source, parse.value.line, parse.value.column) == ("<input>", 3, 7)
    assert str(parse.value) == "<input>:3:7: unexpected token"

    with pytest.raises(cp.ValidationError) as validation:
        cp._civicplan._raise_error("validation", "is wrong")
    assert validation.value.issues == [("bodies[0].id", "is wrong"), ("plans[1].title", "is required")]
    assert str(validation.value) == "bodies[0].id: is wrong\nplans[1].title: is required"

    with pytest.raises(cp.NotFoundError) as missing:
        cp._civicplan._raise_error("not_found", "X1")
    assert (missing.value.kind, missing.value.id) == ("body", "X1")
    assert str(missing.value) == 'no body "X1"'

    with pytest.raises(cp.CycleError) as cycle:
        cp._civicplan._raise_error("cycle", "membership")
    assert cycle.value.cycle == ["a", "b", "a"]
    assert str(cycle.value) == "membership cycle: a -> b -> a"


def test_errors_from_real_operations(ws, tmp_path):
    with pytest.raises(cp.NotFoundError) as info:
        ws.plan("missing-plan")
    assert (info.value.kind, info.value.id) == ("plan", "missing-plan")
    with pytest.raises(cp.NotFoundError):
        ws.taxonomy("nope")
    with pytest.raises(cp.Error):  # caught through the base class
        ws.body("nope")

    bad = tmp_path / "bad.json"
    bad.write_text('{"bodies": [}', encoding="utf-8")
    with pytest.raises(cp.ParseError) as parse:
        cp.validate_bundle(bad)
    assert parse.value.line == 1 and parse.value.column >= 12
    assert parse.value.code == "parse"


def test_errors_raised_from_python_have_default_attributes():
    error = cp.ValidationError("made in Python")
    assert error.issues is None and error.code is None
    assert cp.ParseError("x").line is None
    assert cp.CycleError("x").cycle is None


def test_unknown_error_code_is_a_value_error():
    with pytest.raises(ValueError, match="unknown error code"):
        cp._civicplan._raise_error("nonsense", "x")
