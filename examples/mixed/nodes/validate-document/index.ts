// A TypeScript node (loaded through tsx): checks that a document is fit for analysis.
// It fails, like a schema check would, when the text is missing; softer problems are reported.
interface Inputs {
  text?: unknown;
  max_chars?: number;
}

export default class ValidateDocument {
  async handle(_ctx: unknown, inputs: Inputs = {}) {
    if (typeof inputs.text !== "string" || inputs.text.trim() === "") {
      throw new Error("validate-document needs a non-empty string 'text'");
    }
    const text = inputs.text;
    const maxChars = inputs.max_chars ?? 1_000_000;
    const issues: string[] = [];
    if (text.length > maxChars) issues.push(`longer than ${maxChars} characters (${text.length})`);
    // Control characters other than tab and line breaks usually mean a binary or mis-decoded upload.
    const control = text.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g)?.length ?? 0;
    if (control > 0) issues.push(`${control} control characters`);
    if (/\uFFFD/.test(text)) issues.push("contains U+FFFD replacement characters (bad encoding)");
    return { valid: issues.length === 0, issues, chars: text.length, lines: text.split(/\r?\n/).length };
  }
}
