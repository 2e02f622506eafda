"""Text statistics: counts and the most frequent words of a text.

Workflow step (runtime.python3)::

    "text-stats": { "inputs": { "text": "${body.text}", "top": 5 } }

The text comes from ``inputs["text"]``; without it, from ``request.body.text`` (a POST body).
"""

import re
from collections import Counter

# Words are runs of letters/digits, with inner apostrophes or hyphens ("don't", "well-known").
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
# A sentence ends at ., ! or ? followed by whitespace or the end of the text.
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def handle(ctx, inputs):
    text = inputs.get("text")
    if text is None:
        body = ctx.request.get("body")
        text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise ValueError("text_stats needs a string 'text' input (or request.body.text)")
    top = inputs.get("top", 5)
    if not isinstance(top, int) or isinstance(top, bool) or top < 0:
        raise ValueError(f"'top' must be a non-negative integer, got {top!r}")

    words = [w.lower() for w in _WORD.findall(text)]
    counts = Counter(words)
    # Most frequent first; ties in alphabetical order so the output is deterministic.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return {
        "characters": len(text),
        "characters_no_spaces": sum(1 for c in text if not c.isspace()),
        "words": len(words),
        "unique_words": len(counts),
        "lines": len(text.splitlines()),
        "sentences": len(_SENTENCE_END.findall(text)),
        "average_word_length": round(sum(map(len, words)) / len(words), 2) if words else 0,
        "top_words": [{"word": word, "count": count} for word, count in ranked],
    }
