"""Keywords of a text, written the way Blok's released Python runtime expects a node."""

import re
import traceback
from collections import Counter
from typing import Any, Dict

from core.nanoservice import NanoService
from core.types.context import Context
from core.types.global_error import GlobalError
from core.types.nanoservice_response import NanoServiceResponse

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


class Keywords(NanoService):
    def __init__(self):
        NanoService.__init__(self)
        self.input_schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "text": {"type": "string"},
                "min_length": {"type": "integer", "minimum": 1},
                "top": {"type": "integer", "minimum": 1},
            },
            "required": ["text"],
        }
        self.output_schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"keywords": {"type": "array"}},
            "required": ["keywords"],
        }

    async def handle(self, ctx: Context, inputs: Dict[str, Any]) -> NanoServiceResponse:
        response = NanoServiceResponse()
        try:
            min_length = inputs.get("min_length", 4)
            words = [w.lower() for w in _WORD.findall(inputs["text"]) if len(w) >= min_length]
            if not words:
                error = GlobalError(f"no word of {min_length} letters or more in the text")
                error.setCode(422)
                error.setJson({"field": "text", "min_length": min_length})
                error.setName(self.name)
                response.setError(error)
                return response
            counts = Counter(words).most_common(inputs.get("top", 5))
            ctx.logger.log(f"{len(words)} candidate words")
            response.setSuccess({"keywords": [{"word": w, "count": n} for w, n in counts], "request_id": ctx.id})
        except Exception as exc:
            error = GlobalError(exc)
            error.setCode(500)
            error.setName(self.name)
            error.setStack(traceback.format_exc())
            response.setError(error)
        return response
