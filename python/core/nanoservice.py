"""``core.nanoservice.NanoService``: Blok's base class for nodes with JSON Schema inputs."""

from __future__ import annotations

import copy
import inspect
from abc import abstractmethod
from typing import Any, Dict, List

from core.node_base import NodeBase
from core.types.context import Context
from core.types.nanoservice_response import NanoServiceResponse
from core.types.response import ResponseContext

try:  # Debian: python3-jsonschema. Only needed once a node declares a schema.
    from jsonschema import Draft7Validator, ValidationError
except ImportError:  # pragma: no cover - depends on the interpreter
    Draft7Validator = None  # type: ignore[assignment,misc]

    class ValidationError(ValueError):  # type: ignore[no-redef]
        """Stands in for ``jsonschema.ValidationError`` when jsonschema is not installed."""


class NanoService(NodeBase):
    """Blok's ``NanoService``: set ``self.input_schema`` / ``self.output_schema`` (JSON Schema
    draft-07) in ``__init__`` and implement ``async handle(self, ctx, inputs)`` returning a
    :class:`NanoServiceResponse`.

    :meth:`run` validates a deep copy of ``ctx.config`` against ``input_schema`` (a mismatch
    fails the call with ``jsonschema.ValidationError`` listing every problem, before ``handle``
    runs), calls ``handle``, validates successful output ``data`` against ``output_schema``, and
    returns a :class:`ResponseContext` with ``data``, or ``error`` = ``GlobalError.to_dict()``
    after ``setError``. An empty schema (the default) accepts anything.
    """

    def __init__(self) -> None:
        NodeBase.__init__(self)
        self.input_schema: Any = {}
        self.output_schema: Any = {}

    def setSchemas(self, input_schema: Any, output_schema: Any) -> None:  # noqa: N802 - Blok's name
        """Set both schemas."""
        self.input_schema = input_schema
        self.output_schema = output_schema

    def getSchemas(self) -> Dict[str, Any]:  # noqa: N802 - Blok's name
        """``{"input": input_schema, "output": output_schema}``."""
        return {"input": self.input_schema, "output": self.output_schema}

    async def run(self, ctx: Context) -> ResponseContext:
        """Validate the inputs, call :meth:`handle`, and shape its result as Blok does."""
        # A copy: handle may change its inputs without touching ctx.config.
        inputs = copy.deepcopy(ctx.config)
        self._check(inputs, self.input_schema, "inputs", "input_schema")
        result = self.handle(ctx, inputs)
        if inspect.isawaitable(result):
            result = await result
        if not (hasattr(result, "data") and hasattr(result, "error")):
            raise TypeError(
                f"handle() of node {self._label()} must return a NanoServiceResponse, "
                f"got {type(result).__name__}"
            )
        response = ResponseContext(success=True)
        response.contentType = getattr(result, "contentType", response.contentType)
        if result.error is not None:
            error = result.error
            response.error = error.to_dict() if hasattr(error, "to_dict") else error
            response.success = False
        else:
            # Only a success has output to check: a failure's data is always {}.
            self._check(result.data, self.output_schema, "output", "output_schema")
            response.data = result.data
        return response

    def validate(self, obj: Any, schema: Any) -> None:
        """Raise ``ValidationError`` listing every way ``obj`` does not match ``schema``."""
        self._check(obj, schema, "value", "schema")

    @abstractmethod
    async def handle(self, ctx: Context, inputs: Dict[str, Any]) -> NanoServiceResponse:
        """The node's logic: build a response, then ``setSuccess(data)`` or ``setError(error)``."""

    def _check(self, obj: Any, schema: Any, what: str, schema_name: str) -> None:
        if not schema:
            return
        if Draft7Validator is None:
            raise ImportError(
                f"node {self._label()} declares an {schema_name}, and validating it needs the "
                "jsonschema package (Debian/Ubuntu: apt-get install python3-jsonschema)"
            )
        problems: List[str] = [
            f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
            for error in sorted(self._validator(schema).iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
        ]
        if problems:
            raise ValidationError(f"{what} of node {self._label()} do not match its {schema_name}: " + "; ".join(problems))

    def _validator(self, schema: Any) -> Any:
        # One validator per schema object, built on first use: building one per call would cost
        # more than most validations. Keyed by identity, so assigning a new schema (or calling
        # setSchemas) is seen at once; the entry keeps its schema alive so the id stays unique.
        cache: Dict[int, Any] = self.__dict__.setdefault("_validators", {})
        entry = cache.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = (schema, Draft7Validator(schema))
            cache[id(schema)] = entry
        return entry[1]

    def _label(self) -> str:
        return repr(self.name or self.node or type(self).__name__)
