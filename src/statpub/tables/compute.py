"""Arrow compute kernels, called without importing ``pyarrow.compute``.

``import pyarrow.compute`` wraps each of Arrow's 300-odd kernels in a Python
function with a signature and a docstring scraped from its options class:
about 0.1 s, an eighth of validating a million-row table. The engine calls the
kernels it uses through the same registry, under the same names and with the
same arguments as ``pyarrow.compute`` (positional options after the arrays,
or keywords), but builds each wrapper on its first call, without docs.

Array methods such as ``Array.cast``, ``Array.filter`` or ``Array.is_null``
import ``pyarrow.compute`` themselves: the engine uses the functions here.
``tests/engine/test_compute.py`` checks each one against ``pyarrow.compute``.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from pyarrow import _compute

__all__ = [
    "add", "all", "and_", "any", "ascii_is_decimal", "ascii_is_printable", "ascii_ltrim",
    "ascii_rtrim", "assume_timezone", "binary_join_element_wise", "binary_length",
    "call_function", "cast",
    "cumulative_sum", "dictionary_decode", "dictionary_encode", "drop_null", "equal",
    "extract_regex",
    "fill_null", "filter", "greater", "greater_equal", "if_else", "indices_nonzero", "invert",
    "is_finite", "is_in", "is_nan", "is_null", "is_valid", "less", "less_equal",
    "match_substring", "match_substring_regex", "multiply", "or_", "or_kleene",
    "replace_substring", "replace_substring_regex", "starts_with", "strftime", "strptime",
    "struct_field", "subtract", "take", "unique", "utf8_length", "utf8_slice_codeunits",
]  # fmt: skip


class _Kernel:
    """One kernel of Arrow's registry, called as ``pyarrow.compute`` calls it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.function: Any = None

    def __call__(self, *args: Any, options: Any = None, **kwargs: Any) -> Any:
        if self.function is None:
            # Worker threads call kernels at once: the options class is set before the
            # function, which says the wrapper is ready.
            function = _compute.get_function(self.name)
            class_name = function._doc.options_class
            self.options_class = getattr(_compute, class_name) if class_name else None
            self.function = function
        arity = self.function.arity
        if arity is not Ellipsis:
            if len(args) < arity:
                raise TypeError(f"{self.name} takes {arity} positional argument(s)")
            args, extra = args[:arity], args[arity:]
        else:
            extra = ()
        if extra or kwargs:
            if self.options_class is None:
                raise TypeError(f"{self.name} takes no options")
            options = self.options_class(*extra, **kwargs)
        return self.function.call(list(args), options)


def call_function(name: str, args: list[Any], options: Any = None) -> Any:
    return _compute.call_function(name, args, options)


def cast(values: Any, target_type: pa.DataType, safe: bool = True) -> Any:
    options = (
        _compute.CastOptions.safe(target_type) if safe else _compute.CastOptions.unsafe(target_type)
    )
    return _compute.call_function("cast", [values], options)


def fill_null(values: Any, fill_value: Any) -> Any:
    """Nulls replaced by ``fill_value`` (an Arrow scalar or array)."""
    return _compute.call_function("coalesce", [values, fill_value])


def take(values: Any, indices: Any, *, boundscheck: bool = True) -> Any:
    return _compute.call_function(
        "take", [values, indices], _compute.TakeOptions(boundscheck=boundscheck)
    )


def filter(values: Any, mask: Any) -> Any:  # noqa: A001 - the kernel's name
    return _compute.call_function("filter", [values, mask])


def dictionary_decode(values: pa.DictionaryArray) -> Any:
    return take(values.dictionary, values.indices)


add = _Kernel("add")
all = _Kernel("all")  # noqa: A001
and_ = _Kernel("and")
any = _Kernel("any")  # noqa: A001
ascii_is_decimal = _Kernel("ascii_is_decimal")
ascii_is_printable = _Kernel("ascii_is_printable")
ascii_ltrim = _Kernel("ascii_ltrim")
ascii_rtrim = _Kernel("ascii_rtrim")
assume_timezone = _Kernel("assume_timezone")
binary_join_element_wise = _Kernel("binary_join_element_wise")
binary_length = _Kernel("binary_length")
cumulative_sum = _Kernel("cumulative_sum")
dictionary_encode = _Kernel("dictionary_encode")
drop_null = _Kernel("drop_null")
equal = _Kernel("equal")
extract_regex = _Kernel("extract_regex")
greater = _Kernel("greater")
greater_equal = _Kernel("greater_equal")
if_else = _Kernel("if_else")
indices_nonzero = _Kernel("indices_nonzero")
invert = _Kernel("invert")
is_finite = _Kernel("is_finite")
is_in = _Kernel("is_in")
is_nan = _Kernel("is_nan")
is_null = _Kernel("is_null")
is_valid = _Kernel("is_valid")
unique = _Kernel("unique")
less = _Kernel("less")
less_equal = _Kernel("less_equal")
match_substring = _Kernel("match_substring")
match_substring_regex = _Kernel("match_substring_regex")
multiply = _Kernel("multiply")
or_ = _Kernel("or")
or_kleene = _Kernel("or_kleene")
replace_substring = _Kernel("replace_substring")
replace_substring_regex = _Kernel("replace_substring_regex")
starts_with = _Kernel("starts_with")
strftime = _Kernel("strftime")
strptime = _Kernel("strptime")
struct_field = _Kernel("struct_field")
subtract = _Kernel("subtract")
utf8_length = _Kernel("utf8_length")
utf8_slice_codeunits = _Kernel("utf8_slice_codeunits")
